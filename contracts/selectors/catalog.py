"""The member catalog: products on agreements in force, searched and ranked, each with the
agreement's current tier, the next tier, the saving against list price and (for a signed-in
district) the compliance verdict for that district.

Search is ranked keyword search that behaves the same on SQLite and PostgreSQL: every word must
appear in the product's name, description, category or vendor; a word in the name counts 4 (+1),
in the category or vendor 2, in the description 1; ties go by product name. Words and text are
lower-cased by Python, and a word matches anywhere inside the text ("read" finds "reading").

It runs on a search table, `contracts.models.CatalogEntry`: one row per product on the schedule in
force of an active agreement, with the agreement's term, the product's filter fields and name and
the lower-cased text, so one table answers the search and its count without joins (PostgreSQL
serves `contains` from trigram indexes on it). The services that change its sources keep it
right; `contracts.services.catalog_index` says which. `entries_in_force` is the same set read
from the sources.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Optional

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When, Window
from django.utils import timezone

from contracts.models import CatalogEntry, MasterAgreement, ScheduleEntry
from core.money import cents
from core.tiers import TierPosition, tier_at
from contracts.selectors.volumes import volumes_of
from contracts.states import AgreementState
from catalog.models import Category


def verdict_order() -> dict[str, int]:
    from compliance.selectors.verdicts import VERDICT_ORDER  # one order for all

    return VERDICT_ORDER

MAX_TERMS = 8


@dataclass
class CatalogItem:
    entry: ScheduleEntry
    agreement: MasterAgreement
    volume: int
    position: TierPosition
    saving: Decimal
    verdict: Optional[object] = None  # compliance MatrixCell for the district, when given
    # the district's participation in force in this agreement recording its board finding
    board_finding: Optional[object] = None

    @property
    def product(self):
        return self.entry.product


def entries_in_force(on_date: Optional[dt.date] = None) -> QuerySet[ScheduleEntry]:
    """Entries of the current schedule version of every agreement usable on `on_date`, from the
    sources (what the search table holds, see `contracts.services.catalog_index`)."""
    on_date = on_date or timezone.localdate()
    return ScheduleEntry.objects.filter(
        version__is_current=True, version__agreement__state=AgreementState.ACTIVE,
        version__agreement__start_date__lte=on_date, version__agreement__end_date__gte=on_date,
        product__active=True)


def products_in_force(on_date: Optional[dt.date] = None) -> QuerySet:
    """The ids ({"product_id": ...}) of the products on an agreement in force on `on_date`: the
    same set as `entries_in_force`, read from the search table (one indexed table instead of four
    joined ones; the services that change the sources keep it right, see
    `contracts.services.catalog_index`). For a correlated `Exists` per product, e.g. matching's."""
    on_date = on_date or timezone.localdate()
    return CatalogEntry.objects.filter(start_date__lte=on_date, end_date__gte=on_date).values("product_id")


def catalog_terms(product_ids: Optional[list[int]] = None) -> dict[int, list[tuple[dt.date, dt.date]]]:
    """Every (start, end) term of the rows of these products (all products: None): a product is
    on an agreement in force on the days of any of its terms. Rows without dates are never in force."""
    qs = CatalogEntry.objects.filter(start_date__isnull=False, end_date__isnull=False)
    if product_ids is not None:
        qs = qs.filter(product_id__in=product_ids)
    terms: dict[int, list[tuple[dt.date, dt.date]]] = {}
    for pid, start, end in qs.values_list("product_id", "start_date", "end_date").iterator(chunk_size=5000):
        terms.setdefault(pid, []).append((start, end))
    return terms


def search_terms(q: str) -> list[str]:
    return [t for t in q.lower().split() if t][:MAX_TERMS]


def _search(*, q: str = "", category: str = "", grade_band: str = "", subject: str = "",
            interoperability: str = "", kind: str = "", product_id: Optional[int] = None,
            on_date: Optional[dt.date] = None, prefix: str = ""):
    """(conditions, rank expression) on the search table's fields, named through `prefix`
    ("" from CatalogEntry, "catalog_row__" from ScheduleEntry)."""
    on_date = on_date or timezone.localdate()

    def f(name: str) -> str:
        return prefix + name

    conditions = [Q(**{f("start_date__lte"): on_date, f("end_date__gte"): on_date})]
    if product_id is not None:
        conditions.append(Q(**{f("product_id"): product_id}))
    if category:
        conditions.append(Q(**{f("category_id__in"): Category.objects.filter(code=category).values("pk")}))
    if kind:
        conditions.append(Q(**{f("kind"): kind}))
    # JSON lists of codes, matched as quoted strings so "K-2" does not match "K-20".
    for field, code in (("grade_bands", grade_band), ("subjects", subject),
                        ("interoperability", interoperability)):
        if code:
            conditions.append(Q(**{f(f"{field}__icontains"): f'"{code}"'}))
    rank = Value(0, output_field=IntegerField())
    for term in search_terms(q):
        # Text and words are lower-cased by Python, so `contains` means the same on both
        # databases; on PostgreSQL trigram indexes serve it (migration contracts.0003).
        in_name = Q(**{f("name_text__contains"): term})
        in_other = Q(**{f("other_text__contains"): term})  # category or vendor
        in_text = Q(**{f("search_text__contains"): term})  # name or description
        conditions.append(in_text | in_other)
        rank = (rank + Case(When(in_name, then=4), default=0, output_field=IntegerField())
                + Case(When(in_other, then=2), default=0, output_field=IntegerField())
                + Case(When(in_text, then=1), default=0, output_field=IntegerField()))
    return conditions, rank


