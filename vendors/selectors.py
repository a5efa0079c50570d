"""Reading vendors."""

from __future__ import annotations

from typing import Optional

from django.db.models import QuerySet

from vendors.models import Vendor


def vendor_of_organisation(organisation) -> Optional[Vendor]:
    if organisation is None:
        return None
    return (Vendor.objects.filter(organisation=organisation)
            .select_related("organisation").prefetch_related("categories").first())


def vendor_list() -> QuerySet[Vendor]:
    return Vendor.objects.select_related("organisation").prefetch_related("categories")
