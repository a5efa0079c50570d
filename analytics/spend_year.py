"""One fiscal year of the monthly rollup (analytics.MonthRollup), read in ONE query at its grain
and summed in Python, for the spend report: the same functions and answers as
`analytics.spend_rollup` (`spend_by`, `rebates_earned_by`, `spending_districts`,
`spending_district_ids`), which ask the database once per breakdown (about 14 scans of the year's
rows for one report).

The rows are read as they are: the rollup holds one row per month x district x agreement x
category (two unique constraints), each with its district's state and its agreement's vendor, so
grouping by those columns would change nothing. Rows with neither spend nor earned rebates
(savings alone) are left out. Amounts are exact Decimal sums of the rows' whole-cent amounts; the
rules of `analytics.spend_rollup` are kept row by row: spend sums rows with counted lines, rebates
rows that earned something, and buying members are distinct districts over rows with counted lines.
Labels (category and vendor names, districts' names and enrollment) come from one small query per
kind for the ids present, when a breakdown first needs them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from operator import attrgetter
from typing import Iterable, NamedTuple, Optional

from django.db.models import Q

from analytics.models import MonthRollup
from catalog.selectors import category_list
from core.fiscal import FiscalYear
from core.money import cents
from members.selectors import districts_by_ids
from orders.spend import DIMENSIONS, SpendFilter
from vendors.selectors import vendor_list


class Row(NamedTuple):
    month: dt.date
    district_id: int
    agreement_id: int
    category_id: Optional[int]
    vendor_id: int
    state: str
    spend: Decimal
    units: int
    lines: int
    orders: int
    orders_first: int
    earned: Decimal


# A dimension's key column in Row, and the names it brings to a result row (as spend_rollup's).
_KEY = {"category": "category_id", "vendor": "vendor_id", "state": "state", "district": "district_id",
        "month": "month", "agreement": "agreement_id", "member": "district_id"}
_NAMES = {"category": ("category_id", "category"), "vendor": ("vendor_id", "vendor"), "state": ("state",),
          "district": ("district_id", "district", "enrollment", "enrollment_is_estimate"), "month": ("month",),
          "agreement": ("agreement_id",), "member": ("district_id",)}
ZERO = Decimal(0)


class YearRows:
    """A fiscal year's rollup rows, narrowed in the query by `scope` (its state, category, vendor
    and districts; its dates are the year's). Every filter asked of it must be whole months within
    the year and at least as narrow as the scope (ValueError otherwise)."""

    def __init__(self, fiscal_year: FiscalYear, rows: list[Row], scope: SpendFilter):
        self.fiscal_year, self.rows, self.scope = fiscal_year, rows, scope
        self._subsets: dict[SpendFilter, list[Row]] = {}
        self._labels: dict[str, dict] = {}

    @classmethod
    def load(cls, fiscal_year: FiscalYear, scope: SpendFilter = SpendFilter()) -> "YearRows":
        qs = MonthRollup.objects.filter(fiscal_year=fiscal_year.ends_in).filter(Q(lines__gt=0) | ~Q(earned=0))
        if scope.state:
            qs = qs.filter(state=scope.state)
        if scope.category_id:
            qs = qs.filter(category_id=scope.category_id)
        if scope.vendor_id:
            qs = qs.filter(vendor_id=scope.vendor_id)
        if scope.district_ids is not None:
            qs = qs.filter(district_id__in=scope.district_ids)
        rows = [Row._make(values) for values in qs.order_by().values_list(*Row._fields)]
        return cls(fiscal_year, rows, scope)

    # -- the rows a filter selects ------------------------------------------------------------

    def _subset(self, f: SpendFilter) -> list[Row]:
        found = self._subsets.get(f)
        if found is None:
            self._check(f)
            since, until = f.since or self.fiscal_year.start, f.until or self.fiscal_year.end
            found = [r for r in self.rows
                     if since <= r.month <= until and (not f.state or r.state == f.state)
                     and (not f.category_id or r.category_id == f.category_id)
                     and (not f.vendor_id or r.vendor_id == f.vendor_id)
                     and (f.district_ids is None or r.district_id in f.district_ids)]
            self._subsets[f] = found
        return found

    def _check(self, f: SpendFilter) -> None:
        fy, scope = self.fiscal_year, self.scope
        within = ((f.since is None or f.since >= fy.start) and (f.until is None or f.until <= fy.end)
                  and (f.since is None or f.since.day == 1)
                  and (f.until is None or (f.until + dt.timedelta(days=1)).day == 1))
        narrower = all(not getattr(scope, name) or getattr(f, name) == getattr(scope, name)
                       for name in ("state", "category_id", "vendor_id"))
        narrower = narrower and (scope.district_ids is None or (
            f.district_ids is not None and set(f.district_ids) <= set(scope.district_ids)))
        if f.buckets is not None or not within or not narrower:
            raise ValueError(f"{f} is not within the rows read ({fy.label}, {scope})")

    # -- the spend_rollup functions ---------------------------------------------------------

    def spend_by(self, f: SpendFilter, by: Iterable[str] = ()) -> list[dict]:
        """As `analytics.spend_rollup.spend_by`."""
        by = _dims(by)
        orders = attrgetter("orders" if f.category_id else "orders_first")
        with_orders = "category" not in by
        key = _keyer(by)
        groups: dict = {}
        for r in self._subset(f):
            if r.lines <= 0:
                continue
            k = key(r)
            acc = groups.get(k)
            if acc is None:
                groups[k] = [r.spend, r.units, r.lines, orders(r)]
            else:
                acc[0] += r.spend
                acc[1] += r.units
                acc[2] += r.lines
                acc[3] += orders(r)
        if not by and not groups:
            groups[()] = [ZERO, 0, 0, 0]
        result = []
        for k, (spend, units, lines, n) in groups.items():
            row = self._names(by, k)
            row.update(spend=cents(spend), lines=lines, units=units)
            if with_orders:
                row["orders"] = n
            result.append(row)
        return result

    def rebates_earned_by(self, f: SpendFilter, by: Iterable[str] = ()) -> list[dict]:
        """As `analytics.spend_rollup.rebates_earned_by`."""
        by = _dims(by)
        key = _keyer(by)
        groups: dict = {}
        for r in self._subset(f):
            if r.earned:
                k = key(r)
                groups[k] = groups.get(k, ZERO) + r.earned
        if not by and not groups:
            groups[()] = ZERO
        result = []
        for k, earned in groups.items():
            row = self._names(by, k)
            row["earned"] = cents(earned)
            result.append(row)
        return result

    def spending_districts(self, f: SpendFilter, by: str | tuple[str, ...] = "") -> dict:
        """As `analytics.spend_rollup.spending_districts`: distinct districts with counted lines."""
        dims = _dims((by,) if isinstance(by, str) else by) if by else ()
        key = _keyer(dims) if dims else (lambda r: None)
        seen: dict = {}
        for r in self._subset(f):
            if r.lines > 0:
                seen.setdefault(key(r), set()).add(r.district_id)
        if not dims:
            return {None: len(seen.get(None, ()))}
        return {k: len(ids) for k, ids in seen.items()}

    def spending_district_ids(self, f: SpendFilter, *, category_ids: Optional[Iterable[int]] = None) -> list[int]:
        """As `analytics.spend_rollup.spending_district_ids`."""
        wanted = None if category_ids is None else set(category_ids)
        return list({r.district_id for r in self._subset(f)
                     if r.lines > 0 and (wanted is None or r.category_id in wanted)})

    def labels(self, kind: str) -> dict:
        """Category or vendor names, or the districts (name, enrollment), of the ids in the rows:
        one query per kind, the first time it is needed."""
        found = self._labels.get(kind)
        if found is None:
            ids = {getattr(r, _KEY[kind]) for r in self.rows} - {None}
            if not ids:
                found = {}
            elif kind == "category":
                found = dict(category_list().filter(pk__in=ids).values_list("pk", "name"))
            elif kind == "vendor":
                found = dict(vendor_list().filter(pk__in=ids).values_list("pk", "legal_name"))
            else:
                found = districts_by_ids(ids)
            self._labels[kind] = found
        return found

    def _names(self, by: tuple[str, ...], k) -> dict:
        row: dict = {}
        for dim, value in zip(by, k if len(by) > 1 else (k,)):
            if dim == "category":
                row.update(category_id=value, category=self.labels("category").get(value))
            elif dim == "vendor":
                row.update(vendor_id=value, vendor=self.labels("vendor").get(value))
            elif dim == "district":
                d = self.labels("district").get(value)
                row.update(district_id=value, district=d and d.name, enrollment=d and d.enrollment,
                           enrollment_is_estimate=d and d.enrollment_is_estimate)
            else:
                row[_NAMES[dim][0]] = value
        return row


def _dims(by: Iterable[str]) -> tuple[str, ...]:
    by = tuple(by)
    unknown = set(by) - set(DIMENSIONS)
    if unknown:
        raise ValueError(f"cannot group spend by {sorted(unknown)}")
    return by


def _keyer(by: tuple[str, ...]):
    if not by:
        return lambda r: ()
    return attrgetter(*(_KEY[dim] for dim in by))

