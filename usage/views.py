"""Licence usage pages: a district's bought vs used (with its CSV import), and the staff renewal
list. Views parse, check, call and render; the rules are in services and selectors."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.access import roles
from accounts.acting import DISTRICT_ROLES, STAFF, acts_as
from core import clock
from core.charts import Chart, Series, column_chart, plain
from core.fiscal import FiscalYear, FiscalYearRefused, fiscal_year_param
from core.views import fiscal_year_refused
from members.selectors import district_for_actor
from usage import selectors
from usage.forms import UsageUploadForm
from usage.services import IMPORTERS, MAX_ROWS, usage_import
from usage.uploads import COLUMNS, CSV_MAX_BYTES, csv_template, line_messages, parse_usage_csv, read_upload


def bought_used_chart(rows, fy: FiscalYear) -> Chart | None:
    shown = [r for r in rows if r.bought or r.figures.latest_used is not None][:12]
    if not shown:
        return None
    worst = next((r for r in shown if r.utilisation is not None), None)
    summary = (f"{worst.product.name} is the least used: {worst.figures.latest_used:,} of {worst.bought:,} "
               f"licences in {worst.figures.latest_month:%B %Y} ({worst.utilisation}%)."
               if worst else "No usage reported yet for the licences bought this year.")
    return column_chart(
        title=f"Licences bought vs used, {fy.label}", summary=summary,
        categories=[r.product.name for r in shown],
        series=[Series("Bought", [r.bought for r in shown]),
                Series("Used, latest month", [r.figures.latest_used for r in shown]),
                Series("Used, peak month", [r.figures.peak_used for r in shown])],
        fmt=plain, category_header="Product", key="bought-used")


def _page(request, *, upload=None, status=200):
    district = district_for_actor(request.actor)
    try:
        fy = fiscal_year_param(request.GET.get("fy"), today=clock.today())
    except FiscalYearRefused as exc:
        return fiscal_year_refused(request, exc)
    rows = selectors.bought_vs_used(district=district, fiscal_year=fy)
    context = {"district": district, "fy": fy, "choices": sorted(set(selectors.fiscal_year_choices()) | {fy}, reverse=True),
               "rows": rows,
               "chart": bought_used_chart(rows, fy), "records": selectors.usage_months(district=district, fiscal_year=fy),
               "imports": selectors.imports_of(district), "can_import": acts_as(request.actor, IMPORTERS),
               "upload": upload or UsageUploadForm(), "columns": COLUMNS, "max_rows": MAX_ROWS,
               "max_kb": CSV_MAX_BYTES // 1024, "this_month": f"{clock.today():%Y-%m}",
               "this_month_long": f"{clock.today():%B %Y}", "above": [r for r in rows if r.above_bought]}
    return render(request, "usage/district.html", context, status=status)


@roles(*DISTRICT_ROLES)
def district_usage(request):
    return _page(request)


@roles(*IMPORTERS)
@require_POST
def usage_upload(request):
    district = district_for_actor(request.actor)
    upload = UsageUploadForm(request.POST, request.FILES)
    if upload.is_valid():
        lines: list[int] = []
        try:
            text = read_upload(upload.cleaned_data["file"].read(CSV_MAX_BYTES + 1))
            rows, lines = parse_usage_csv(text)
            batch = usage_import(district=district, rows=rows, source="csv",
                                 file_name=upload.cleaned_data["file"].name[:300].replace("\x00", ""),
                                 replace=upload.cleaned_data["replace"], actor=request.actor,
                                 key=lambda i: f"line {lines[i]}")
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and set(exc.message_dict) <= {"file", "replace", "rows"}:
                for name, errors in exc.message_dict.items():
                    upload.add_error("replace" if name == "replace" else "file", errors)
            else:
                upload.add_error("file", line_messages(exc, lines) if hasattr(exc, "error_dict") else exc.messages)
        else:
            messages.success(request, f"{batch.rows:,} usage figure(s) imported for "
                                      f"{', '.join(batch.months)}"
                                      + (f"; {batch.replaced:,} figure(s) reported earlier for those months were "
                                         "replaced." if batch.replaced else "."))
            if batch.above_bought:
                messages.warning(request, f"{batch.above_bought:,} figure(s) are above the licences your district "
                                          "bought of the product through the consortium (in the 12 months to the "
                                          "month): they are stored and marked \"above licences bought\" below; "
                                          "check them.")
            return redirect(reverse("usage:district"))
    messages.error(request, "Nothing was imported: correct the file (problems below) and upload it again.")
    return _page(request, upload=upload, status=400)


@roles(*DISTRICT_ROLES)
def usage_template(request):
    district = district_for_actor(request.actor)
    today = clock.today()
    since, until = selectors.renewal_window(today)
    products = selectors.products_bought_by(district, since=since, until=until)
    response = HttpResponse(csv_template(products, f"{today:%Y-%m}"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="licence-usage.csv"'
    return response


@roles(STAFF)
def renewals(request):
    today = clock.today()
    found = selectors.renewal_list(today=today)
    since, _ = selectors.renewal_window(today)
    chart = None
    lines = [(r, line) for r in found for line in r.lines if line.utilisation is not None][:12]
    if lines:
        worst_r, worst = lines[0]
        chart = column_chart(
            title="Utilisation of licences on agreements ending within 180 days",
            summary=(f"Least used: {worst.product.name} on {worst_r.agreement.number}, {worst.used:,} of "
                     f"{worst.bought:,} licences used ({worst.utilisation}%), ending in {worst_r.days_left} days."),
            categories=[f"{line.product.name} ({r.agreement.number})" for r, line in lines],
            series=[Series("Licences used, % of bought", [line.utilisation for r, line in lines])],
            fmt=lambda v: f"{plain(v)}%", category_header="Product (agreement)", key="renewal-utilisation")
    return render(request, "usage/renewals.html", {"renewals": found, "today": today, "since": since,
                                                   "chart": chart})
