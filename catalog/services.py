"""Changing the catalog."""

from __future__ import annotations

from django.db import transaction

from accounts.acting import Actor
from audit.services import audit_record, snapshot
from catalog.models import Category


@transaction.atomic
def category_ensure(*, code: str, name: str, description: str = "", actor: Actor) -> Category:
    """Create the category if it does not exist; rename it if its name changed."""
    category = Category.objects.filter(code=code).first()
    if category is None:
        category = Category.objects.create(code=code, name=name, description=description)
        audit_record(actor=actor, action="category.created", obj=category,
                     after=snapshot(category, ("code", "name", "description")))
    elif category.name != name:
        before = snapshot(category, ("code", "name", "description"))
        category.name = name
        category.save(update_fields=["name"])
        audit_record(actor=actor, action="category.updated", obj=category, before=before,
                     after=snapshot(category, ("code", "name", "description")))
    return category
