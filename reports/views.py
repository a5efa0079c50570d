"""Sales report pages. Vendors: their agreements' quarters with due dates and status, submit or
replace a report (form or CSV), their reports and invoices. Staff: every report, reconciliation
items to resolve, fee invoices (issue, record payment), overdue reports."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access import roles
from accounts.acting import STAFF, VENDOR
from accounts.selectors import users_of_organisation
from core.confirm import Confirmation
from core.formatting import money
from core.views import confirm_then_run, run_service, submit_form
from contracts.models import MasterAgreement
from core.csvtext import check_csv_text
from reports import selectors, services
from reports.forms import CsvUploadForm, PaidForm, ReportLinesForm, ResolveForm
from reports.models import FeeInvoice, ReconciliationItem, SalesReport, SalesReportVersion
from reports.quarters import Quarter
from reports.reconcile_again import reconcile_again_job_of, reconcile_again_refusal, report_reconcile_request
from reports.uploads import background_rows, sales_report_upload_request
from vendors.selectors import vendor_for_actor

BLANK_ROWS = 5
PREFILL_LIMIT = 100


def _errors(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [m for messages_ in exc.message_dict.values() for m in messages_]
    return list(exc.messages)


def _detail_url(report_id: int) -> str:
    return reverse("reports:detail", kwargs={"report_id": report_id})


def _vendor_quarter(request, agreement_id: int, year: int, quarter: int) -> tuple[MasterAgreement, Quarter]:
    vendor = vendor_for_actor(request.actor)
    agreement = MasterAgreement.objects.filter(pk=agreement_id, vendor=vendor).select_related("vendor").first()
    if agreement is None:
        raise Http404("No such agreement of yours.")
    try:
        period = Quarter(year, quarter)
    except ValueError:
        raise Http404("No such quarter.")
    if period not in selectors.agreement_quarters(agreement):
        raise Http404(f"{period} is not a reporting quarter of {agreement.number}.")
    return agreement, period


def _report(request, report_id: int) -> SalesReport:
    try:
        return selectors.sales_report_get(report_id=report_id, actor=request.actor)
    except SalesReport.DoesNotExist:
        raise Http404("No such sales report.")


@roles(VENDOR)
def vendor_reports(request):
    vendor = vendor_for_actor(request.actor)
    rows = selectors.vendor_quarter_rows(vendor)
    return render(request, "reports/vendor.html", {
        "vendor": vendor, "rows": rows,
        "overdue": sum(1 for r in rows if r.status == selectors.Status.OVERDUE)})


def _lines_form(agreement, report, data=None) -> ReportLinesForm:
    products = sorted(selectors.reportable_products(agreement).values(), key=lambda p: p.name)
    initial, count = {}, BLANK_ROWS
    if report is not None and data is None:
        lines = list(selectors.current_lines(report)[:PREFILL_LIMIT + 1])
        if len(lines) <= PREFILL_LIMIT:
            for i, line in enumerate(lines, start=1):
                initial.update({f"district_{i}": line.district_given, f"product_{i}": str(line.product_id),
                                f"quantity_{i}": line.quantity, f"unit_price_{i}": line.unit_price,
                                f"amount_{i}": line.amount, f"order_number_{i}": line.order_number})
            count = len(lines) + BLANK_ROWS
    return ReportLinesForm(data, products=products, row_count=count, initial=initial)


def _submit_page(request, agreement, period, form=None, upload=None, status=200):
    row = selectors.quarter_row(agreement, period)
    report = row.report
    return render(request, "reports/submit.html", {
        "a": agreement, "quarter": period, "report": report, "row": row,
        "invoice": row.invoice,
        "version": report.current if report else None,
        "form": form or _lines_form(agreement, report), "upload": upload or CsvUploadForm()}, status=status)


@roles(VENDOR)
def report_submit(request, agreement_id: int, year: int, quarter: int):
    agreement, period = _vendor_quarter(request, agreement_id, year, quarter)
    if request.method != "POST":
        return _submit_page(request, agreement, period)
    report = selectors.report_for_quarter(agreement, period)
    form = _lines_form(agreement, report, request.POST)
    if form.is_valid():
        try:
            report = services.sales_report_submit(
                agreement=agreement, quarter=period, lines=[values for _, values in form.line_rows],
                source=SalesReportVersion.Source.FORM, actor=request.actor)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                form.add_service_errors(exc.message_dict)
            else:
                form.add_error(None, exc.messages)
        else:
            messages.success(request, f"Report for {period} saved (version {report.current_version}).")
            return redirect("reports:detail", report_id=report.pk)
    return _submit_page(request, agreement, period, form=form, status=400)


@roles(VENDOR)
@require_POST
def report_upload(request, agreement_id: int, year: int, quarter: int):
    agreement, period = _vendor_quarter(request, agreement_id, year, quarter)
    upload = CsvUploadForm(request.POST, request.FILES)
    if upload.is_valid():
        try:
            text = services.decode_upload(upload.cleaned_data["file"].read())
            check_csv_text(text)
            rows = services.parse_report_csv(text=text, agreement=agreement)
            if len(rows) > background_rows():  # a large file: stored and reconciled by the worker
                job = sales_report_upload_request(agreement=agreement, quarter=period, text=text,
                                                  actor=request.actor)
                return redirect("jobs:status", job_id=job.pk)
            report = services.sales_report_submit(agreement=agreement, quarter=period, lines=rows,
                                                  source=SalesReportVersion.Source.CSV, actor=request.actor)
        except ValidationError as exc:
            for message in _errors(exc):
                upload.add_error("file", message)
        else:
            messages.success(request, f"Report for {period} uploaded (version {report.current_version}).")
            return redirect("reports:detail", report_id=report.pk)
    return _submit_page(request, agreement, period, upload=upload, status=400)


@roles(STAFF)
def report_list(request):
    only_open = request.GET.get("open") == "1"
    reports = selectors.sales_report_list(actor=request.actor, only_open=only_open)
    page = Paginator(reports, 50).get_page(request.GET.get("page"))
    for report in page.object_list:
        report.late = bool(report.current_submitted_at) and selectors.submitted_late(
            report.current_submitted_at, report.period)
    return render(request, "reports/list.html", {"page": page, "only_open": only_open,
                                                 "overdue": len(selectors.overdue_rows())})


@roles(STAFF)
def overdue(request):
    return render(request, "reports/overdue.html", {"rows": selectors.overdue_rows()})


@roles(STAFF, VENDOR)
def report_detail(request, report_id: int, forms=None):
    report = _report(request, report_id)
    forms = forms or {}
    rec = selectors.reconciliation(report)
    invoice = selectors.report_invoice(report)
    version = report.current
    return render(request, "reports/detail.html", {
        "report": report, "a": report.agreement, "quarter": report.period, "rec": rec, "invoice": invoice,
        "version": version, "late": selectors.submitted_late(version.submitted_at, report.period),
        "versions": report.versions.select_related("submitted_by").order_by("-number"),
        "lines": selectors.current_lines(report)[:1000], "resolve_item": forms.get("resolve_item"),
        "resolve_form": forms.get("resolve"), "paid_form": forms.get("paid") or PaidForm(),
        "is_staff": request.actor.role == STAFF, "reconcile_job": reconcile_again_job_of(report),
        "reconcile_refusal": reconcile_again_refusal(report)}, status=400 if forms else 200)


@roles(STAFF)
@require_POST
def reconcile_again(request, report_id: int):
    """Re-run the reconciliation in the background; a second press goes to the run under way."""
    report = _report(request, report_id)
    try:
        job = report_reconcile_request(report=report, actor=request.actor)
    except ValidationError as exc:
        for message in _errors(exc):
            messages.error(request, message)
        return redirect(_detail_url(report.pk) + "#reconciliation")
    return redirect("jobs:status", job_id=job.pk)


@roles(STAFF)
@require_POST
def item_resolve(request, report_id: int, item_id: int):
    report = _report(request, report_id)
    item = ReconciliationItem.objects.filter(pk=item_id, report=report).first()
    if item is None:
        raise Http404("No such item.")
    form = ResolveForm(request.POST, prefix=f"item-{item.pk}")
    if form.is_valid():
        return run_service(request, lambda: services.reconciliation_item_resolve(
            item=item, note=form.cleaned_data["note"], actor=request.actor),
            success=f"Resolved: {item.get_kind_display().lower()}, {item.district} / {item.product}.",
            redirect_to=_detail_url(report.pk) + "#reconciliation")
    return report_detail(request, report.pk, {"resolve": form, "resolve_item": item.pk})


def _invoice_confirmation(report: SalesReport) -> Confirmation:
    rec = selectors.reconciliation(report)
    vendor = report.agreement.vendor
    users = sum(1 for a in users_of_organisation(vendor.organisation) if a.user.is_active)
    effects = [f"The administrative fee invoice for {report.period} under {report.agreement.number} is "
               f"issued to {vendor.legal_name}, due in {services.INVOICE_DUE_DAYS} days.",
               "One invoice per quarter: it cannot be reissued."]
    if rec.open_items:
        effects.insert(0, f"{rec.open_items} reconciliation item(s) are open: confirming will be refused.")
    return Confirmation(
        title=f"Issue the fee invoice for {report.agreement.number}, {report.period}",
        button=f"Issue the invoice ({money(rec.fee)})", back=_detail_url(report.pk), effects=effects,
        amounts=[("Reported sales", money(rec.sales)), ("Fee rate", f"{rec.fee_rate * 100:g}%"),
                 ("Fee invoiced", money(rec.fee))],
        notices=[f"The vendor ({users} active user{'s' if users != 1 else ''}), by email"])


@roles(STAFF)
@require_http_methods(["GET", "POST"])
def invoice_issue(request, report_id: int):
    report = _report(request, report_id)
    return confirm_then_run(
        request, lambda: _invoice_confirmation(report),
        lambda: services.fee_invoice_issue(report=report, actor=request.actor),
        success=lambda invoice: f"Invoice {invoice.number} issued: {money(invoice.fee_amount)}.",
        redirect_to=_detail_url(report.pk))


@roles(STAFF, VENDOR)
def invoices(request):
    state = request.GET.get("state", "")
    qs = selectors.invoices_for(request.actor)
    if state in FeeInvoice.State.values:
        qs = qs.filter(state=state)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "reports/invoices.html", {"page": page, "state": state,
                                                     "states": FeeInvoice.State.choices})


@roles(STAFF)
@require_POST
def invoice_paid(request, invoice_id: int):
    try:
        invoice = selectors.invoice_get(invoice_id=invoice_id, actor=request.actor)
    except FeeInvoice.DoesNotExist:
        raise Http404("No such invoice.")
    form = PaidForm(request.POST)
    done = submit_form(request, form, lambda: services.fee_invoice_mark_paid(
        invoice=invoice, actor=request.actor, **form.cleaned_data),
        success=f"Payment of {invoice.number} recorded.", redirect_to=_detail_url(invoice.report_id))
    return done or report_detail(request, invoice.report_id, {"paid": form})
