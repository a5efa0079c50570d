"""Reads of the savings figures (sums over the yearly rollup, analytics.YearRollup, and by month
over the consortium's months, analytics.MonthRollupTotal, or a member's monthly rollup rows,
analytics.MonthRollup; a statement's detail reads the per-line table): totals per baseline, rolled up by member, agreement, vendor,
category, state, month and fiscal year, for the consortium or one member. Each figure keeps its
baseline; nothing here adds figures of different baselines together."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Optional

from django.db.models import CharField, DateField, F, IntegerField, QuerySet, Sum, Value

from django.db.models.functions import Cast

from analytics.models import LineSaving, MonthRollup, MonthRollupTotal, YearRollup
from analytics.savings_dashboard import dashboard_query
from core.figures_cache import figures
from core.fiscal import FiscalYear
from members.selectors import districts_by_ids

ZERO = Decimal(0)


@dataclass(frozen=True)
class Baseline:
    key: str
    label: str
    short: str


BASELINES = [
    Baseline("vs_list", "against the vendors' list prices", "vs list price"),
    Baseline("vs_alone", "against buying alone (the tier the member's own quantity reaches)", "vs buying alone"),
    Baseline("vs_prior", "against the price the member paid before", "vs price paid before"),
]

# Rollup dimensions: key -> (values() fields, label)
DIMENSIONS = {
    "member": (("district_id", "district__organisation__name"), "Member"),
    "agreement": (("agreement_id", "agreement__number", "agreement__title"), "Agreement"),
    "vendor": (("vendor_id", "vendor__organisation__name"), "Vendor"),
    "category": (("category_id", "category__name"), "Category"),
    "state": (("state",), "State"),
}


@dataclass
class Totals:
    lines: int = 0
    quantity: int = 0
    paid: Decimal = ZERO
    rebate: Decimal = ZERO
    list_value: Decimal = ZERO
    alone_value: Decimal = ZERO
    vs_list: Decimal = ZERO
    vs_alone: Decimal = ZERO
    vs_prior: Optional[Decimal] = None  # None: no line with a known prior price
    saving_lines: int = 0  # order lines with anything counted here (a purchase or rebates earned)
    prior_lines: int = 0  # of those, the lines whose prior price is known
    prior_paid: Decimal = ZERO  # paid on those lines
    prior_value: Decimal = ZERO

    @property
    def net_paid(self) -> Decimal:
        """Paid less the rebates earned."""
        return self.paid - self.rebate

    @property
    def prior_unknown_lines(self) -> int:
        return self.saving_lines - self.prior_lines

    @property
    def pct_list(self) -> Optional[Decimal]:
        return self.percent("vs_list")

    @property
    def pct_alone(self) -> Optional[Decimal]:
        return self.percent("vs_alone")

    @property
    def pct_prior(self) -> Optional[Decimal]:
        return self.percent("vs_prior")

    def percent(self, key: str) -> Optional[Decimal]:
        """The saving as a share of the baseline's value (one decimal), None when not known."""
        saving = getattr(self, key)
        base = {"vs_list": self.list_value, "vs_alone": self.alone_value, "vs_prior": self.prior_value}[key]
        # (the share of what the same units would have cost at the baseline, rebates included)
        if saving is None or not base:
            return None
        return (saving * 100 / base).quantize(Decimal("0.1"))


def _aggregates(scope: str) -> dict:
    """Sums over the rollup (yearly or monthly: the same columns). Distinct line counts cannot be
    summed across months: `scope` says which of the rollup's exact counts applies: "month" (monthly
    rows grouped by month), "fy" (within one fiscal year or grouped by fiscal year) or "all" (all
    time)."""
    first = {"month": "", "fy": "_fy_first", "all": "_first"}[scope]
    return {f"t_{name}": aggregate for name, aggregate in dict(
        lines=Sum("s_lines"), quantity=Sum("quantity"), paid=Sum("paid"), rebate=Sum("rebate"),
        list_value=Sum("list_value"), alone_value=Sum("alone_value"), vs_list=Sum("vs_list"),
        vs_alone=Sum("vs_alone"), vs_prior=Sum("vs_prior"), saving_lines=Sum(f"saving_lines{first}"),
        prior_lines=Sum(f"prior_lines{first}"), prior_paid=Sum("prior_paid"), prior_value=Sum("prior_value"),
    ).items()}


AGGREGATES = _aggregates("all")


def _totals(values: dict) -> Totals:
    t = Totals()
    for key in AGGREGATES:
        name, value = key[2:], values.get(key)
        if name == "vs_prior":
            t.vs_prior = value  # stays None when no row has a known prior price
        elif value is not None:
            setattr(t, name, value)
    return t


def _rows(*, fiscal_year: Optional[FiscalYear] = None, district_id: Optional[int] = None) -> QuerySet[YearRollup]:
    """The yearly rollup rows with savings (rows of spend alone left out), narrowed: every read
    but the by-month one sums these (about twelve times fewer than the monthly rows)."""
    rows = YearRollup.objects.filter(saving_lines__gt=0)
    if fiscal_year is not None:
        rows = rows.filter(fiscal_year=fiscal_year.ends_in)
    if district_id is not None:
        rows = rows.filter(district_id=district_id)
    return rows


