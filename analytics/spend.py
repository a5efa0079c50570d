"""Spend by category, vendor, month and state; vendor concentration per category; spend per student.

The method, stated once (the page repeats it):

- **Spend** is what members were billed for orders that count: priced, not cancelled, not
  waiting for an approver; each line's pooled amount less its share of any mini-competition quote
  credit (so it adds up to the orders' totals). It is dated by the day the order was priced, on
  the consortium's calendar, and falls in the fiscal year of that day (`core.fiscal`). A
  cancellation takes the order's spend out of the month it was priced in.
- **Rebates earned** are true-ups (a better tier reached after the order) less reversals,
  dated by the day they were earned; they are shown beside spend, never subtracted from it.
  Settlements are how vendors paid them and are not counted again.
- **Amounts** are exact sums of whole-cent amounts; a division (a share, spend per student) is
  rounded to the cent (or to 0.1 %) ROUND_HALF_UP, as `core.money` states.
- **Vendor concentration** in a category: the top vendor's share of the category's spend, and the
  Herfindahl-Hirschman index (HHI): the sum of every vendor's squared percentage share, from
  near 0 (many small vendors) to 10,000 (one vendor has it all). Read with the thresholds of the
  2023 US merger guidelines: under 1,000 unconcentrated, 1,000-1,800 moderately concentrated, over
  1,800 highly concentrated. 10,000 / HHI is the number of equal-sized vendors that would give the
  same index.
- **Spend per student** divides spend by the students of the members it is about (the
  consortium's, a state's, or one district's enrollment); enrollment marked as an estimate makes the
  figure an estimate, and the page says so.

Who sees what: staff see everything. A district's buyer or approver sees their own district's
figures and the consortium's totals, never another district's: consortium figures are shown only
for groups in which at least `MIN_DISTRICTS` members bought (so no one member's spend can be read
from a total), and their state and district filters can name only their own. Vendors and
anonymous visitors see nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Optional

from analytics import spend_rollup
from analytics.spend_filters import DISTRICT_READERS, READERS, Filters, check_filters, filter_options
from analytics.spend_breakdowns import FEW, Want, YearSums
from core.figures_cache import figures
from core.fiscal import FiscalYear
from core.money import cents
from orders.spend import SpendFilter

__all__ = ["DISTRICT_READERS", "READERS", "Filters", "filter_options", "spend_report", "concentration"]

MIN_DISTRICTS = 3  # consortium groups with fewer buying members are not shown to district users
TOP_VENDORS = 12  # the vendor chart's bars; the rest are summed as "All other vendors"
HHI_MODERATE, HHI_HIGH = 1000, 1800
PERCENT = Decimal("0.1")


def share_percent(part: Decimal, whole: Decimal) -> Decimal:
    """part / whole as a percentage to 0.1, ROUND_HALF_UP (0 when the whole is 0)."""
    if not whole:
        return Decimal("0.0")
    return (part * 100 / whole).quantize(PERCENT, rounding=ROUND_HALF_UP)


def hhi(amounts: list[Decimal]) -> int:
    """The Herfindahl-Hirschman index of these vendors' amounts: the sum of their squared
    percentage shares, 0-10,000, rounded to a whole number ROUND_HALF_UP (exact decimals until then)."""
    whole = sum(amounts, Decimal(0))
    if whole <= 0:
        return 0
    total = sum(((a * 100 / whole) ** 2 for a in amounts), Decimal(0))
    return int(total.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def hhi_level(index: int) -> str:
    if index > HHI_HIGH:
        return "highly concentrated"
    if index >= HHI_MODERATE:
        return "moderately concentrated"
    return "unconcentrated"


@dataclass(frozen=True)
class Line:
    """One group's figures: `key` is its id (category, vendor, district), state code or month."""

    key: object
    label: str
    spend: Decimal
    share: Decimal  # % of the report's total
    earned: Decimal = Decimal("0.00")
    orders: Optional[int] = None
    units: int = 0


