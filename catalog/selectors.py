"""Reading the catalog."""

from __future__ import annotations

from typing import Optional

from django.db.models import BooleanField, ExpressionWrapper, F, Max, Q, QuerySet
from django.http import Http404

from accounts.acting import VENDOR, acts_as
from catalog.models import Category, Product
from vendors.selectors import vendor_for_actor


def category_list() -> QuerySet[Category]:
    return Category.objects.order_by("name")


def product_list(*, q: str = "", vendor=None, category: str = "",
                 active_only: bool = False) -> QuerySet[Product]:
    qs = Product.objects.select_related("vendor__organisation", "category").order_by("name", "pk")
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(vendor__organisation__name__icontains=q))
    if vendor is not None:
        qs = qs.filter(vendor=vendor)
    if category:
        qs = qs.filter(category__code=category)
    if active_only:
        qs = qs.filter(active=True)
    return qs


def products_of_vendor(vendor) -> QuerySet[Product]:
    return product_list(vendor=vendor)


def product_get(product_id: int) -> Optional[Product]:
    return product_list().filter(pk=product_id).first()


def product_for_actor(*, product_id: int, actor) -> Product:
    """A product the actor may see: a vendor user sees its own vendor's products only; staff and
    district people see every vendor's. Anything else is "no such product" (404)."""
    product = product_get(product_id)
    if product is None or (acts_as(actor, VENDOR) and product.vendor_id != vendor_for_actor(actor).pk):
        raise Http404("No such product.")
    return product


def facts_to_check() -> QuerySet[Product]:
    """Products offered now whose current facts consortium staff have not checked: first those
    changed since a check (what buyers were told was checked no longer is), then those never
    checked; the longest waiting first within each."""
    return (Product.objects.select_related("vendor__organisation", "category")
            .filter(active=True, facts_version__gt=0)
            .filter(Q(facts_checked_version__isnull=True) | Q(facts_checked_version__lt=F("facts_version")))
            .annotate(changed_at=Max("facts_versions__created_at"),
                      never_checked=ExpressionWrapper(Q(facts_checked_version__isnull=True),
                                                      output_field=BooleanField()))
            .order_by("never_checked", "changed_at", "pk"))


def facts_current_version(product: Product):
    return product.facts_versions.filter(number=product.facts_version).first()


def products_by_id_or_name(*, ids: list[int], names: list[str]) -> tuple[dict[int, Product], dict[str, list[Product]]]:
    """Products named in an import (licence usage): ({id: product} for the ids that exist,
    {lower-cased name: [products of that exact name, any vendor]}), two queries at most. A name
    can belong to several vendors' products; the caller says so rather than guess."""
    from django.db.models.functions import Lower

    by_id = {p.pk: p for p in Product.objects.select_related("vendor__organisation").filter(pk__in=ids)} if ids else {}
    by_name: dict[str, list[Product]] = {}
    if names:
        wanted = sorted({n.lower() for n in names})
        for product in (Product.objects.select_related("vendor__organisation").annotate(lower_name=Lower("name"))
                        .filter(lower_name__in=wanted).order_by("pk")):
            by_name.setdefault(product.lower_name, []).append(product)
    return by_id, by_name


def products_by_ids(ids) -> dict[int, Product]:
    return {p.pk: p for p in Product.objects.select_related("vendor__organisation", "category").filter(pk__in=list(ids))}
