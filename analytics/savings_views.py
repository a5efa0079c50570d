"""Savings pages: the method (public), the savings rollups (staff: all members; district users:
their own and the consortium's totals) and the board-ready statement of a member (page and PDF).
The views parse, check who may see what, call the selectors and render."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.text import slugify

from accounts.access import public, roles
from accounts.acting import READERS, is_staff
from analytics.savings_charts import savings_by_month_chart
from analytics.savings_jobs import districts_updating
from analytics.savings_selectors import (BASELINES, DIMENSIONS, consortium_by_fiscal_year, consortium_dashboard,
                                         consortium_fiscal_years, consortium_totals, dashboard_figures,
                                         savings_by_fiscal_year)
from analytics.statement import member_statement
from analytics.statement_pdf import statement_pdf
from core.fiscal import FiscalYear, FiscalYearRefused, fiscal_year_param
from core.views import fiscal_year_refused
from core.clock import today as clock_today
from members.selectors import district_acting, districts_by_ids
from orgs.selectors import consortium_profile


def _fiscal_year(raw) -> FiscalYear:
    """The fiscal year named in the request by the rule of `core.fiscal` (the current one by
    default); FiscalYearRefused (a 400 page) for a malformed year or one not started."""
    return fiscal_year_param(raw, today=clock_today())


def _years(current: FiscalYear) -> list[FiscalYear]:
    years = set(consortium_fiscal_years()) | {FiscalYear.of(clock_today()), current}
    return sorted(years, reverse=True)


ROWS_PER_PAGE = 100  # rows of the breakdown table per page (13,000 members at the national shape)


@public
def savings_method(request):
    """How the savings figures are computed: public, no sign-in."""
    return render(request, "analytics/savings_method.html", {"baselines": BASELINES})


@roles(*READERS)
def savings_dashboard(request):
    """Staff: the consortium's savings rolled up by member, agreement, vendor, category or
    state. District users: their own savings and the consortium's totals."""
    try:
        fy = _fiscal_year(request.GET.get("fy"))
    except FiscalYearRefused as exc:
        return fiscal_year_refused(request, exc)
    staff = is_staff(request.actor)
    district = None if staff else district_acting(request.actor)
    if not staff and district is None:
        raise Http404("No district.")
    by = request.GET.get("by") or ("member" if staff else "agreement")
    if by not in DIMENSIONS or (not staff and by in ("member", "state")):
        raise Http404("No such breakdown.")
    own = None if staff else district.pk
    if staff:  # the consortium's figures, kept a minute for everyone (core.figures_cache)
        figures, as_of = consortium_dashboard(by, fiscal_year=fy)
        by_year, _ = consortium_by_fiscal_year()
    else:  # the member's own figures fresh, the consortium's totals beside them kept a minute
        pool, as_of = consortium_totals(fiscal_year=fy)
        figures = dashboard_figures(by, fiscal_year=fy, district_id=own, pool=pool)
        by_year = savings_by_fiscal_year(district_id=own)
    page = Paginator(figures.rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "fy": fy, "years": _years(fy), "staff": staff, "district": district, "by": by,
        "dimensions": [(k, label) for k, (_, label) in DIMENSIONS.items() if staff or k not in ("member", "state")],
        "dimension_label": DIMENSIONS[by][1], "baselines": BASELINES,
        "pool": figures.pool, "own": figures.own, "rows": page.object_list, "page": page, "as_of": as_of,
        "chart": savings_by_month_chart(figures.months, who=district.name if district else "The consortium",
                                        fiscal_year=fy),
        "by_year": by_year,
        "updating": len(districts_updating(own)),
    }
    return render(request, "analytics/savings_dashboard.html", context)


def _district_for(request, district_id: int):
    """Staff: any member; a district user: only its own (404 for any other, as if absent)."""
    if is_staff(request.actor):
        found = districts_by_ids([district_id]).get(district_id)
    else:
        own = district_acting(request.actor)
        found = own if own is not None and own.pk == district_id else None
    if found is None:
        raise Http404("No such member.")
    return found


def _statement(request, district_id: int, fiscal_year: int):
    district = _district_for(request, district_id)
    fy = _fiscal_year(str(fiscal_year))
    return district, fy, member_statement(district=district, fiscal_year=fy)


@roles(*READERS)
def statement(request, district_id: int, fiscal_year: int):
    """A member's board-ready annual statement."""
    try:
        district, fy, s = _statement(request, district_id, fiscal_year)
    except FiscalYearRefused as exc:
        return fiscal_year_refused(request, exc)
    return render(request, "analytics/statement.html", {"s": s, "years": _years(fy), "baselines": BASELINES,
                                                        "updating": bool(districts_updating(district.pk))})


@roles(*READERS)
def statement_download(request, district_id: int, fiscal_year: int):
    """The same statement as a PDF, to hand to the board."""
    try:
        district, fy, s = _statement(request, district_id, fiscal_year)
    except FiscalYearRefused as exc:
        return fiscal_year_refused(request, exc)
    profile = consortium_profile()
    name = profile.organisation.name if profile else "the consortium"
    response = HttpResponse(statement_pdf(s, consortium_name=name), content_type="application/pdf")
    filename = f"savings-statement-{slugify(district.name)[:60] or district.pk}-{fy.ends_in}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
