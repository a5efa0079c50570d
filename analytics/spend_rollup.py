"""The spend report's sums read from the monthly rollup (analytics.MonthRollup) instead of the
order lines: the same functions, arguments and answers as `orders.spend` (which stays the
definition, and what `edpool rollup check` recomputes the rollup from), for filters whose period
is whole months (a fiscal year always is); any other period is answered from the lines.

Distinct counts are never summed where they would overlap: orders come from `orders` when one
category is asked for (an order is in one month, district and agreement) and otherwise from
`orders_first` (each order counted in the row of its lowest category); buying members are counted
as COUNT(DISTINCT district) over the rollup's rows with counted lines."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Iterable, Optional

from django.db.models import Count, Q, QuerySet, Sum

from analytics.models import MonthRollup
from core.money import cents
from orders import spend as by_lines
from orders.spend import DIMENSIONS, SpendFilter

_FIELDS = {
    "category": ("category_id", "category__name"),
    "vendor": ("vendor_id", "vendor__legal_name"),
    "state": ("state",),
    "district": ("district_id", "district__organisation__name", "district__enrollment",
                 "district__enrollment_is_estimate"),
    "month": ("month",),
    "agreement": ("agreement_id",),
    "member": ("district_id",),
}
_NAMES = {"category": ("category_id", "category"), "vendor": ("vendor_id", "vendor"), "state": ("state",),
          "district": ("district_id", "district", "enrollment", "enrollment_is_estimate"), "month": ("month",),
          "agreement": ("agreement_id",), "member": ("district_id",)}


def _whole_months(f: SpendFilter) -> bool:
    ends_a_month = f.until is None or (f.until + dt.timedelta(days=1)).day == 1
    return f.buckets is None and (f.since is None or f.since.day == 1) and ends_a_month


def _rows(f: SpendFilter) -> QuerySet[MonthRollup]:
    lookups: dict = {}
    if f.since:
        lookups["month__gte"] = f.since
    if f.until:
        lookups["month__lte"] = f.until
    if f.state:
        lookups["state"] = f.state
    if f.category_id:
        lookups["category_id"] = f.category_id
    if f.vendor_id:
        lookups["vendor_id"] = f.vendor_id
    if f.district_ids is not None:
        lookups["district_id__in"] = f.district_ids
    return MonthRollup.objects.filter(**lookups).order_by()


def _grouped(qs: QuerySet, by: tuple, sums: dict) -> list[dict]:
    unknown = set(by) - set(DIMENSIONS)
    if unknown:
        raise ValueError(f"cannot group spend by {sorted(unknown)}")
    if not by:
        return [qs.aggregate(**sums)]
    columns, names = [], []
    for dim in by:
        columns += _FIELDS[dim]
        names += _NAMES[dim]
    rows = []
    for values in qs.values(*columns).annotate(**sums):
        row = {name: values[column] for name, column in zip(names, columns)}
        row.update({key: values[key] for key in sums})
        rows.append(row)
    return rows


def spend_by(f: SpendFilter, by: Iterable[str] = ()) -> list[dict]:
    """As `orders.spend.spend_by`."""
    by = tuple(by)
    if not _whole_months(f):
        return by_lines.spend_by(f, by)
    sums = {"spend": Sum("spend"), "lines": Sum("lines"), "units": Sum("units")}
    if "category" not in by:
        sums["orders"] = Sum("orders") if f.category_id else Sum("orders_first")
    rows = _grouped(_rows(f).filter(lines__gt=0), by, sums)
    for row in rows:
        row["spend"] = cents(row["spend"] or Decimal(0))
        row["units"] = row["units"] or 0
        row["lines"] = row["lines"] or 0
        if "orders" in row:
            row["orders"] = row["orders"] or 0
    return rows


def rebates_earned_by(f: SpendFilter, by: Iterable[str] = ()) -> list[dict]:
    """As `orders.spend.rebates_earned_by` (groups that earned nothing on balance left out)."""
    by = tuple(by)
    if not _whole_months(f):
        return by_lines.rebates_earned_by(f, by)
    rows = _grouped(_rows(f).filter(~Q(earned=0)), by, {"earned": Sum("earned")})
    for row in rows:
        row["earned"] = cents(row["earned"] or Decimal(0))
    return rows


def spending_districts(f: SpendFilter, by: str | tuple[str, ...] = "") -> dict:
    """As `orders.spend.spending_districts`: COUNT(DISTINCT district) over the rollup's rows."""
    if not _whole_months(f):
        return by_lines.spending_districts(f, by)
    qs = _rows(f).filter(lines__gt=0)
    if not by:
        return {None: qs.aggregate(n=Count("district_id", distinct=True))["n"]}
    dims = (by,) if isinstance(by, str) else tuple(by)
    columns = [_FIELDS[d][0] for d in dims]
    rows = qs.values(*columns).annotate(n=Count("district_id", distinct=True))
    if len(columns) == 1:
        return {r[columns[0]]: r["n"] for r in rows}
    return {tuple(r[c] for c in columns): r["n"] for r in rows}


def spending_district_ids(f: SpendFilter, *, category_ids: Optional[Iterable[int]] = None) -> list[int]:
    """As `orders.spend.spending_district_ids`."""
    if not _whole_months(f):
        return by_lines.spending_district_ids(f, category_ids=category_ids)
    qs = _rows(f).filter(lines__gt=0)
    if category_ids is not None:
        qs = qs.filter(category_id__in=list(category_ids))
    return list(qs.values_list("district_id", flat=True).distinct())