def _month_rows(*, fiscal_year: FiscalYear, district_id: Optional[int] = None) -> QuerySet:
    """The rows with savings of the fiscal year's months (the by-month figures): the consortium's
    months (analytics.MonthRollupTotal, a few thousand rows a year), or one member's monthly rows."""
    if district_id is None:
        return MonthRollupTotal.objects.filter(saving_lines__gt=0, fiscal_year=fiscal_year.ends_in)
    return MonthRollup.objects.filter(saving_lines__gt=0, fiscal_year=fiscal_year.ends_in, district_id=district_id)


def _scope(fiscal_year: Optional[FiscalYear]) -> str:
    return "all" if fiscal_year is None else "fy"


def savings_totals(*, fiscal_year: Optional[FiscalYear] = None, district_id: Optional[int] = None) -> Totals:
    return _totals(_rows(fiscal_year=fiscal_year, district_id=district_id).aggregate(**_aggregates(_scope(fiscal_year))))


@dataclass
class RollupRow:
    key: object
    label: str
    totals: Totals


def savings_by(dimension: str, *, fiscal_year: Optional[FiscalYear] = None,
               district_id: Optional[int] = None) -> list[RollupRow]:
    """Totals per member, agreement, vendor, category or state, largest saving vs list first."""
    fields, _ = DIMENSIONS[dimension]
    found = []
    for values in (_rows(fiscal_year=fiscal_year, district_id=district_id).values(*fields)
                   .annotate(**_aggregates(_scope(fiscal_year))).order_by()):
        key = values[fields[0]]
        if dimension == "agreement":
            label = f"{values['agreement__number']} {values['agreement__title']}"
        else:
            label = str(values[fields[-1]])
        found.append(RollupRow(key, label, _totals(values)))
    return sorted(found, key=lambda r: (-r.totals.vs_list, r.label))


def savings_by_fiscal_year(*, district_id: Optional[int] = None) -> list[RollupRow]:
    rows = (_rows(district_id=district_id).values("fiscal_year").annotate(**_aggregates("fy")).order_by("fiscal_year"))
    first = FiscalYear.of(dt.date(2000, 1, 1)).first_month
    return [RollupRow(v["fiscal_year"], FiscalYear(v["fiscal_year"], first).label, _totals(v)) for v in rows]


def savings_by_month(*, fiscal_year: FiscalYear, district_id: Optional[int] = None) -> list[RollupRow]:
    """Every month of the fiscal year (months with nothing show zeros), in order."""
    found = {v["month"]: _totals(v) for v in (_month_rows(fiscal_year=fiscal_year, district_id=district_id)
                                               .values("month").annotate(**_aggregates("month")).order_by())}
    return _every_month(fiscal_year, found)


def _every_month(fiscal_year: FiscalYear, found: dict) -> list[RollupRow]:
    months, day = [], fiscal_year.start
    while day <= fiscal_year.end:
        months.append(RollupRow(day, f"{day:%b %Y}", found.get(day, Totals())))
        day = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return months


@dataclass
class Dashboard:
    pool: Totals  # the consortium's
    own: Optional[Totals]  # the member's, when the dashboard is one member's
    rows: list[RollupRow]  # as savings_by
    months: list[RollupRow]  # as savings_by_month


def dashboard_figures(dimension: str, *, fiscal_year: FiscalYear, district_id: Optional[int] = None,
                      pool: Optional[Totals] = None) -> Dashboard:
    """The savings dashboard's figures for one fiscal year, with the same answers as
    savings_totals, savings_by and savings_by_month, in ONE query: a UNION ALL of the year's
    yearly rows (the member's, for a member) grouped by the dimension's id (with the fiscal
    year's distinct line counts), the year's monthly rows grouped by month (with each month's),
    and, for a member, the consortium's totals over the year; the names are joined to the grouped
    rows afterwards (`analytics.savings_dashboard`). The consortium's dashboard sums its totals in
    Python from the dimension's groups (exact: Decimal and int sums; the fiscal year's counts add
    up across them). A member's dashboard given the consortium's totals (`pool`, as
    `consortium_totals` keeps them) does not sum them again."""
    fields, _ = DIMENSIONS[dimension]
    key = IntegerField() if dimension != "state" else CharField()
    none = {"k0": Cast(Value(None), output_field=key)}  # (typed NULLs: PostgreSQL's UNION needs them)
    names = ("arm", "k_month", "k0")

    def arm(name: str, rows: QuerySet, scope: str, month=None, **k) -> QuerySet:
        return (rows.order_by().annotate(arm=Value(name), k_month=month or Cast(Value(None), output_field=DateField()),
                                          **{**none, **k})
                .values(*names).annotate(**_aggregates(scope)))

    own = _rows(fiscal_year=fiscal_year, district_id=district_id)
    query = arm("by", own, "fy", k0=F(fields[0])).union(
        arm("month", _month_rows(fiscal_year=fiscal_year, district_id=district_id), "month", month=F("month")),
        all=True)
    if district_id is not None and pool is None:
        query = query.union(arm("pool", _rows(fiscal_year=fiscal_year), "fy"), all=True)
    rows, found, total, pool = [], {}, {}, None
    for v in dashboard_query(query, dimension, YearRollup):
        if v["arm"] == "by":
            if dimension == "agreement":
                label = f"{v['n1']} {v['n2']}"
            else:
                label = str(v["k0"] if dimension == "state" else v["n1"])
            rows.append(RollupRow(v["k0"], label, _totals(v)))
            _add(total, v)
        elif v["arm"] == "month":
            found[v["k_month"]] = _totals(v)
        else:
            pool = _totals(v)
    rows.sort(key=lambda r: (-r.totals.vs_list, r.label))
    months = _every_month(fiscal_year, found)
    if district_id is None:
        return Dashboard(_totals(total), None, rows, months)
    return Dashboard(pool or Totals(), _totals(total), rows, months)


