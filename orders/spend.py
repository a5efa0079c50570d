"""Counted spend and earned rebates, summed in the database, for the spend analytics (issue 16).

Spend is what members were billed for orders that count (`orders.states.COUNTING`: priced, not
cancelled, not awaiting an approver): each order line's amount less its share of the order's
quote credit (`OrderLine.amount - OrderLine.quote_credit`, so the lines of an order add up to
`Order.total`). It is dated by the day the order was priced (`Order.priced_at`, on the
consortium's calendar), the day it counted toward the pooled volume. A cancelled order's spend
disappears from the month it was priced in.

Rebates earned are the true-up ledger (`RebateEntry`) less reversals, dated by the day each
entry was made; settlements are how a vendor paid them, not earnings, and are left out. They are
never netted into spend: a page shows them beside it.

Every figure is a SQL `SUM ... GROUP BY` over the rows a filter selects (never rows pulled into
Python), so the work grows with the number of groups, not of order lines.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable, Optional
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, DecimalField, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import TruncMonth

from core.money import cents
from orders.models import OrderLine, RebateEntry
from orders.states import COUNTING

# What spend and rebates can be grouped by, and the columns each brings back (id first, then the
# label). "month" is the first day of the month, on the consortium's calendar.
DIMENSIONS = ("category", "vendor", "state", "district", "month", "agreement", "member")

_LINE_FIELDS = {
    "category": ("product__category_id", "product__category__name"),
    "vendor": ("order__agreement__vendor_id", "order__agreement__vendor__legal_name"),
    "state": ("order__district__state",),
    "district": ("order__district_id", "order__district__organisation__name", "order__district__enrollment",
                 "order__district__enrollment_is_estimate"),
    "agreement": ("order__agreement_id",),
    "member": ("order__district_id",),  # the district's id alone (the rollup's buckets)
}
_REBATE_FIELDS = {
    "category": ("order_line__product__category_id", "order_line__product__category__name"),
    "vendor": ("agreement__vendor_id", "agreement__vendor__legal_name"),
    "state": ("district__state",),
    "district": ("district_id", "district__organisation__name", "district__enrollment",
                 "district__enrollment_is_estimate"),
    "agreement": ("agreement_id",),
    "member": ("district_id",),
}
_NAMES = {"category": ("category_id", "category"), "vendor": ("vendor_id", "vendor"), "state": ("state",),
          "district": ("district_id", "district", "enrollment", "enrollment_is_estimate"),
          "agreement": ("agreement_id",), "member": ("district_id",)}
MONEY = DecimalField(max_digits=16, decimal_places=2)


@dataclass(frozen=True)
class SpendFilter:
    """Which counted spend to sum. `since`/`until` are days (inclusive) on the consortium's
    calendar; None for no bound. `district_ids` None means every district."""

    since: Optional[dt.date] = None
    until: Optional[dt.date] = None
    state: str = ""
    category_id: Optional[int] = None
    vendor_id: Optional[int] = None
    district_ids: Optional[tuple[int, ...]] = None
    # (district id, first day of a month) pairs: only these districts' months (the rollup's buckets).
    buckets: Optional[tuple[tuple[int, dt.date], ...]] = None
    # only these agreements (the rollup's rows of the agreements whose lines changed)
    agreement_ids: Optional[tuple[int, ...]] = None


def _tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _moments(f: SpendFilter) -> tuple[Optional[dt.datetime], Optional[dt.datetime]]:
    tz = _tz()
    since = dt.datetime.combine(f.since, dt.time.min, tzinfo=tz) if f.since else None
    until = dt.datetime.combine(f.until + dt.timedelta(days=1), dt.time.min, tzinfo=tz) if f.until else None
    return since, until


# The filter's fields, as lookups on order lines (their order's moment) and on rebate entries.
_LINE_PATHS = dict(moment="order__priced_at", state="order__district__state", category="product__category_id",
                   vendor="order__agreement__vendor_id", district="order__district_id",
                   agreement="order__agreement_id")
_REBATE_PATHS = dict(moment="created_at", state="district__state", category="order_line__product__category_id",
                     vendor="agreement__vendor_id", district="district_id", agreement="agreement_id")


def months_of(buckets) -> list[tuple[dt.date, list[int]]]:
    """(district id, month) buckets grouped by month: [(month, sorted district ids)], by month."""
    found: dict[dt.date, set[int]] = {}
    for district_id, month in buckets:
        found.setdefault(month, set()).add(district_id)
    return [(month, sorted(ids)) for month, ids in sorted(found.items())]


def _narrow(qs: QuerySet, f: SpendFilter, paths: dict) -> QuerySet:
    since, until = _moments(f)
    lookups = {}
    if since:
        lookups[f"{paths['moment']}__gte"] = since
    if until:
        lookups[f"{paths['moment']}__lt"] = until
    if f.state:
        lookups[paths["state"]] = f.state
    if f.category_id:
        lookups[paths["category"]] = f.category_id
    if f.vendor_id:
        lookups[paths["vendor"]] = f.vendor_id
    if f.district_ids is not None:
        lookups[f"{paths['district']}__in"] = f.district_ids
    if f.agreement_ids is not None:
        lookups[f"{paths['agreement']}__in"] = f.agreement_ids
    qs = qs.filter(**lookups)
    if f.buckets is not None:
        # One arm per month, with its districts as one list: (district IN (...) AND the month's
        # range) OR ... PostgreSQL plans a handful of such arms with its indexes, where one arm per
        # (district, month) pair (hundreds, after a true-up) made it scan every order line.
        tz, pairs = _tz(), Q(pk__in=[])
        for month, district_ids in months_of(f.buckets):
            after = dt.date(month.year + (month.month == 12), month.month % 12 + 1, 1)
            pairs |= Q(**{f"{paths['district']}__in": district_ids,
                          f"{paths['moment']}__gte": dt.datetime.combine(month, dt.time.min, tzinfo=tz),
                          f"{paths['moment']}__lt": dt.datetime.combine(after, dt.time.min, tzinfo=tz)})
        qs = qs.filter(pairs)
    return qs.order_by()


def counted_lines(f: SpendFilter) -> QuerySet[OrderLine]:
    """The order lines whose spend counts, narrowed by the filter (no ordering: for aggregates)."""
    return _narrow(OrderLine.objects.filter(order__state__in=COUNTING, order__priced_at__isnull=False,
                                            amount__isnull=False), f, _LINE_PATHS)


def earned_entries(f: SpendFilter) -> QuerySet[RebateEntry]:
    """True-ups and their reversals (not settlements) made in the period, narrowed the same way."""
    return _narrow(RebateEntry.objects.filter(kind__in=(RebateEntry.Kind.TRUE_UP, RebateEntry.Kind.REVERSAL)),
                   f, _REBATE_PATHS)


def _aggregate(qs: QuerySet, by: Iterable[str], fields: dict, moment: str, sums: dict) -> list[dict]:
    """Rows of `sums` grouped by the dimensions (none: one row, the total); months as dates."""
    by = tuple(by)
    unknown = set(by) - set(DIMENSIONS)
    if unknown:
        raise ValueError(f"cannot group spend by {sorted(unknown)}")
    renames: dict = {}
    names: list[str] = []
    for dim in by:
        if dim == "month":
            renames["month"] = TruncMonth(moment, tzinfo=_tz())
            names.append("month")
        else:
            for name, column in zip(_NAMES[dim], fields[dim]):
                if name != column:  # (a model's own column is grouped by as it is)
                    renames[name] = F(column)
                names.append(name)
    qs = qs.annotate(**renames) if renames else qs
    rows = list(qs.values(*names).annotate(**sums)) if names else [qs.aggregate(**sums)]
    for row in rows:
        if "month" in row and isinstance(row["month"], dt.datetime):
            row["month"] = row["month"].date()
    return rows


def _first_category() -> Subquery:
    """The lowest category among the order's counted lines (an order is counted once, there)."""
    return Subquery(OrderLine.objects.filter(order_id=OuterRef("order_id"), amount__isnull=False)
                    .order_by("product__category_id").values("product__category_id")[:1])


