"""One fiscal year of the monthly rollup (analytics.MonthRollup), read in ONE query and summed in
Python. (The spend report now reads `analytics.spend_breakdowns.YearSums`, which computes each
breakdown in SQL over the yearly rollup and shares the labels and checks here: at the national
shape this read sends 234,602 groups to Python. YearRows stays for any filter and grouping at
once, checked against `analytics.spend_rollup` in analytics/tests/test_spend_year.py.)
Answers: the same functions and answers as `analytics.spend_rollup`
(`spend_by`, `rebates_earned_by`, `spending_districts`, `spending_district_ids`), which ask the
database once per breakdown (about 14 scans of the year's rows for one report).

The query is a UNION ALL of two GROUP BYs over the year's rows with spend or earned rebates:
by district x category x vendor x state (every breakdown but the months: a year's 53,640 rows
at 1 million order lines become 4,470 groups) and by month for the report's own filter. Each
group keeps what the row-by-row rules of `analytics.spend_rollup` need: spend, units and orders
summed over the rows with counted lines and the number of those rows (a group with none has no
spend); earned rebates and the number of rows that earned anything (a group with none has no
rebates); buying members are distinct districts over groups with counted lines. Amounts are
exact Decimal sums of whole-cent amounts. Labels (category and vendor names, districts' names
and enrollment) come from one small query per kind for the ids present, when a breakdown first
needs them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from operator import attrgetter
from typing import Iterable, NamedTuple, Optional

from django.db.models import CharField, Count, DateField, F, IntegerField, Q, QuerySet, Sum, Value

from analytics.models import MonthRollup
from catalog.selectors import category_list
from core.fiscal import FiscalYear
from core.money import cents
from members.selectors import districts_by_ids
from orders.spend import DIMENSIONS, SpendFilter
from vendors.selectors import vendor_list


class Row(NamedTuple):
    """One group of rollup rows: a district x category x vendor x state over the year (month
    None), or a month of the report's own filter (the other keys None)."""

    month: Optional[dt.date]
    district_id: Optional[int]
    category_id: Optional[int]
    vendor_id: Optional[int]
    state: Optional[str]
    spend: Decimal  # of the rows with counted lines (the others have none)
    units: int
    lines: int
    orders: int
    orders_first: int
    earned: Decimal
    counted: int  # rows with counted lines: the group has spend
    earning: int  # rows that earned something (on balance or not): the group has rebates


_SUMS = dict(  # (named apart from the model's fields: an annotation would shadow the field in a filter)
    g_spend=Sum("spend", filter=Q(lines__gt=0), default=Decimal(0)),
    g_units=Sum("units", filter=Q(lines__gt=0), default=0), g_lines=Sum("lines", default=0),
    g_orders=Sum("orders", filter=Q(lines__gt=0), default=0),
    g_orders_first=Sum("orders_first", filter=Q(lines__gt=0), default=0),
    g_earned=Sum("earned", default=Decimal(0)), g_counted=Count("pk", filter=Q(lines__gt=0)),
    g_earning=Count("pk", filter=~Q(earned=0)))


def _narrowed(qs: QuerySet, f: SpendFilter) -> QuerySet:
    if f.state:
        qs = qs.filter(state=f.state)
    if f.category_id:
        qs = qs.filter(category_id=f.category_id)
    if f.vendor_id:
        qs = qs.filter(vendor_id=f.vendor_id)
    if f.district_ids is not None:
        qs = qs.filter(district_id__in=f.district_ids)
    return qs


def _filters(f: SpendFilter) -> tuple:
    return (f.state, f.category_id, f.vendor_id, None if f.district_ids is None else frozenset(f.district_ids))


# A dimension's key column in Row, and the names it brings to a result row (as spend_rollup's).
_KEY = {"category": "category_id", "vendor": "vendor_id", "state": "state", "district": "district_id",
        "month": "month", "agreement": "agreement_id", "member": "district_id"}
_NAMES = {"category": ("category_id", "category"), "vendor": ("vendor_id", "vendor"), "state": ("state",),
          "district": ("district_id", "district", "enrollment", "enrollment_is_estimate"), "month": ("month",),
          "agreement": ("agreement_id",), "member": ("district_id",)}
ZERO = Decimal(0)


