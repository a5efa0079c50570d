"""Reading vendors."""

from __future__ import annotations

from typing import Optional

from django.db.models import QuerySet
from django.http import Http404

from vendors.models import Vendor


def vendor_of_organisation(organisation) -> Optional[Vendor]:
    if organisation is None:
        return None
    return (Vendor.objects.filter(organisation=organisation)
            .select_related("organisation").prefetch_related("categories").first())


def vendor_for_actor(actor) -> Vendor:
    """The vendor the actor acts for. A vendor user's organisation without a vendor profile (or an
    actor without an organisation) is refused with a 404 that says so, on pages and in the API."""
    vendor = vendor_of_organisation(actor.organisation if actor is not None else None)
    if vendor is None:
        raise Http404("Your organisation is not a vendor.")
    return vendor


def category_choices() -> QuerySet:
    """The categories a vendor may say it sells in, by name. They are the target of
    `Vendor.categories` (the catalog's categories; catalog sits above vendors, so they are read
    through the vendor's own relation rather than by importing catalog)."""
    return Vendor.categories.field.related_model.objects.order_by("name")


def vendor_list() -> QuerySet[Vendor]:
    return Vendor.objects.select_related("organisation").prefetch_related("categories")
