"""The member catalog: products on agreements in force, searched and ranked, each with the
agreement's current tier, the next tier, the saving against list price and (for a signed-in
district) the compliance verdict for that district.

Search is ranked keyword search that behaves the same on SQLite and PostgreSQL: every word must
appear in the product's name, description, category or vendor; a word in the name counts 4 (+1),
in the category or vendor 2, in the description 1.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Optional

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from contracts.models import MasterAgreement, ScheduleEntry
from contracts.pricing import TierPosition, cents, tier_at
from contracts.selectors.volumes import volumes_of
from contracts.states import AgreementState
from catalog.models import Category
from vendors.models import Vendor

MAX_TERMS = 8


@dataclass
class CatalogItem:
    entry: ScheduleEntry
    agreement: MasterAgreement
    volume: int
    position: TierPosition
    saving: Decimal
    verdict: Optional[object] = None  # compliance MatrixCell for the district, when given

    @property
    def product(self):
        return self.entry.product


def entries_in_force(on_date: Optional[dt.date] = None) -> QuerySet[ScheduleEntry]:
    """Entries of the current schedule version of every agreement usable on `on_date`."""
    on_date = on_date or timezone.localdate()
    return ScheduleEntry.objects.filter(
        version__is_current=True, version__agreement__state=AgreementState.ACTIVE,
        version__agreement__start_date__lte=on_date, version__agreement__end_date__gte=on_date,
        product__active=True)


def _search(*, q: str = "", category: str = "", grade_band: str = "", subject: str = "",
            interoperability: str = "", kind: str = "", product_id: Optional[int] = None,
            on_date: Optional[dt.date] = None):
    """(matching entries, rank expression)."""
    qs = entries_in_force(on_date)
    if product_id is not None:
        qs = qs.filter(product_id=product_id)
    if category:
        qs = qs.filter(product__category__code=category)
    if kind:
        qs = qs.filter(product__kind=kind)
    # JSON lists of codes, matched as quoted strings so "K-2" does not match "K-20".
    for field, code in (("grade_bands", grade_band), ("subjects", subject),
                        ("interoperability", interoperability)):
        if code:
            qs = qs.filter(**{f"product__{field}__icontains": f'"{code}"'})
    terms = [t for t in q.lower().split() if t][:MAX_TERMS]
    rank = Value(0, output_field=IntegerField())
    for term in terms:
        # Vendors and categories are small tables: find the matching ones first, so the product
        # condition needs no join and PostgreSQL can use the trigram index on search_text.
        vendors = list(Vendor.objects.filter(legal_name__icontains=term).values_list("pk", flat=True)[:5000])
        categories = list(Category.objects.filter(name__icontains=term).values_list("pk", flat=True))
        in_name = Q(product__name__icontains=term)
        in_other = Q(product__vendor_id__in=vendors) | Q(product__category_id__in=categories)
        in_text = Q(product__search_text__contains=term)  # name and description, lower-cased
        qs = qs.filter(in_text | in_other)
        rank = (rank + Case(When(in_name, then=4), default=0, output_field=IntegerField())
                + Case(When(in_other, then=2), default=0, output_field=IntegerField())
                + Case(When(in_text, then=1), default=0, output_field=IntegerField()))
    return qs, rank


def catalog_search(**filters) -> QuerySet[ScheduleEntry]:
    """Matching entries, best first (rank, then product name)."""
    qs, rank = _search(**filters)
    return (qs.annotate(rank=rank)
            .select_related("product__category", "product__vendor", "version__agreement__vendor")
            .order_by("-rank", "product__name", "pk"))


def catalog_count(**filters) -> int:
    qs, _ = _search(**filters)
    return qs.count()


def catalog_items(entries: list[ScheduleEntry], *, district=None,
                  on_date: Optional[dt.date] = None) -> list[CatalogItem]:
    """Price positions (one query) and, for a district, the verdicts (a fixed number of
    queries, through `compliance.selectors.verdicts.district_verdicts`)."""
    agreements = {e.version.agreement_id: e.version.agreement for e in entries}
    volumes = volumes_of(agreements)
    items = []
    for entry in entries:
        agreement = agreements[entry.version.agreement_id]
        volume = volumes.get((agreement.pk, entry.line_reference), 0)
        position = tier_at(entry.tiers, volume)
        items.append(CatalogItem(entry=entry, agreement=agreement, volume=volume, position=position,
                                 saving=cents(entry.list_price - position.unit_price)))
    if district is not None and items:
        from compliance.selectors.verdicts import district_verdicts

        # A product on two agreements of different kinds is judged under the stricter (multi).
        kinds: dict[int, str] = {}
        for item in items:
            if kinds.get(item.product.pk) != "multi_award":
                kinds[item.product.pk] = item.agreement.award_kind
        cells = district_verdicts(district=district, award_kinds=kinds, on_date=on_date)
        for item in items:
            item.verdict = cells.get(item.product.pk)
    return items


def catalog_page(*, page: int = 1, page_size: int = 20, **filters) -> tuple[list[ScheduleEntry], int]:
    """One page of results, and the number of matches (counted without ranking or joins)."""
    page, page_size = max(1, page), max(1, min(page_size, 100))
    entries = list(catalog_search(**filters)[(page - 1) * page_size: page * page_size])
    return entries, catalog_count(**filters)