class YearRows:
    """A fiscal year's rollup rows, grouped in ONE query (a UNION ALL of two GROUP BYs over the
    year's rows): by district x category x vendor x state, over the rows `scope` selects, and by
    month, over the rows `months` selects (the report's own filter). Every filter asked of it must
    be the whole year and at least as narrow as the scope, and a breakdown by month must be of
    exactly `months` (ValueError otherwise)."""

    def __init__(self, fiscal_year: FiscalYear, rows: list[Row], scope: SpendFilter, months: SpendFilter):
        self.fiscal_year, self.scope, self.months = fiscal_year, scope, months
        self.rows = [r for r in rows if r.month is None]
        self.month_rows = [r for r in rows if r.month is not None]
        self._subsets: dict[SpendFilter, list[Row]] = {}
        self._labels: dict[str, dict] = {}

    @classmethod
    def load(cls, fiscal_year: FiscalYear, scope: SpendFilter = SpendFilter(),
             months: Optional[SpendFilter] = None) -> "YearRows":
        months = scope if months is None else months
        year = MonthRollup.objects.filter(fiscal_year=fiscal_year.ends_in).filter(
            Q(lines__gt=0) | ~Q(earned=0)).order_by()
        keys = ("k_month", "k_district", "k_category", "k_vendor", "k_state")
        by_group = _narrowed(year, scope).annotate(
            k_month=Value(None, output_field=DateField()), k_district=F("district_id"),
            k_category=F("category_id"), k_vendor=F("vendor_id"), k_state=F("state")).values(*keys).annotate(**_SUMS)
        by_month = _narrowed(year, months).annotate(
            k_month=F("month"), k_district=Value(None, output_field=IntegerField()),
            k_category=Value(None, output_field=IntegerField()), k_vendor=Value(None, output_field=IntegerField()),
            k_state=Value(None, output_field=CharField())).values(*keys).annotate(**_SUMS)
        rows = [Row._make(v.values()) for v in by_group.union(by_month, all=True)]
        return cls(fiscal_year, rows, scope, months)

    # -- the groups a filter selects ----------------------------------------------------------

    def _subset(self, f: SpendFilter, by: tuple[str, ...]) -> list[Row]:
        self._check(f)
        if "month" in by:
            if by != ("month",) or _filters(f) != _filters(self.months):
                raise ValueError(f"by month, only {self.months} was read")
            return self.month_rows
        found = self._subsets.get(f)
        if found is None:
            found = [r for r in self.rows
                     if (not f.state or r.state == f.state)
                     and (not f.category_id or r.category_id == f.category_id)
                     and (not f.vendor_id or r.vendor_id == f.vendor_id)
                     and (f.district_ids is None or r.district_id in f.district_ids)]
            self._subsets[f] = found
        return found

    def _check(self, f: SpendFilter) -> None:
        fy, scope = self.fiscal_year, self.scope
        whole_year = f.since in (None, fy.start) and f.until in (None, fy.end)
        narrower = all(not getattr(scope, name) or getattr(f, name) == getattr(scope, name)
                       for name in ("state", "category_id", "vendor_id"))
        narrower = narrower and (scope.district_ids is None or (
            f.district_ids is not None and set(f.district_ids) <= set(scope.district_ids)))
        if f.buckets is not None or not whole_year or not narrower:
            raise ValueError(f"{f} is not within the rows read ({fy.label}, {scope})")

    # -- the spend_rollup functions ---------------------------------------------------------

    def spend_by(self, f: SpendFilter, by: Iterable[str] = ()) -> list[dict]:
        """As `analytics.spend_rollup.spend_by`."""
        by = _dims(by)
        orders = attrgetter("orders" if f.category_id else "orders_first")
        with_orders = "category" not in by
        key = _keyer(by)
        groups: dict = {}
        for r in self._subset(f, by):
            if not r.counted:
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
        for r in self._subset(f, by):
            if r.earning:
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
        for r in self._subset(f, dims):
            if r.counted:
                seen.setdefault(key(r), set()).add(r.district_id)
        if not dims:
            return {None: len(seen.get(None, ()))}
        return {k: len(ids) for k, ids in seen.items()}

    def spending_district_ids(self, f: SpendFilter, *, category_ids: Optional[Iterable[int]] = None) -> list[int]:
        """As `analytics.spend_rollup.spending_district_ids`."""
        wanted = None if category_ids is None else set(category_ids)
        return list({r.district_id for r in self._subset(f, ())
                     if r.counted and (wanted is None or r.category_id in wanted)})

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

