"""Demo sales report: the vendor with demo orders reports its sales for the latest finished
quarter that has orders, a CSV-style report with one line billed above the order price (the one
mismatch); staff resolve it and issue the administrative-fee invoice."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from contracts.models import MasterAgreement
from edpool.demo.clock import at
from edpool.demo.sourcing import _actor, _vendor
from orders.selectors import order_lines_in_period
from orders.states import COUNTING
from reports.models import ReconciliationItem, SalesReport
from reports.selectors import agreement_quarters
from reports.services import fee_invoice_issue, reconciliation_item_resolve, sales_report_submit

MARK_UP = Decimal("25.00")


def build_reports_demo(report) -> None:
    if SalesReport.objects.exists():
        report.add("Demo sales report already present.")
        return
    agreement = (MasterAgreement.objects.filter(orders__state__in=COUNTING).select_related("vendor__organisation")
                 .distinct().order_by("number").first())
    if agreement is None:
        report.add("No demo orders: no demo sales report.")
        return
    now = timezone.now()
    today = timezone.localdate()
    chosen, lines = None, []
    for quarter in reversed(agreement_quarters(agreement, today)):
        if quarter.has_ended(today):
            lines = list(order_lines_in_period(agreement=agreement, start=quarter.start, end=quarter.end))
            if lines:
                chosen = quarter
                break
    if chosen is None:
        report.add(f"No orders under {agreement.number} in a finished quarter yet: no demo sales report.")
        return
    rows = []
    for i, line in enumerate(lines):
        price = line.unit_price + (MARK_UP if i == 0 else 0)  # the first line billed above the order price
        rows.append({"district": line.order.district.state_leaid or str(line.order.district_id),
                     "product": line.product.name, "quantity": line.quantity, "unit_price": str(price),
                     "amount": str(price * line.quantity), "order_number": line.order.number})
    ended = timezone.make_aware(dt.datetime.combine(chosen.end + dt.timedelta(days=1), dt.time(9)))
    submitted = min(max(ended, now - dt.timedelta(days=3)), ended + dt.timedelta(days=12), now)
    step = (now - submitted) / 3
    vendor = _vendor(agreement.vendor.organisation.name)
    staff = _actor("staff@demo.edpool.org", "consortium_staff")
    with at(submitted):
        sales = sales_report_submit(agreement=agreement, quarter=chosen, lines=rows, source="csv", actor=vendor)
    open_items = list(sales.items.filter(state=ReconciliationItem.State.OPEN))
    with at(submitted + step):
        for item in open_items:
            reconciliation_item_resolve(
                item=item, actor=staff,
                note=f"{agreement.vendor} billed wall mounts with the displays on {lines[0].order.number} "
                     f"(${MARK_UP} a unit); the district confirmed. Accepted as reported.")
    with at(submitted + 2 * step):
        invoice = fee_invoice_issue(report=sales, actor=staff)
    report.add(f"Sales report: {agreement.number} {chosen} ({len(rows)} lines, ${sales.current.total_amount:,.2f}), "
               f"{len(open_items)} mismatch resolved, fee invoice {invoice.number} ${invoice.fee_amount:,.2f} issued.")