@dataclass(frozen=True)
class Concentration:
    category_id: int
    category: str
    spend: Decimal
    vendors: int
    top_vendor: str
    top_share: Optional[Decimal]  # None (with hhi) where showing it would reveal a member's spend
    hhi: Optional[int]
    level: str

    @property
    def equivalent(self) -> Decimal:
        """10,000 / HHI: how many equal-sized vendors would be as concentrated."""
        return (Decimal(10000) / self.hhi).quantize(PERCENT, rounding=ROUND_HALF_UP) if self.hhi else Decimal(0)

    @property
    def words(self) -> str:
        if self.hhi is None:
            return (f"{self.top_vendor} had the largest share of the {self.category} spend among "
                    f"{self.vendors} vendor{'s' if self.vendors != 1 else ''} ({self.level}; the exact share "
                    f"is kept back, as a vendor sold to fewer than {MIN_DISTRICTS} members).")
        if self.vendors == 1:
            return (f"One vendor, {self.top_vendor}, had all of the {self.category} spend "
                    f"(HHI 10,000: a single supplier).")
        return (f"{self.top_vendor} had {self.top_share}% of the {self.category} spend among "
                f"{self.vendors} vendors; HHI {self.hhi:,} ({self.level}), as concentrated as "
                f"{self.equivalent} equal-sized vendors.")


@dataclass(frozen=True)
class PerStudent:
    spend: Decimal
    students: int
    estimated: bool
    who: str

    @property
    def value(self) -> Optional[Decimal]:
        return cents(self.spend / self.students) if self.students else None


@dataclass(frozen=True)
class DistrictLine:
    district_id: int
    district: str
    state: str
    spend: Decimal
    students: Optional[int]
    estimated: bool

    @property
    def per_student(self) -> Optional[Decimal]:
        return cents(self.spend / self.students) if self.students else None


@dataclass
class Consortium:
    """The consortium's totals a district user may see (groups of too few members left out)."""

    shown: bool
    total: Decimal = Decimal("0.00")
    districts: int = 0
    per_student: Optional[PerStudent] = None
    by_category: list[Line] = field(default_factory=list)
    hidden_categories: int = 0
    concentration: list[Concentration] = field(default_factory=list)


@dataclass
class SpendReport:
    scope: str  # "consortium" (staff) or "district"
    who: str
    filters: Filters
    total: Decimal
    orders: int
    lines: int
    units: int
    earned: Decimal
    buying_districts: int
    by_category: list[Line]
    by_vendor: list[Line]
    by_state: list[Line]
    by_month: list[Line]
    concentration: list[Concentration]
    per_student: Optional[PerStudent]
    districts: list[DistrictLine]
    consortium: Optional[Consortium] = None
    as_of: Optional[dt.datetime] = None  # when the consortium-wide figures were computed (None: now)


def _lines(rows: list[dict], key: str, label: str, total: Decimal, earned: dict) -> list[Line]:
    lines = [Line(r[key], str(r[label]), r["spend"], share_percent(r["spend"], total), earned.pop(r[key], Decimal("0.00")),
                  r.get("orders"), r["units"]) for r in rows]
    return sorted(lines, key=lambda x: (-x.spend, x.label))


def _earned_by(src, f: SpendFilter, dim: str, key: str) -> dict:
    return {r[key]: r["earned"] for r in src.rebates_earned_by(f, (dim,))}


def concentration(f: SpendFilter, *, category_ids: Optional[set] = None, src=spend_rollup) -> list[Concentration]:
    """Per category: vendors, the top vendor's share and the HHI, most concentrated first. `src`
    sums the spend: `analytics.spend_rollup` (queries, any period) or a `YearSums`."""
    by_category: dict[int, list[dict]] = {}
    for row in src.spend_by(f, ("category", "vendor")):
        if row["spend"] > 0 and (category_ids is None or row["category_id"] in category_ids):
            by_category.setdefault(row["category_id"], []).append(row)
    result = []
    for category_id, rows in by_category.items():
        rows.sort(key=lambda r: (-r["spend"], r["vendor"]))
        whole = sum((r["spend"] for r in rows), Decimal(0))
        index = hhi([r["spend"] for r in rows])
        result.append(Concentration(category_id, rows[0]["category"], whole, len(rows), rows[0]["vendor"],
                                    share_percent(rows[0]["spend"], whole), index, hhi_level(index)))
    return sorted(result, key=lambda c: (-c.hhi, -c.spend, c.category))


def _months(fy: FiscalYear) -> list[dt.date]:
    months, day = [], fy.start
    while day <= fy.end:
        months.append(day)
        day = dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return months