def catalog_search(**filters) -> QuerySet[ScheduleEntry]:
    """Matching entries, best first (rank, then product name, then entry)."""
    conditions, rank = _search(**filters, prefix="catalog_row__")
    return (ScheduleEntry.objects.filter(*conditions).annotate(rank=rank)
            .select_related("product__category", "product__vendor", "version__agreement__vendor")
            .order_by("-rank", "catalog_row__product_name", "pk"))


def catalog_count(**filters) -> int:
    conditions, _ = _search(**filters)
    return CatalogEntry.objects.filter(*conditions).count()


def catalog_items(entries: list[ScheduleEntry], *, district=None,
                  on_date: Optional[dt.date] = None) -> list[CatalogItem]:
    """Price positions (one query) and, for a district, the verdicts (a fixed number of
    queries, through `compliance.selectors.verdicts.district_verdicts`)."""
    agreements = {e.version.agreement_id: e.version.agreement for e in entries}
    volumes = volumes_of(agreements, line_references={e.line_reference for e in entries})
    items = []
    for entry in entries:
        agreement = agreements[entry.version.agreement_id]
        volume = volumes.get((agreement.pk, entry.line_reference), 0)
        position = tier_at(entry.tiers, volume)
        items.append(CatalogItem(entry=entry, agreement=agreement, volume=volume, position=position,
                                 saving=cents(entry.list_price - position.unit_price)))
    if district is not None and items:
        from compliance.selectors.verdicts import district_verdicts
        from contracts.selectors.participation import board_findings_of

        # Each row under its own agreement's kind (a state may allow piggybacking on a
        # single-award contract but not on a multi-award one) and with whether the district's
        # participation in force in that agreement records its board finding: one call per
        # (kind, finding) present.
        findings = board_findings_of(district, agreements)
        groups: dict[tuple[str, Optional[str]], dict[int, str]] = {}

        def key_of(item) -> tuple[str, Optional[str]]:
            finding = findings.get(item.agreement.pk)
            return (item.agreement.award_kind, finding.board_finding_label if finding else None)

        for item in items:
            groups.setdefault(key_of(item), {})[item.product.pk] = item.agreement.award_kind
        cells = {key: district_verdicts(district=district, award_kinds=kinds, on_date=on_date,
                                        board_findings={pid: key[1] for pid in kinds} if key[1] is not None
                                        else frozenset())
                 for key, kinds in groups.items()}
        for item in items:
            item.board_finding = findings.get(item.agreement.pk)
            item.verdict = cells[key_of(item)].get(item.product.pk)
    return items


VERDICT_ORDER = verdict_order()


def best_offer(items: list[CatalogItem]) -> Optional[CatalogItem]:
    """For "can my district buy this?": the agreement with the best verdict for the district,
    then the lowest price now; None when no agreement offers the product."""
    if not items:
        return None
    return min(items, key=lambda i: (VERDICT_ORDER.get(i.verdict.verdict, 3) if i.verdict else 3,
                                     i.position.unit_price, i.agreement.number))


def catalog_page(*, page: int = 1, page_size: int = 20, **filters) -> tuple[list[ScheduleEntry], int]:
    """One page of results (the same order as `catalog_search`), and the number of matches.

    One query on the search table ranks the matches, keeps the page's entry ids and counts the
    matches in the same pass (a window count); a second loads those entries. Only a page past
    the last counts separately."""
    page, page_size = max(1, page), max(1, min(page_size, 100))
    conditions, rank = _search(**filters)
    start = (page - 1) * page_size
    rows = list(CatalogEntry.objects.filter(*conditions)
                .annotate(rank=rank, total=Window(Count("*")))
                .order_by("-rank", "product_name", "entry_id")
                .values_list("entry_id", "total")[start:start + page_size])
    if not rows:
        return [], (catalog_count(**filters) if page > 1 else 0)
    by_id = (ScheduleEntry.objects.select_related("product__category", "product__vendor",
                                                  "version__agreement__vendor")
             .in_bulk([entry_id for entry_id, _ in rows]))
    return [by_id[entry_id] for entry_id, _ in rows], rows[0][1]
