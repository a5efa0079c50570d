"""GET /api/v1/analytics/spend: the spend report (`analytics.spend.spend_report`) as JSON.

Staff see every member; a district's buyers and approvers their own district and the consortium's
totals (groups of fewer than three buying members left out); vendors are refused (403). Money is a
decimal string ("1234.50"), shares are percentages to 0.1 as decimal strings ("95.4")."""


import datetime as dt
from typing import Annotated, Optional

from ninja import Schema
from pydantic import Field

from accounts.access import api_roles
from accounts.api_auth import API_AUTH
from analytics.api import router
from analytics.spend import READERS, Concentration, Line, PerStudent, SpendReport, spend_report
from core.fiscal import FISCAL_YEAR_RULE
from core.api_types import AnyId, DecimalText, MoneyText, text

FiscalYearParam = Annotated[int, Field(ge=0, le=9999, description=FISCAL_YEAR_RULE)]


class SpendLineOut(Schema):
    key: str = Field(description="The group's id (category, vendor), state code or month (YYYY-MM-01).")
    label: str
    spend: MoneyText
    share_percent: DecimalText
    rebates_earned: MoneyText
    orders: Optional[int] = Field(None, description="Orders in the group (not given by category: an order can span several).")
    units: int


class SpendConcentrationOut(Schema):
    category_id: int
    category: str
    spend: MoneyText
    vendors: int
    top_vendor: str
    top_vendor_share_percent: Optional[DecimalText] = Field(None, description=(
        "Null in a district's view of the consortium where a vendor sold to fewer than three members."))
    hhi: Optional[int] = Field(None, description=(
        "Herfindahl-Hirschman index, 0-10,000: the sum of the vendors' squared percentage shares (null as above)."))
    level: str = Field(description="unconcentrated (< 1,000), moderately concentrated (1,000-1,800) or highly concentrated (> 1,800).")
    words: str


class SpendPerStudentOut(Schema):
    spend: MoneyText
    students: int
    students_estimated: bool = Field(description="True when any enrollment counted is an estimate: the figure is then an estimate.")
    of: str = Field(description="Whose students: the member districts that bought (in the filters' scope, as the home page's \"saved for N students\"), or one district.")
    per_student: Optional[MoneyText] = None


class SpendDistrictOut(Schema):
    district_id: int
    district: str
    state: str
    spend: MoneyText
    students: Optional[int] = None
    students_estimated: bool
    per_student: Optional[MoneyText] = None


class SpendConsortiumOut(Schema):
    shown: bool = Field(description="False when fewer than three members bought: the totals would reveal a member's spend.")
    buying_districts: int
    spend: Optional[MoneyText] = None
    per_student: Optional[SpendPerStudentOut] = None
    by_category: list[SpendLineOut]
    categories_left_out: int
    concentration: list[SpendConcentrationOut]


class SpendFiltersOut(Schema):
    fiscal_year: int
    fiscal_year_label: str
    starts: dt.date
    ends: dt.date
    state: str
    category_id: int
    vendor_id: int
    district_id: int


class SpendReportOut(Schema):
    scope: str = Field(description="consortium (staff) or district (a district's own figures).")
    who: str
    filters: SpendFiltersOut
    spend: MoneyText
    rebates_earned: MoneyText
    orders: int
    order_lines: int
    units: int
    buying_districts: int
    per_student: Optional[SpendPerStudentOut] = None
    by_category: list[SpendLineOut]
    by_vendor: list[SpendLineOut]
    by_month: list[SpendLineOut]
    by_state: list[SpendLineOut] = Field(description="Staff only; empty for a district.")
    concentration: list[SpendConcentrationOut] = Field(description="Staff only; a district sees the consortium's.")
    districts: list[SpendDistrictOut] = Field(description="Staff only: spend per student by member.")
    consortium: Optional[SpendConsortiumOut] = Field(None, description="For a district: the consortium's totals.")
    method: str


def _line(line: Line) -> dict:
    key = line.key.isoformat() if isinstance(line.key, dt.date) else str(line.key)
    return {"key": key, "label": line.label, "spend": str(line.spend), "share_percent": str(line.share),
            "rebates_earned": str(line.earned), "orders": line.orders, "units": line.units}


def _concentration(c: Concentration) -> dict:
    return {"category_id": c.category_id, "category": c.category, "spend": str(c.spend), "vendors": c.vendors,
            "top_vendor": c.top_vendor,
            "top_vendor_share_percent": None if c.top_share is None else str(c.top_share), "hhi": c.hhi,
            "level": c.level, "words": c.words}


def _per_student(p: Optional[PerStudent]) -> Optional[dict]:
    if p is None:
        return None
    return {"spend": str(p.spend), "students": p.students, "students_estimated": p.estimated, "of": p.who,
            "per_student": None if p.value is None else str(p.value)}


METHOD = ("Spend: order lines of priced, not cancelled orders (not awaiting an approver), amount less quote "
          "credit, dated by the day the order was priced (consortium's calendar). Rebates earned: true-ups less "
          "reversals, dated when earned, shown beside spend. Shares and per-student figures rounded ROUND_HALF_UP "
          "to 0.1% and to the cent.")


def report_out(r: SpendReport) -> dict:
    f = r.filters
    out = {"scope": r.scope, "who": r.who,
           "filters": {"fiscal_year": f.fiscal_year.ends_in, "fiscal_year_label": f.fiscal_year.label,
                       "starts": f.fiscal_year.start, "ends": f.fiscal_year.end, "state": f.state,
                       "category_id": f.category_id, "vendor_id": f.vendor_id, "district_id": f.district_id},
           "spend": str(r.total), "rebates_earned": str(r.earned), "orders": r.orders, "order_lines": r.lines,
           "units": r.units, "buying_districts": r.buying_districts, "per_student": _per_student(r.per_student),
           "by_category": [_line(x) for x in r.by_category], "by_vendor": [_line(x) for x in r.by_vendor],
           "by_month": [_line(x) for x in r.by_month], "by_state": [_line(x) for x in r.by_state],
           "concentration": [_concentration(c) for c in r.concentration],
           "districts": [{"district_id": d.district_id, "district": d.district, "state": d.state,
                          "spend": str(d.spend), "students": d.students, "students_estimated": d.estimated,
                          "per_student": None if d.per_student is None else str(d.per_student)}
                         for d in r.districts],
           "consortium": None, "method": METHOD}
    if r.consortium is not None:
        c = r.consortium
        out["consortium"] = {"shown": c.shown, "buying_districts": c.districts,
                             "spend": str(c.total) if c.shown else None, "per_student": _per_student(c.per_student),
                             "by_category": [_line(x) for x in c.by_category],
                             "categories_left_out": c.hidden_categories,
                             "concentration": [_concentration(k) for k in c.concentration]}
    return out


@router.get("/analytics/spend", response=SpendReportOut, auth=API_AUTH)
@api_roles(*READERS)
def analytics_spend(request, fy: FiscalYearParam = 0, state: text(2) = "", category: AnyId = 0, vendor: AnyId = 0,
                    district: AnyId = 0):
    """Spend by category, vendor, month and state for one fiscal year, vendor concentration per
    category and spend per student. Staff: every member (filter by state or district). A district's
    buyer or approver: its own district (naming another district or state is refused, 403) and the
    consortium's totals. An unknown category, vendor or district is refused (422)."""
    return report_out(spend_report(actor=request.actor, fiscal_year=fy or None, state=state, category_id=category,
                                   vendor_id=vendor, district_id=district))
