"""Reading the catalog."""

from __future__ import annotations

from django.db.models import QuerySet

from catalog.models import Category


def category_list() -> QuerySet[Category]:
    return Category.objects.order_by("name")
