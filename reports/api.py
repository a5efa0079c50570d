"""API for vendors' quarterly sales reports, their reconciliation, and administrative-fee invoices."""

from typing import Optional

from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import Router, Status

from accounts.access import api_roles
from accounts.api_auth import API_AUTH
from accounts.acting import STAFF, VENDOR
from contracts.models import MasterAgreement
from contracts.selectors.agreements import agreement_get
from core.api_types import Filter, Id
from reports import selectors, services
from reports.api_schemas import (FeeInvoiceOut, FeeInvoicePaidIn, ReconciliationItemOut, ReconciliationOut,
                                 ReconciliationResolveIn, SalesQuarterOut, SalesReportDetailOut, SalesReportIn,
                                 SalesReportOut)
from reports.models import FeeInvoice, ReconciliationItem, SalesReport, SalesReportVersion
from reports.quarters import Quarter

router = Router(tags=["sales reports"])


def _report(request, report_id: int) -> SalesReport:
    try:
        return selectors.sales_report_get(report_id=report_id, actor=request.actor)
    except SalesReport.DoesNotExist:
        raise Http404("No such sales report.")


def _agreement(request, agreement_id: int) -> MasterAgreement:
    try:
        return agreement_get(agreement_id=agreement_id, actor=request.actor)
    except MasterAgreement.DoesNotExist:
        raise Http404("No such agreement.")


def invoice_out(i: FeeInvoice) -> dict:
    return {"id": i.pk, "number": i.number, "report_id": i.report_id, "agreement": i.agreement.number,
            "vendor": i.agreement.vendor.legal_name, "quarter": i.report.period.key,
            "report_version": i.report_version, "sales_amount": str(i.sales_amount), "fee_rate": str(i.fee_rate),
            "fee_amount": str(i.fee_amount), "state": i.state, "issued_at": i.issued_at, "due_on": i.due_on,
            "paid_on": i.paid_on, "payment_reference": i.payment_reference}


def item_out(i: ReconciliationItem) -> dict:
    return {"id": i.pk, "kind": i.kind, "state": i.state, "district_id": i.district_id, "district": i.district.name,
            "product_id": i.product_id, "product": i.product.name, "order_number": i.order.number if i.order else None,
            "report_lines": [int(n) for n in i.report_lines.split(", ") if n],
            "order_numbers": [n for n in i.order_numbers.split(", ") if n],
            "reported_quantity": i.reported_quantity, "reported_amount": str(i.reported_amount),
            "ordered_quantity": i.ordered_quantity, "ordered_amount": str(i.ordered_amount),
            "reported_unit_price": None if i.reported_unit_price is None else str(i.reported_unit_price),
            "expected_unit_price": None if i.expected_unit_price is None else str(i.expected_unit_price),
            "detail": i.detail, "resolution_note": i.resolution_note, "resolved_at": i.resolved_at}


def _current(r: SalesReport) -> SalesReportVersion:
    cached = getattr(r, "_prefetched_objects_cache", {}).get("versions")
    if cached is not None:
        return next(v for v in cached if v.number == r.current_version)
    return r.current


def report_out(r: SalesReport, detail: bool = False) -> dict:
    version = _current(r)
    open_items = getattr(r, "open_count", None)
    if open_items is None:
        open_items = selectors.current_items(r).filter(state=ReconciliationItem.State.OPEN).count()
    invoice = selectors.report_invoice(r)
    data = {"id": r.pk, "agreement_id": r.agreement_id, "agreement": r.agreement.number,
            "vendor": r.agreement.vendor.legal_name, "quarter": r.period.key, "due": r.period.due,
            "version": version.number, "submitted_at": version.submitted_at, "source": version.source,
            "late": selectors.submitted_late(version.submitted_at, r.period),
            "line_count": version.line_count, "total_quantity": version.total_quantity,
            "total_amount": str(version.total_amount),
            "open_items": open_items, "invoice": invoice_out(invoice) if invoice else None}
    if detail:
        data["lines"] = [{"line": line.position, "district_id": line.district_id, "district": line.district.name,
                          "district_given": line.district_given, "product_id": line.product_id,
                          "product": line.product.name, "quantity": line.quantity,
                          "unit_price": str(line.unit_price), "amount": str(line.amount),
                          "order_number": line.order_number} for line in selectors.current_lines(r)]
        data["versions"] = [{"version": v.number, "submitted_at": v.submitted_at, "source": v.source,
                             "line_count": v.line_count, "total_amount": str(v.total_amount)}
                            for v in r.versions.order_by("number")]
    return data


def row_out(row: selectors.QuarterRow) -> dict:
    return {"agreement_id": row.agreement.pk, "agreement": row.agreement.number,
            "vendor": row.agreement.vendor.legal_name, "quarter": row.quarter.key, "start": row.quarter.start,
            "end": row.quarter.end, "due": row.due, "status": row.status,
            "report_id": row.report.pk if row.report else None, "days_overdue": row.days_overdue}


