"""Reading sales reports: the reporting calendar of each agreement with every quarter's status
(derived from the clock at read time), reconciliation items, fee previews, invoices."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable, Optional

from django.db.models import Count, F, Max, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from accounts.acting import STAFF, VENDOR, Actor
from accounts.models import RoleAssignment
from catalog.models import Product
from contracts.models import MasterAgreement, ScheduleEntry
from core.tiers import tier_at
from contracts.states import AgreementState
from reports.models import FeeInvoice, ReconciliationItem, SalesReport, SalesReportVersion
from reports.quarters import Quarter, reporting_quarters
from reports.reconcile import admin_fee


class Status:
    """A quarter's reporting status, derived at read time."""

    IN_PROGRESS = "in_progress"
    DUE = "due"
    OVERDUE = "overdue"
    SUBMITTED = "submitted"
    RECONCILED = "reconciled"
    INVOICED = "invoiced"
    PAID = "paid"
    LABELS = {IN_PROGRESS: "Quarter in progress", DUE: "Report due", OVERDUE: "Overdue",
              SUBMITTED: "Submitted: being reconciled", RECONCILED: "Reconciled", INVOICED: "Fee invoiced",
              PAID: "Fee paid"}


def submitted_late(submitted_at: dt.datetime, quarter: Quarter) -> bool:
    return timezone.localtime(submitted_at).date() > quarter.due


def staff_emails() -> list[str]:
    return list(RoleAssignment.objects.filter(role=STAFF, user__is_active=True)
                .values_list("user__email", flat=True))


def agreement_last_day(agreement: MasterAgreement) -> Optional[dt.date]:
    """The last day of the term: the end date, or the termination date when earlier."""
    days = [d for d in (agreement.end_date, agreement.terminated_on) if d]
    return min(days) if days else None


def reportable(agreement: MasterAgreement) -> bool:
    return agreement.start_date is not None and agreement.state in (AgreementState.ACTIVE, AgreementState.TERMINATED)


def agreement_quarters(agreement: MasterAgreement, today: Optional[dt.date] = None) -> list[Quarter]:
    """The quarters the vendor reports for, up to today's (which is still in progress)."""
    if not reportable(agreement):
        return []
    return reporting_quarters(agreement.start_date, agreement_last_day(agreement), today or timezone.localdate())


@dataclass
class QuarterRow:
    agreement: MasterAgreement
    quarter: Quarter
    report: Optional[SalesReport]
    open_items: int
    today: dt.date

    @property
    def due(self) -> dt.date:
        return self.quarter.due

    @property
    def invoice(self) -> Optional[FeeInvoice]:
        return report_invoice(self.report) if self.report else None

    @property
    def status(self) -> str:
        if self.report is None:
            if not self.quarter.has_ended(self.today):
                return Status.IN_PROGRESS
            return Status.OVERDUE if self.quarter.is_overdue(self.today) else Status.DUE
        invoice = self.invoice
        if invoice is not None:
            return Status.PAID if invoice.state == FeeInvoice.State.PAID else Status.INVOICED
        return Status.SUBMITTED if self.open_items else Status.RECONCILED

    @property
    def status_label(self) -> str:
        return Status.LABELS[self.status]

    @property
    def days_overdue(self) -> int:
        return max(0, (self.today - self.due).days)

    @property
    def may_submit(self) -> bool:
        return self.quarter.has_ended(self.today) and self.invoice is None


def quarter_rows(agreements: Iterable[MasterAgreement], today: Optional[dt.date] = None) -> list[QuarterRow]:
    """Every reporting quarter of these agreements, newest first, with its report and status
    (three queries whatever the number of agreements)."""
    today = today or timezone.localdate()
    agreements = [a for a in agreements if reportable(a)]
    reports = {(r.agreement_id, r.year, r.quarter): r for r in
               SalesReport.objects.filter(agreement__in=[a.pk for a in agreements])
               .select_related("invoice").annotate(open_count=Count(
                   "items", filter=Q(items__state=ReconciliationItem.State.OPEN)
                   & Q(items__version__number=F("current_version"))))}
    rows = []
    for agreement in agreements:
        for quarter in agreement_quarters(agreement, today):
            report = reports.get((agreement.pk, quarter.year, quarter.number))
            rows.append(QuarterRow(agreement, quarter, report, getattr(report, "open_count", 0) or 0, today))
    rows.sort(key=lambda r: (r.quarter, r.agreement.number), reverse=True)
    return rows