def spend_report(*, actor, fiscal_year=None, state: str = "", category_id: int = 0, vendor_id: int = 0,
                 district_id: int = 0, kept: bool = False) -> SpendReport:
    """The spend report the actor may see, for one fiscal year (default: this one) and the filters.
    PermissionDenied for anyone but staff and district buyers and approvers, or a district user
    naming another district or state; ValidationError (by field) for filters that name nothing.
    Every breakdown is computed in SQL, all in one query (`_year_rows`; a district user's report
    reads the consortium's figures beside its own in a second one).

    `kept` (the pages): the consortium-wide figures (a staff report; the consortium's totals beside
    a district user's own) may be up to a minute old, as `core.figures_cache` keeps them, and
    `as_of` says when they were computed; a district user's own figures are always read now."""
    filters, own = check_filters(actor=actor, state=state, category_id=category_id, vendor_id=vendor_id,
                                 district_id=district_id, fiscal_year=fiscal_year)
    fy = filters.fiscal_year
    if own is None:
        if not kept:
            return _report(filters, None)
        report, as_of = figures(("spend.report", fy.ends_in, fy.start.isoformat(), filters.state,
                                 filters.category_id, filters.vendor_id, filters.district_id),
                                lambda: _report(filters, None))
        return replace(report, filters=filters, as_of=as_of)
    report = _report(filters, own)
    if kept:
        report.consortium, report.as_of = figures(("spend.consortium", fy.ends_in, fy.start.isoformat()),
                                                  lambda: _consortium_view(fy))
    else:
        report.consortium = _consortium_view(fy)
    return report


def _report(filters: Filters, own) -> SpendReport:
    """The report for checked filters: the consortium's (own None) or a district's own figures
    (its `consortium` left for the caller)."""
    fy = filters.fiscal_year
    f = SpendFilter(since=fy.start, until=fy.end, state=filters.state, category_id=filters.category_id or None,
                    vendor_id=filters.vendor_id or None,
                    district_ids=(filters.district_id,) if filters.district_id else None)
    src = _year_rows(fy, f, own)
    total_row = src.spend_by(f)[0]
    total = total_row["spend"]
    earned_total = src.rebates_earned_by(f)[0]["earned"]
    by_category = _lines(src.spend_by(f, ("category",)), "category_id", "category", total,
                         _earned_by(src, f, "category", "category_id"))
    by_vendor = _lines(src.spend_by(f, ("vendor",)), "vendor_id", "vendor", total,
                       _earned_by(src, f, "vendor", "vendor_id"))
    spend_months = {r["month"]: r for r in src.spend_by(f, ("month",))}
    earned_months = _earned_by(src, f, "month", "month")
    by_month = [Line(m, f"{m:%b %Y}", spend_months.get(m, {}).get("spend", Decimal("0.00")),
                     share_percent(spend_months.get(m, {}).get("spend", Decimal(0)), total),
                     earned_months.get(m, Decimal("0.00")), spend_months.get(m, {}).get("orders", 0),
                     spend_months.get(m, {}).get("units", 0)) for m in _months(fy)]
    districts: list[DistrictLine] = []
    by_state: list[Line] = []
    if own is None:
        by_state = _lines(src.spend_by(f, ("state",)), "state", "state", total, _earned_by(src, f, "state", "state"))
        districts = sorted(_district_lines(src, f), key=lambda d: (-d.spend, d.district))
    per_student = _per_student(filters, own, total, districts)
    return SpendReport(
        scope="district" if own else "consortium", who=own.name if own else (filters.district or "The consortium"), filters=filters,
        total=total, orders=total_row.get("orders") or 0, lines=total_row["lines"], units=total_row["units"],
        earned=earned_total, buying_districts=src.spending_districts(f)[None],
        by_category=by_category, by_vendor=by_vendor, by_state=by_state, by_month=by_month,
        concentration=concentration(f, src=src) if own is None else [], per_student=per_student,
        districts=districts)


def _year_rows(fy: FiscalYear, f: SpendFilter, own):
    """The report's one read: every breakdown it shows, each computed in SQL
    (`analytics.spend_breakdowns`): the report's own filter's total (with buying members), by
    category, vendor and month, and for staff by state, district and category x vendor."""
    wants = [Want(f, (), 1), Want(f, ("category",)), Want(f, ("vendor",)), Want(f, ("month",))]
    if own is None:
        wants += [Want(f, ("state",)), Want(f, ("district", "state")), Want(f, ("category", "vendor"))]
    return YearSums.load(fy, wants)