@router.get("/sales-reports", response=list[SalesReportOut], auth=API_AUTH)
@api_roles(STAFF, VENDOR)
def sales_reports(request, agreement_id: Optional[Id] = None, open: bool = False):
    """Sales reports (staff: all; a vendor: its own), newest quarter first."""
    qs = selectors.sales_report_list(actor=request.actor, only_open=open)
    if agreement_id is not None:
        qs = qs.filter(agreement_id=agreement_id)
    return [report_out(r) for r in qs.prefetch_related("versions")[:1000]]


@router.get("/sales-reports/overdue", response=list[SalesQuarterOut], auth=API_AUTH)
@api_roles(STAFF)
def overdue(request):
    """Quarters past their due date with no report, every vendor."""
    return [row_out(row) for row in selectors.overdue_rows()]


@router.get("/agreements/{agreement_id}/sales-quarters", response=list[SalesQuarterOut], auth=API_AUTH)
@api_roles(STAFF, VENDOR)
def sales_quarters(request, agreement_id: Id):
    """The agreement's reporting quarters with due dates and status (the vendor's own agreements)."""
    agreement = _agreement(request, agreement_id)
    if request.actor.role == VENDOR and not request.actor.acts_for(agreement.vendor.organisation):
        raise Http404("No such agreement of yours.")
    return [row_out(row) for row in selectors.quarter_rows([agreement])]


@router.post("/agreements/{agreement_id}/sales-reports", response={201: SalesReportDetailOut},
             auth=API_AUTH)
@api_roles(VENDOR)
def submit(request, agreement_id: Id, payload: SalesReportIn):
    """Submit the quarter's report, or replace it (a new version). Lines: district (name, NCES
    LEAID, state id such as CA-0110017, or EdPool id), product (id or exact name), quantity,
    unit_price, amount (optional: checked against quantity x unit price), order_number
    (optional). No lines is a report of no sales. Errors name lines[N].field."""
    agreement = _agreement(request, agreement_id)
    try:
        quarter = Quarter.parse(payload.quarter)
    except ValueError as exc:
        raise ValidationError({"quarter": str(exc)})
    report = services.sales_report_submit(agreement=agreement, quarter=quarter, lines=payload.lines,
                                          source=SalesReportVersion.Source.API, actor=request.actor)
    return Status(201, report_out(report, detail=True))


@router.get("/sales-reports/{report_id}", response=SalesReportDetailOut, auth=API_AUTH)
@api_roles(STAFF, VENDOR)
def sales_report(request, report_id: Id):
    return report_out(_report(request, report_id), detail=True)


@router.get("/sales-reports/{report_id}/reconciliation", response=ReconciliationOut, auth=API_AUTH)
@api_roles(STAFF, VENDOR)
def reconciliation(request, report_id: Id):
    """The findings of the current version against the quarter's orders, and the fee they give."""
    rec = selectors.reconciliation(_report(request, report_id))
    return {"report_id": rec.report.pk, "version": rec.report.current_version, "counts": rec.counts,
            "open_items": rec.open_items, "sales_amount": str(rec.sales), "fee_rate": str(rec.fee_rate),
            "fee_amount": str(rec.fee), "ready_to_invoice": rec.ready_to_invoice,
            "items": [item_out(i) for i in rec.items]}


@router.post("/sales-reports/{report_id}/items/{item_id}/resolve", response=ReconciliationItemOut,
             auth=API_AUTH)
@api_roles(STAFF)
def resolve(request, report_id: Id, item_id: Id, payload: ReconciliationResolveIn):
    report = _report(request, report_id)
    item = ReconciliationItem.objects.filter(pk=item_id, report=report).first()
    if item is None:
        raise Http404("No such item.")
    item = services.reconciliation_item_resolve(item=item, note=payload.note, actor=request.actor)
    return item_out(item)


@router.post("/sales-reports/{report_id}/invoice", response={201: FeeInvoiceOut}, auth=API_AUTH)
@api_roles(STAFF)
def invoice_issue(request, report_id: Id):
    invoice = services.fee_invoice_issue(report=_report(request, report_id), actor=request.actor)
    return Status(201, invoice_out(invoice))


@router.get("/invoices", response=list[FeeInvoiceOut], auth=API_AUTH)
@api_roles(STAFF, VENDOR)
def invoices(request, state: Filter = ""):
    """Administrative-fee invoices (staff: all; a vendor: its own)."""
    qs = selectors.invoices_for(request.actor)
    if state:
        qs = qs.filter(state=state)
    return [invoice_out(i) for i in qs[:1000]]


@router.post("/invoices/{invoice_id}/paid", response=FeeInvoiceOut, auth=API_AUTH)
@api_roles(STAFF)
def invoice_paid(request, invoice_id: Id, payload: FeeInvoicePaidIn):
    try:
        invoice = selectors.invoice_get(invoice_id=invoice_id, actor=request.actor)
    except FeeInvoice.DoesNotExist:
        raise Http404("No such invoice.")
    invoice = services.fee_invoice_mark_paid(invoice=invoice, payment_reference=payload.payment_reference,
                                             paid_on=payload.paid_on, actor=request.actor)
    return invoice_out(invoice)