def quarter_row(agreement: MasterAgreement, quarter: Quarter, today: Optional[dt.date] = None) -> QuarterRow:
    report = report_for_quarter(agreement, quarter)
    open_items = current_items(report).filter(state=ReconciliationItem.State.OPEN).count() if report else 0
    return QuarterRow(agreement, quarter, report, open_items, today or timezone.localdate())


def vendor_quarter_rows(vendor, today: Optional[dt.date] = None) -> list[QuarterRow]:
    agreements = MasterAgreement.objects.filter(vendor=vendor, start_date__isnull=False).select_related("vendor")
    return quarter_rows(agreements, today)


def overdue_rows(today: Optional[dt.date] = None) -> list[QuarterRow]:
    """Reports past their due date and not submitted, every vendor, the longest overdue first."""
    today = today or timezone.localdate()
    agreements = MasterAgreement.objects.filter(start_date__isnull=False).select_related("vendor")
    rows = [r for r in quarter_rows(agreements, today) if r.status == Status.OVERDUE]
    rows.sort(key=lambda r: (r.due, r.agreement.number))
    return rows


def vendor_reports_due(vendor, today: Optional[dt.date] = None) -> list[QuarterRow]:
    """The vendor's quarters whose report is due or overdue (not yet submitted), oldest first."""
    rows = [r for r in vendor_quarter_rows(vendor, today) if r.status in (Status.DUE, Status.OVERDUE)]
    rows.sort(key=lambda r: (r.due, r.agreement.number))
    return rows


def sales_reports_for(actor: Optional[Actor]) -> QuerySet[SalesReport]:
    """Staff see every report, a vendor its own, nobody else any."""
    qs = SalesReport.objects.select_related("agreement__vendor", "invoice").order_by(
        "-year", "-quarter", "agreement__number")
    if actor is not None and actor.role == STAFF:
        return qs
    if actor is not None and actor.role == VENDOR and actor.organisation is not None:
        return qs.filter(agreement__vendor__organisation=actor.organisation)
    return qs.none()


def sales_report_list(*, actor: Optional[Actor], only_open: bool = False) -> QuerySet[SalesReport]:
    """Reports with their current version's figures and open item count."""
    current = SalesReportVersion.objects.filter(report=OuterRef("pk"), number=OuterRef("current_version"))
    qs = sales_reports_for(actor).annotate(
        open_count=Count("items", filter=Q(items__state=ReconciliationItem.State.OPEN)
                         & Q(items__version__number=F("current_version"))),
        current_total=Subquery(current.values("total_amount")[:1]),
        current_lines=Subquery(current.values("line_count")[:1]),
        current_submitted_at=Subquery(current.values("submitted_at")[:1]))
    return qs.filter(open_count__gt=0) if only_open else qs


def sales_report_get(*, report_id: int, actor: Optional[Actor]) -> SalesReport:
    report = sales_reports_for(actor).filter(pk=report_id).first()
    if report is None:
        raise SalesReport.DoesNotExist(f"No sales report {report_id}.")
    return report


def report_for_quarter(agreement: MasterAgreement, quarter: Quarter) -> Optional[SalesReport]:
    return (SalesReport.objects.filter(agreement=agreement, year=quarter.year, quarter=quarter.number)
            .select_related("invoice").first())


def current_lines(report: SalesReport):
    return (report.current.lines.select_related("district__organisation", "product").order_by("position"))


def current_items(report: SalesReport) -> QuerySet[ReconciliationItem]:
    return (ReconciliationItem.objects.filter(report=report, version__number=report.current_version)
            .select_related("district__organisation", "product", "order", "resolved_by").order_by("pk"))