def _consortium_rows(fy: FiscalYear):
    """What a district user's report shows of the whole consortium's year, in one read: total, by
    category, category x vendor (with buying members), by district, and the members of the
    categories with too few of them."""
    whole = SpendFilter(since=fy.start, until=fy.end)
    return YearSums.load(fy, [Want(whole, (), 1), Want(whole, ("category",), 1), Want(whole, ("category", "vendor"), 1),
                              Want(whole, ("district", "state")), Want(whole, FEW, MIN_DISTRICTS)])


def buying_students(lines, where: str = "") -> Optional[PerStudent]:
    """Spend per student counts the students of the member districts that bought (in the filters'
    scope), as the home page's "saved for N students" does: a member that bought nothing has no
    spend to share among its students. Members without enrollment on record are left out."""
    lines = list(lines)
    known = [d for d in lines if d.students]
    if not known:
        return None
    spend = sum((d.spend for d in known), Decimal(0))
    who = f"the {len(known)} member district{'s' if len(known) != 1 else ''}{where} that bought"
    if len(known) < len(lines):
        who += f" ({len(lines) - len(known)} without enrollment on record left out)"
    return PerStudent(spend, sum(d.students for d in known), any(d.estimated for d in known), who)


def _district_lines(src, f: SpendFilter) -> list[DistrictLine]:
    return [DistrictLine(r["district_id"], r["district"], r["state"], r["spend"], r["enrollment"],
                         r["enrollment_is_estimate"]) for r in src.spend_by(f, ("district", "state"))]


def _per_student(filters: Filters, own, total: Decimal, districts: list[DistrictLine]) -> Optional[PerStudent]:
    if own is not None:
        if not own.enrollment:
            return None
        return PerStudent(total, own.enrollment, own.enrollment_is_estimate, own.name)
    if filters.district_id:
        from members.selectors import member_directory

        d = member_directory().filter(district_id=filters.district_id).first().district
        return PerStudent(total, d.enrollment or 0, d.enrollment_is_estimate, d.name) if d.enrollment else None
    return buying_students(districts, f" in {filters.state}" if filters.state else "")


def _consortium_view(fy: FiscalYear) -> Consortium:
    """What a district user sees of the whole consortium for the same fiscal year: always the whole
    year, every category and vendor, whatever the user's own filters (never a state's or a
    district's figures). Filtered consortium totals could be subtracted from one another (a
    category's total less the same category with one vendor is what the members not buying
    from that vendor spent: one district, perhaps), so only this one set of figures is shown, and
    within it small groups are kept back so that no other member's spend can be worked out, even
    with the user's own figures beside them:
    - nothing but the count of buying members when fewer than MIN_DISTRICTS bought;
    - a category only when at least MIN_DISTRICTS members bought in it, and the categories left
      out together (the total less the ones shown) also at least MIN_DISTRICTS, or none is shown;
    - a category's exact top share and HHI only when every vendor in it sold to at least
      MIN_DISTRICTS members (with two vendors the HHI gives both shares); otherwise its top vendor,
      its number of vendors and its level in words."""
    src = _consortium_rows(fy)
    f = SpendFilter(since=fy.start, until=fy.end)
    buying = src.spending_districts(f)[None]
    if buying < MIN_DISTRICTS:
        return Consortium(shown=False, districts=buying)
    total = src.spend_by(f)[0]["spend"]
    per_category = src.spending_districts(f, "category")
    allowed = {cid for cid, n in per_category.items() if n >= MIN_DISTRICTS}
    left_out = set(per_category) - allowed
    if left_out:
        districts_left_out = src.spending_district_ids(f, category_ids=left_out)
        if len(districts_left_out) < MIN_DISTRICTS:
            allowed = set()
    lines = [line for line in _lines(src.spend_by(f, ("category",)), "category_id", "category", total,
                                     _earned_by(src, f, "category", "category_id")) if line.key in allowed]
    per_vendor = src.spending_districts(f, ("category", "vendor"))
    exact = {cid for cid in allowed
             if all(n >= MIN_DISTRICTS for (c, _), n in per_vendor.items() if c == cid)}
    kept = [c if c.category_id in exact else Concentration(c.category_id, c.category, c.spend, c.vendors,
                                                            c.top_vendor, None, None, c.level)
            for c in concentration(f, category_ids=allowed, src=src)]
    return Consortium(shown=True, total=total, districts=buying,
                      per_student=buying_students(_district_lines(src, f)),
                      by_category=lines, hidden_categories=len(per_category) - len(allowed),
                      concentration=kept)
