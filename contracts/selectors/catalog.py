"""The member catalog: products on agreements in force, searched and ranked, each with the
agreement's current tier, the next tier, the saving against list price and (for a signed-in
district) the compliance verdict for that district.

Search is ranked keyword search that behaves the same on SQLite and PostgreSQL: every word must
appear in the product's name, description, category or vendor; a word in the name counts 4,
in the category or vendor 2, in the description 1.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Optional

from django.db.models import Case, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.utils import timezone

from contracts.models import MasterAgreement, ScheduleEntry, ScheduleVersion
from contracts.pricing import TierPosition, cents, tier_at
from contracts.selectors.volumes import volumes_of
from contracts.states import AgreementState

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
    latest = Subquery(ScheduleVersion.objects.filter(agreement=OuterRef("version__agreement"))
                      .order_by("-number").values("number")[:1])
    return (ScheduleEntry.objects
            .filter(version__agreement__state=AgreementState.ACTIVE,
                    version__agreement__start_date__lte=on_date,
                    version__agreement__end_date__gte=on_date, product__active=True)
            .annotate(latest_version=latest).filter(version__number=F("latest_version")))


def catalog_search(*, q: str = "", category: str = "", grade_band: str = "", subject: str = "",
                   interoperability: str = "", kind: str = "", product_id: Optional[int] = None,
                   on_date: Optional[dt.date] = None) -> QuerySet[ScheduleEntry]:
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
        in_name = Q(product__name__icontains=term)
        in_category = Q(product__category__name__icontains=term)
        in_vendor = Q(version__agreement__vendor__legal_name__icontains=term)
        in_text = Q(product__description__icontains=term)
        qs = qs.filter(in_name | in_category | in_vendor | in_text)
        rank = (rank + Case(When(in_name, then=4), default=0, output_field=IntegerField())
                + Case(When(in_category | in_vendor, then=2), default=0, output_field=IntegerField())
                + Case(When(in_text, then=1), default=0, output_field=IntegerField()))
    return (qs.annotate(rank=rank)
            .select_related("product__category", "product__vendor", "version__agreement__vendor")
            .order_by("-rank", "product__name", "pk"))


def catalog_items(entries: list[ScheduleEntry], *, district=None,
                  on_date: Optional[dt.date] = None) -> list[CatalogItem]:
    """Price positions (one query) and, for a district, the verdicts (a fixed number of queries
    per award kind on the page, through the compliance matrix for one district)."""
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
        from catalog.models import Product
        from compliance.selectors.verdicts import compliance_matrix

        for award_kind in {i.agreement.award_kind for i in items}:
            ids = [i.product.pk for i in items if i.agreement.award_kind == award_kind]
            matrix = compliance_matrix(products=Product.objects.filter(pk__in=ids), district=district,
                                       on_date=on_date, award_kind=award_kind)
            cells = {pf.id: row[0] for pf, row in matrix.rows}
            for item in items:
                if item.agreement.award_kind == award_kind:
                    item.verdict = cells.get(item.product.pk)
    return items