@dataclass
class Reconciliation:
    report: SalesReport
    items: list[ReconciliationItem]
    counts: dict[str, int]
    open_items: int
    sales: Decimal
    fee_rate: Decimal
    fee: Decimal

    @property
    def ready_to_invoice(self) -> bool:
        return self.open_items == 0 and report_invoice(self.report) is None


def report_invoice(report: SalesReport) -> Optional[FeeInvoice]:
    try:
        return report.invoice
    except FeeInvoice.DoesNotExist:
        return None


def reconciliation(report: SalesReport) -> Reconciliation:
    items = list(current_items(report))
    counts: dict[str, int] = defaultdict(int)
    for item in items:
        counts[item.kind] += 1
    version = report.current
    rate = report.agreement.admin_fee_rate
    return Reconciliation(report=report, items=items, counts=dict(counts),
                          open_items=sum(1 for i in items if i.state == ReconciliationItem.State.OPEN),
                          sales=version.total_amount, fee_rate=rate, fee=admin_fee(version.total_amount, rate))


def invoices_for(actor: Optional[Actor]) -> QuerySet[FeeInvoice]:
    qs = FeeInvoice.objects.select_related("agreement__vendor", "report").order_by("-issued_at", "-pk")
    if actor is not None and actor.role == STAFF:
        return qs
    if actor is not None and actor.role == VENDOR and actor.organisation is not None:
        return qs.filter(agreement__vendor__organisation=actor.organisation)
    return qs.none()


def invoices_unpaid(actor: Optional[Actor]) -> QuerySet[FeeInvoice]:
    """Issued and not yet paid (staff: all; a vendor: its own), the earliest due first."""
    return invoices_for(actor).filter(state=FeeInvoice.State.ISSUED).order_by("due_on", "pk")


def invoice_get(*, invoice_id: int, actor: Optional[Actor]) -> FeeInvoice:
    invoice = invoices_for(actor).filter(pk=invoice_id).first()
    if invoice is None:
        raise FeeInvoice.DoesNotExist(f"No invoice {invoice_id}.")
    return invoice


def reportable_products(agreement: MasterAgreement) -> dict[int, Product]:
    """Products a report may name: those on any version of the agreement's schedule."""
    entries = ScheduleEntry.objects.filter(version__agreement=agreement).select_related("product")
    return {e.product_id: e.product for e in entries}


def schedule_ceilings(agreement: MasterAgreement, quarter: Quarter) -> dict[int, Decimal]:
    """For each product, the highest unit price the schedule allowed during the quarter: the
    price of the tier the consortium's pooled volume on its line had reached when the quarter
    began, under every schedule version in force at some time in the quarter."""
    from orders.models import VolumeEvent

    tz = timezone.get_current_timezone()
    begins = dt.datetime.combine(quarter.start, dt.time.min, tzinfo=tz)
    ends = dt.datetime.combine(quarter.end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    versions = list(agreement.schedule_versions.order_by("number"))
    before = [v for v in versions if v.created_at < begins]
    in_force = ([before[-1]] if before else []) + [v for v in versions if begins <= v.created_at < ends]
    if not in_force and versions:
        in_force = [versions[0]]
    last_seq = (VolumeEvent.objects.filter(agreement=agreement, at__lt=begins).values("line_reference")
                .annotate(seq=Max("seq")))
    volumes: dict[str, int] = {}
    for row in last_seq:
        event = VolumeEvent.objects.filter(agreement=agreement, line_reference=row["line_reference"],
                                           seq=row["seq"]).only("volume_after").first()
        volumes[row["line_reference"]] = event.volume_after if event else 0
    ceilings: dict[int, Decimal] = {}
    for entry in ScheduleEntry.objects.filter(version__in=in_force):
        price = tier_at(entry.tiers, volumes.get(entry.line_reference, 0)).unit_price
        ceilings[entry.product_id] = max(price, ceilings.get(entry.product_id, price))
    return ceilings
