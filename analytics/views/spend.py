"""Spend pages: the report (filters by fiscal year, state, category, vendor and district) and its
CSV and XLSX exports. Who sees what is decided in `analytics.spend.spend_report`."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils.http import urlencode

from accounts.access import roles
from analytics import spend_charts
from analytics.spend import READERS, filter_options, spend_report
from analytics.spend_exports import spend_csv, spend_xlsx
from core import clock
from core.fiscal import FiscalYear, FiscalYearRefused, fiscal_year_param
from core.limits import ID_MAX, parse_int
from members.fields import DistrictSearchField

# staff choose a member district by typing (13,000 of them at the national shape: not a drop-down)
MEMBER_DISTRICT = DistrictSearchField(scope="members", required=False)
DISTRICTS_PER_PAGE = 100  # the members table of a staff report (13,000 at the national shape)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PARAMS = {"category": ("category", 1, ID_MAX),
          "vendor": ("vendor", 1, ID_MAX), "district": ("district", 1, ID_MAX)}


def _params(request) -> tuple[dict, dict]:
    """The query string's filters as spend_report keywords, and the errors by field."""
    values, errors = {}, {}
    try:
        values["fy"] = fiscal_year_param(request.GET.get("fy", "").strip() or None, today=clock.today()).ends_in
    except FiscalYearRefused as exc:
        errors["fy"] = exc.message
    for name, (what, low, high) in PARAMS.items():
        raw = (request.GET.get(name) or "").strip()
        if not raw:
            continue
        if name == "district" and not raw.isdigit():  # typed in the search field, not a link's id
            try:
                values[name] = MEMBER_DISTRICT.clean(raw).pk
            except forms.ValidationError as exc:
                errors[name] = exc.messages[0]
            continue
        try:
            values[name] = parse_int(raw, field=name, minimum=low, maximum=high, what=f"a {what}")
        except ValidationError:
            errors[name] = f"Choose a {what} from the list."
    state = (request.GET.get("state") or "").strip()
    if state:
        if len(state) != 2 or not state.isascii() or not state.isalpha():
            errors["state"] = "A state is two letters, such as CA."
        else:
            values["state"] = state.upper()
    return {"fiscal_year": values.get("fy"), "state": values.get("state", ""),
            "category_id": values.get("category", 0), "vendor_id": values.get("vendor", 0),
            "district_id": values.get("district", 0)}, errors


def _report(request, kept: bool = False):
    """The report for the request's filters; the page (`kept`) may show consortium-wide figures up
    to a minute old (it says so), the exports are read now."""
    kwargs, errors = _params(request)
    if errors:
        raise ValidationError(errors)
    return spend_report(actor=request.actor, kept=kept, **kwargs)


@roles(*READERS)
def spend(request):
    options = filter_options(actor=request.actor)
    try:
        report = _report(request, kept=True)
    except ValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        return render(request, "analytics/spend.html", {
            "errors": errors, "options": options, "chosen": request.GET, "fy_months": _fy_months(None),
            "district_input": _district_input(options, request.GET.get("district"))}, status=400)
    charts = [spend_charts.month_chart(report), spend_charts.category_chart(report), spend_charts.vendor_chart(report)]
    if report.scope == "consortium":
        charts += [spend_charts.state_chart(report), spend_charts.concentration_chart(report.concentration)]
    consortium_chart = None
    if report.consortium is not None and report.consortium.shown:
        consortium_chart = spend_charts.concentration_chart(report.consortium.concentration)
    return render(request, "analytics/spend.html", {
        "report": report, "options": options, "charts": [c for c in charts if c], "consortium_chart": consortium_chart,
        "districts": Paginator(report.districts, DISTRICTS_PER_PAGE).get_page(request.GET.get("page")),
        "as_of": report.as_of, "staff": report.scope == "consortium",
        "query": urlencode(report.filters.query()), "chosen": request.GET,
        "fy_months": _fy_months(report.filters.fiscal_year),
        "district_input": _district_input(options, report.filters.district_id or None)})


def _district_input(options: dict, value):
    """The staff's member-district search field (with suggestions as they type), or None."""
    if not options.get("district_search"):
        return None
    return MEMBER_DISTRICT.widget.render("district", value, attrs={
        "id": "district", "aria-describedby": "district-help", "maxlength": 200})


def _fy_months(fy) -> str:
    """"July to June": the months a fiscal year runs (the consortium's setting)."""
    fy = fy or FiscalYear.of(clock.today())
    return f"{fy.start:%B} to {fy.end:%B}"


def _bad(exc: ValidationError) -> HttpResponse:
    return HttpResponseBadRequest("Nothing exported: " + " ".join(exc.messages),
                                  content_type="text/plain; charset=utf-8")


def _filename(report, ext: str) -> str:
    return f"spend-{report.filters.fiscal_year.ends_in}{'-district-' + str(report.filters.district_id) if report.filters.district_id else ''}.{ext}"


@roles(*READERS)
def spend_csv_view(request):
    try:
        report = _report(request)
    except ValidationError as exc:
        return _bad(exc)
    response = HttpResponse(spend_csv(report), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(report, "csv")}"'
    return response


@roles(*READERS)
def spend_xlsx_view(request):
    try:
        report = _report(request)
    except ValidationError as exc:
        return _bad(exc)
    response = HttpResponse(spend_xlsx(report), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{_filename(report, "xlsx")}"'
    return response