def spend_by(f: SpendFilter, by: Iterable[str] = (), *, first_orders: bool = False) -> list[dict]:
    """Counted spend grouped by dimensions of `DIMENSIONS` (none: one row, the total). Each row:
    the dimensions' columns, `spend` (Decimal), `lines` and `units`; `orders` too when not grouped
    by category (an order's lines share a vendor, a district and a month, but not a category).
    `first_orders` (for the rollup): `orders` always, and `orders_first`, the orders whose lowest
    category is the row's."""
    by = tuple(by)
    qs = counted_lines(f)
    sums = {"spend": Sum(F("amount") - F("quote_credit"), output_field=MONEY), "lines": Count("id"),
            "units": Sum("quantity")}
    if "category" not in by or first_orders:
        sums["orders"] = Count("order_id", distinct=True)
    if first_orders:
        qs = qs.annotate(first_category=_first_category())
        sums["orders_first"] = Count("order_id", distinct=True,
                                     filter=Q(product__category_id=F("first_category")))
    rows = _aggregate(qs, by, _LINE_FIELDS, "order__priced_at", sums)
    for row in rows:
        row["spend"] = cents(row["spend"] or Decimal(0))
        row["units"] = row["units"] or 0
    return rows


def rebates_earned_by(f: SpendFilter, by: Iterable[str] = ()) -> list[dict]:
    """True-up rebates earned (less reversals), grouped like `spend_by`; each row has `earned`."""
    rows = _aggregate(earned_entries(f), by, _REBATE_FIELDS, "created_at",
                      {"earned": Sum("amount", output_field=MONEY)})
    for row in rows:
        row["earned"] = cents(row["earned"] or Decimal(0))
    return rows


def spending_districts(f: SpendFilter, by: str | tuple[str, ...] = "") -> dict:
    """How many districts have counted spend under the filter, overall (key None) or per value of
    one dimension (category or vendor id, state), or per tuple of values of several (category and
    vendor ids): for keeping small groups from being shown."""
    qs = counted_lines(f)
    if not by:
        return {None: qs.aggregate(n=Count("order__district_id", distinct=True))["n"]}
    dims = (by,) if isinstance(by, str) else tuple(by)
    columns = [_LINE_FIELDS[d][0] for d in dims]
    rows = qs.values(*columns).annotate(n=Count("order__district_id", distinct=True))
    if len(columns) == 1:
        return {r[columns[0]]: r["n"] for r in rows}
    return {tuple(r[c] for c in columns): r["n"] for r in rows}


def spend_years() -> tuple[Optional[dt.datetime], Optional[dt.datetime]]:
    """The first and last moment any counted order was priced (for the fiscal year picker)."""
    from django.db.models import Max, Min

    from orders.models import Order

    agg = Order.objects.filter(state__in=COUNTING, priced_at__isnull=False).aggregate(
        first=Min("priced_at"), last=Max("priced_at"))
    return agg["first"], agg["last"]


def spending_district_ids(f: SpendFilter, *, category_ids: Optional[Iterable[int]] = None) -> list[int]:
    """The ids of the districts with counted spend under the filter (in these categories, if given)."""
    qs = counted_lines(f)
    if category_ids is not None:
        qs = qs.filter(product__category_id__in=list(category_ids))
    return list(qs.values_list("order__district_id", flat=True).distinct())