# --- The consortium's figures, the same for everyone who may see them: kept for a minute -------------
# (core.figures_cache: each answers (value, as_of); a member's own figures are never kept there)

def _fy_key(fiscal_year: FiscalYear) -> tuple:
    return fiscal_year.ends_in, fiscal_year.start.isoformat()


def consortium_dashboard(dimension: str, *, fiscal_year: FiscalYear) -> tuple[Dashboard, dt.datetime]:
    """The staff's savings dashboard for the year (`dashboard_figures` without a member)."""
    return figures(("savings.dashboard", dimension, *_fy_key(fiscal_year)),
                   lambda: dashboard_figures(dimension, fiscal_year=fiscal_year))


def consortium_totals(*, fiscal_year: FiscalYear) -> tuple[Totals, dt.datetime]:
    """The consortium's totals for the year (what a member's dashboard shows beside its own)."""
    return figures(("savings.totals", *_fy_key(fiscal_year)), lambda: savings_totals(fiscal_year=fiscal_year))


def consortium_by_fiscal_year() -> tuple[list[RollupRow], dt.datetime]:
    """`savings_by_fiscal_year()` for the whole consortium."""
    return figures(("savings.years",), lambda: savings_by_fiscal_year())


def consortium_fiscal_years() -> list[FiscalYear]:
    """`fiscal_years_with_savings()`, kept with the other figures (a year appears within the minute)."""
    return figures(("savings.fiscal_years",), fiscal_years_with_savings)[0]


def consortium_headline(fiscal_year: FiscalYear) -> tuple[Headline, dt.datetime]:
    """`public_headline`, kept: the public pages show it to everyone."""
    return figures(("savings.headline", *_fy_key(fiscal_year)), lambda: public_headline(fiscal_year))


def _add(into: dict, values: dict) -> None:
    """Adds a group's sums into `into` (a sum left None by the database, such as vs_prior with
    no known prior price, adds nothing)."""
    for key in AGGREGATES:
        value = values[key]
        if value is not None:
            into[key] = value if into.get(key) is None else into[key] + value


def fiscal_years_with_savings() -> list[FiscalYear]:
    first = FiscalYear.of(dt.date(2000, 1, 1)).first_month
    years = _rows().values_list("fiscal_year", flat=True).distinct().order_by("-fiscal_year")
    return [FiscalYear(y, first) for y in years]


@dataclass(frozen=True)
class Headline:
    fiscal_year: FiscalYear
    saved: Decimal  # against the vendors' list prices
    students: int  # enrollment of the members with a counted order line this fiscal year
    members: int  # the members with a counted order line this fiscal year
    estimated: bool = False  # some enrollment counted is an estimate
    without_enrollment: int = 0  # buying members with no enrollment on record (not counted)


def public_headline(fiscal_year: FiscalYear) -> Headline:
    """The home page's "$X saved for the N students of the M members that bought this fiscal
    year" (baseline: list prices). The students counted are those of the member districts that
    bought, as in the spend per student of `analytics.spend` (`buying_students`)."""
    rows = _rows(fiscal_year=fiscal_year)
    saved = rows.aggregate(s=Sum("vs_list"))["s"] or ZERO
    ids = set(rows.values_list("district_id", flat=True).distinct())
    found = districts_by_ids(ids).values()
    students = sum((d.enrollment or 0) for d in found)
    return Headline(fiscal_year, saved, students, len(ids),
                    estimated=any(d.enrollment_is_estimate for d in found if d.enrollment),
                    without_enrollment=sum(1 for d in found if not d.enrollment))


def line_savings_of(*, district_id: int, fiscal_year: FiscalYear, limit: int = 500) -> QuerySet[LineSaving]:
    """The member's rows in the fiscal year, newest first (a statement's detail: the lines themselves)."""
    return (LineSaving.objects.filter(fiscal_year=fiscal_year.ends_in, district_id=district_id)
            .select_related("product", "agreement", "order_line__order").order_by("-month", "-order_line_id")[:limit])
