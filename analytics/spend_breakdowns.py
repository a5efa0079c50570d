"""The spend report's breakdowns, each computed in SQL, all in ONE query: a UNION ALL of one
GROUP BY per breakdown the report shows (its total, by category, vendor, state, district, category x
vendor for the concentration, ...), each over the fiscal year's yearly rollup rows
(analytics.YearRollup) narrowed by that breakdown's own filter, and the by-month chart grouped by
month alone over the consortium's months (analytics.MonthRollupTotal, per month x vendor x
category: a few thousand rows a year), or over the monthly rollup (analytics.MonthRollup) when
narrowed to a district (its index) or a state. Python gets the breakdown rows
only (about 13,000 at the national shape, most of them the staff's per-district list), not the
234,602 district x category x vendor x state groups `analytics.spend_year.YearRows` summed.

SQLite has no GROUPING SETS (none up to 3.47), so the breakdowns are a UNION ALL on both
databases. Each breakdown keeps what the row-by-row rules of `analytics.spend_rollup` need:
spend, units and orders summed over rows with counted lines and their number (a group with none
has no spend), earned rebates and the number of rows that earned anything, and, where asked,
COUNT(DISTINCT district) over rows with counted lines (buying members). Answers are the same as
`analytics.spend_rollup`'s (`spend_by`, `rebates_earned_by`, `spending_districts`,
`spending_district_ids`) for the filters and groupings read, ValueError for any other.
Labels come from one small query per kind for the ids present, when first needed."""

from __future__ import annotations

from decimal import Decimal
from typing import Iterable, NamedTuple, Optional

from django.db.models.functions import Cast
from django.db.models import CharField, Count, DateField, F, IntegerField, Q, QuerySet, Subquery, Sum, Value

from analytics.models import MonthRollup, MonthRollupTotal, YearRollup
from analytics.spend_year import ZERO, YearRows, _dims, _filters, _narrowed
from core.fiscal import FiscalYear
from core.money import cents
from members.selectors import district_labels
from orders.spend import SpendFilter

_COLUMNS = {"month": "k_month", "district": "k_district", "member": "k_district", "category": "k_category",
            "vendor": "k_vendor", "state": "k_state", "agreement": "k_agreement"}
_SOURCE = {"month": "month", "district": "district_id", "member": "district_id", "category": "category_id",
           "vendor": "vendor_id", "state": "state", "agreement": "agreement_id"}
_TYPES = {"k_month": DateField, "k_district": IntegerField, "k_category": IntegerField, "k_vendor": IntegerField,
          "k_state": CharField, "k_agreement": IntegerField}
KEYS = tuple(_TYPES)
FEW = "few"  # the (category, district) pairs of categories with fewer than `few` buying members


class Want(NamedTuple):
    """A breakdown to read: its filter, its grouping, and whether buying members are counted
    (or, for `FEW`, the threshold)."""

    f: SpendFilter
    by: tuple
    districts: int = 0


def _sums(districts: bool) -> dict:
    counted = Q(lines__gt=0)
    return dict(
        g_spend=Sum("spend", filter=counted, default=Decimal(0)), g_units=Sum("units", filter=counted, default=0),
        g_lines=Sum("lines", default=0), g_orders=Sum("orders", filter=counted, default=0),
        g_orders_first=Sum("orders_first", filter=counted, default=0), g_earned=Sum("earned", default=Decimal(0)),
        g_counted=Count("pk", filter=counted), g_earning=Count("pk", filter=~Q(earned=0)),
        g_districts=(Count("district_id", distinct=True, filter=counted) if districts
                     else Value(0, output_field=IntegerField())))


def _arm(index: int, want: Want, fiscal_year: FiscalYear) -> QuerySet:
    model = YearRollup
    if "month" in want.by:  # the consortium's months, unless narrowed to districts or a state
        model = MonthRollup if want.f.district_ids is not None or want.f.state else MonthRollupTotal
    rows = _narrowed(model.objects.filter(fiscal_year=fiscal_year.ends_in).filter(
        Q(lines__gt=0) | ~Q(earned=0)).order_by(), want.f)
    by = ("category", "district") if want.by == FEW else want.by
    if want.by == FEW:
        small = (rows.filter(lines__gt=0).values("category_id").annotate(n=Count("district_id", distinct=True))
                 .filter(n__lt=want.districts).values("category_id"))
        rows = rows.filter(lines__gt=0, category_id__in=Subquery(small))
    keys = {name: Cast(Value(None), output_field=kind()) for name, kind in _TYPES.items()}  # typed NULLs
    keys.update({_COLUMNS[dim]: F(_SOURCE[dim]) for dim in by})
    return (rows.annotate(arm=Value(index, output_field=IntegerField()), **keys)
            .values("arm", *KEYS).annotate(**_sums(bool(want.districts) and want.by != FEW)))


