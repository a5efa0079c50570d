"""A product's facts as a versioned record: what `catalog.services` stores each time the facts
change (`facts_version_record`), and how a version reads (`facts_of`, `changes_between`).

Only `catalog.services` calls `facts_version_record`, inside its own transaction, after locking
the product: the version number is the product's `facts_version` plus one.
"""

from __future__ import annotations

from typing import Any, Optional

from accounts.acting import Actor
from catalog.models import FACT_FIELDS, Product, ProductFactsVersion
from core.clock import now


def facts_of(product: Product) -> dict[str, Any]:
    """The product's facts as JSON values (the category by its code)."""
    facts: dict[str, Any] = {}
    for name in FACT_FIELDS:
        value = getattr(product, name)
        if name == "category":
            value = value.code
        elif isinstance(value, list):
            value = list(value)
        facts[name] = value
    return facts


def changes_between(before: Optional[dict], after: dict) -> list[str]:
    """The FACT_FIELDS whose values differ (all of those stated, for a first version)."""
    if before is None:
        return []
    return [name for name in FACT_FIELDS if before.get(name) != after.get(name)]


def _who(actor: Actor) -> str:
    if actor.is_system:
        return f"system ({actor.label})" if actor.label else "system"
    organisation = actor.organisation.name if actor.organisation else ""
    return f"{actor.role_label}, {organisation}" if organisation else actor.role_label


def facts_version_record(*, product: Product, previous: Optional[dict], actor: Actor) -> Optional[ProductFactsVersion]:
    """Store the product's facts as its next version if they differ from `previous` (the facts
    before the change; None for a new product). Returns the version, or None when nothing
    changed. The caller saves the product (its `facts_version` is set here)."""
    facts = facts_of(product)
    if previous is not None and previous == facts:
        return None
    number = product.facts_version + 1
    version = ProductFactsVersion.objects.create(
        product=product, number=number, facts=facts, changed=changes_between(previous, facts),
        created_at=now(), created_by=actor.user, created_by_label=_who(actor)[:200])
    product.facts_version = number
    return version