class YearSums(YearRows):
    """The breakdowns `wants` names, read in one query; answers as `analytics.spend_rollup`'s
    for exactly those (filter, grouping) pairs (labels as `YearRows`')."""

    def __init__(self, fiscal_year: FiscalYear, wants: list[Want], found: dict[int, list[dict]]):
        self.fiscal_year, self._labels = fiscal_year, {}
        self._arms = {(_filters(w.f), w.by): (w, found.get(i, [])) for i, w in enumerate(wants)}
        self.rows = [_ids(r) for rows in found.values() for r in rows]  # the ids `labels` looks up

    @classmethod
    def load(cls, fiscal_year: FiscalYear, wants: Iterable[Want]) -> "YearSums":
        wants = [Want(w.f, w.by if w.by == FEW else _dims(w.by), w.districts) for w in wants]
        query = None
        for i, want in enumerate(wants):
            cls._whole_year(fiscal_year, want.f)
            arm = _arm(i, want, fiscal_year)
            query = arm if query is None else query.union(arm, all=True)
        found: dict[int, list[dict]] = {}
        for v in query if query is not None else ():
            found.setdefault(v["arm"], []).append(v)
        return cls(fiscal_year, wants, found)

    @staticmethod
    def _whole_year(fy: FiscalYear, f: SpendFilter) -> None:
        if f.buckets is not None or f.since not in (None, fy.start) or f.until not in (None, fy.end):
            raise ValueError(f"{f} is not the whole of {fy.label}")

    def _read(self, f: SpendFilter, by, districts: bool = False) -> list[dict]:
        self._whole_year(self.fiscal_year, f)
        found = self._arms.get((_filters(f), by))
        if found is None or (districts and not found[0].districts):
            raise ValueError(f"{f} by {by} was not read")
        return found[1]

    def labels(self, kind: str) -> dict:
        """As `YearRows.labels`, but districts as plain (name, enrollment) tuples: the staff's
        report lists every buying district (13,000 at the national shape)."""
        if kind == "district" and kind not in self._labels:
            self._labels[kind] = district_labels({r.district_id for r in self.rows} - {None})
        return super().labels(kind)

    def _name(self, by: tuple, v: dict) -> dict:
        key = tuple(v[_COLUMNS[dim]] for dim in by)
        return self._names(by, key if len(by) > 1 else key[0])

    def spend_by(self, f: SpendFilter, by: Iterable[str] = ()) -> list[dict]:
        by = _dims(by)
        orders = "g_orders" if f.category_id else "g_orders_first"
        result = []
        for v in self._read(f, by):
            if not v["g_counted"]:
                continue
            row = self._name(by, v) if by else {}
            row.update(spend=cents(v["g_spend"]), lines=v["g_lines"], units=v["g_units"])
            if "category" not in by:
                row["orders"] = v[orders]
            result.append(row)
        if not by and not result:
            result.append({"spend": cents(ZERO), "lines": 0, "units": 0, "orders": 0})
        return result

    def rebates_earned_by(self, f: SpendFilter, by: Iterable[str] = ()) -> list[dict]:
        by = _dims(by)
        result = []
        for v in self._read(f, by):
            if v["g_earning"]:
                row = self._name(by, v) if by else {}
                row["earned"] = cents(v["g_earned"])
                result.append(row)
        if not by and not result:
            result.append({"earned": cents(ZERO)})
        return result

    def spending_districts(self, f: SpendFilter, by: str | tuple[str, ...] = "") -> dict:
        dims = _dims((by,) if isinstance(by, str) else by) if by else ()
        rows = [v for v in self._read(f, dims, districts=True) if v["g_districts"]]
        if not dims:
            return {None: sum(v["g_districts"] for v in rows)}
        return {tuple(v[_COLUMNS[d]] for d in dims) if len(dims) > 1 else v[_COLUMNS[dims[0]]]: v["g_districts"]
                for v in rows}

    def spending_district_ids(self, f: SpendFilter, *, category_ids: Optional[Iterable[int]] = None) -> list[int]:
        """Only for categories with fewer buying members than the `FEW` breakdown's threshold."""
        found = self._arms.get((_filters(f), FEW))
        if found is None or category_ids is None:
            raise ValueError(f"{f}: the districts of small categories were not read")
        wanted = set(category_ids)
        counts = self.spending_districts(f, "category")
        if any(counts.get(c, 0) >= found[0].districts for c in wanted):
            raise ValueError("only categories with few buying members were read")
        return list({v["k_district"] for v in found[1] if v["k_category"] in wanted})


class _Ids(NamedTuple):
    """A breakdown row's ids, as `YearRows.labels` reads them."""

    category_id: Optional[int]
    vendor_id: Optional[int]
    district_id: Optional[int]


def _ids(v: dict) -> _Ids:
    return _Ids(v["k_category"], v["k_vendor"], v["k_district"])
