"""CSV upload (every bad row named by line and field, nothing saved), replacing a report as a
new version with its history and carried-over resolutions, resolving items, the fee in exact
decimals (half up), invoices issued and paid, and each quarter's status."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from audit.actions import AuditAction
from audit.models import AuditEvent
from audit.services import audit_chain_verify
from reports.models import FeeInvoice, SalesReport, SalesReportLine, SalesReportVersion
from reports.reconcile import admin_fee
from reports.selectors import Status, quarter_row, reconciliation, vendor_quarter_rows
from reports.services import (fee_invoice_issue, fee_invoice_mark_paid, parse_report_csv,
                              reconciliation_item_resolve, sales_report_submit)
from reports.tests.conftest import after, line, moment, place


def submit(cast, quarter, lines, source="api"):
    return sales_report_submit(agreement=cast.agreement, quarter=quarter, lines=lines, source=source,
                               actor=cast.actor(cast.vendor_user_a))


def resolve_all(cast, report):
    for item in report.items.filter(version__number=report.current_version, state="open"):
        reconciliation_item_resolve(item=item, note="Checked with the vendor.", actor=cast.actor(cast.staff))


# --- CSV ----------------------------------------------------------------------------------------


def test_csv_upload(cast, quarter, clock):
    place(cast, "a", [(cast.device, 10)])
    after(clock, quarter)
    text = ("District,Product,Quantity,Unit Price,Amount,Order Number\r\n"
            f"Alpha Unified,\"{cast.device.name}\",10,300.00,3000.00,\r\n"
            "\r\n"
            f"CA-0100002,{cast.licence.pk},4,\"$1,000.00\",\"4,000.00\",\r\n")
    rows = parse_report_csv(text="\ufeff" + text, agreement=cast.agreement)
    report = submit(cast, quarter, rows, source="csv")
    assert report.current.source == "csv" and report.current.line_count == 2
    assert report.current.total_amount == Decimal("7000.00")


def test_csv_errors_name_the_line_and_field_and_nothing_is_saved(cast, quarter, clock):
    after(clock, quarter)
    text = ("district,product,quantity,unit_price,amount,order_number\n"
            f"Alpha Unified,{cast.device.pk},10,300.00,3000.00,\n"
            f"Nowhere Unified,{cast.device.pk},10,300.00,,\n"
            f"Alpha Unified,Unknown gadget,ten,300.00,,\n"
            f"Beta Unified,{cast.device.pk},3,300.00,899.99,\n"
            f"Beta Unified,{cast.device.pk},3,-1,,{'X' * 41}\n")
    with pytest.raises(ValidationError) as exc:
        parse_report_csv(text=text, agreement=cast.agreement)
    errors = exc.value.message_dict["file"]
    assert errors[0].startswith("line 3, district: 'Nowhere Unified' is not a district")
    assert errors[1].startswith("line 4, product: 'Unknown gadget' is not a product on")
    assert errors[2].startswith("line 4, quantity: 'ten'")
    assert errors[3].startswith("line 5, amount: $899.99 is not quantity x unit price")
    assert errors[4].startswith("line 6, unit_price:") and errors[5].startswith("line 6, order_number:")
    assert len(errors) == 6
    assert not SalesReport.objects.exists() and not SalesReportLine.objects.exists()


def test_csv_header_and_nil_report(cast, quarter, clock):
    after(clock, quarter)
    with pytest.raises(ValidationError) as exc:
        parse_report_csv(text="district,product,qty\n", agreement=cast.agreement)
    assert "missing: quantity, unit_price" in exc.value.message_dict["file"][0]
    assert parse_report_csv(text="district,product,quantity,unit_price\n", agreement=cast.agreement) == []


# --- Replacing ----------------------------------------------------------------------------------


def test_a_corrected_report_is_a_new_version_and_history_stays(cast, quarter, clock, django_capture_on_commit_callbacks):
    place(cast, "a", [(cast.device, 10)])
    place(cast, "b", [(cast.licence, 5)])
    after(clock, quarter)
    with django_capture_on_commit_callbacks(execute=True):
        first = submit(cast, quarter, [line("Alpha Unified", cast.device.name, 10, "295.00")])
    assert any("Sales report" in m.subject and "staff@example.org" in m.to for m in mail.outbox)
    price = first.items.get(kind="price_mismatch")
    reconciliation_item_resolve(item=price, note="Vendor gave a $5 discount; accepted.", actor=cast.actor(cast.staff))
    clock.advance(days=1)
    second = submit(cast, quarter, [line("Alpha Unified", cast.device.name, 10, "295.00"),
                                    line("Beta Unified", cast.licence.name, 5, "30.00")])
    assert second.pk == first.pk and second.current_version == 2
    assert SalesReport.objects.count() == 1 and SalesReportVersion.objects.filter(report=second).count() == 2
    assert second.versions.get(number=1).lines.count() == 1 and second.versions.get(number=2).lines.count() == 2
    # the unchanged mismatch keeps its resolution; the orders now reported match
    current = {i.kind: i for i in second.items.filter(version__number=2)}
    assert set(current) == {"price_mismatch", "matched"} and current["price_mismatch"].state == "resolved"
    assert current["price_mismatch"].resolution_note == "Vendor gave a $5 discount; accepted."
    assert "carried over from version 1" in current["price_mismatch"].detail
    # the first version's findings are history: they cannot be resolved any more
    old = second.items.filter(version__number=1, state="open").get()
    with pytest.raises(ValidationError):
        reconciliation_item_resolve(item=old, note="late", actor=cast.actor(cast.staff))
    actions = list(AuditEvent.objects.filter(object_type="reports.salesreport").values_list("action", flat=True))
    assert actions == [AuditAction.SALES_REPORT_SUBMITTED, AuditAction.SALES_REPORT_ITEM_RESOLVED, AuditAction.SALES_REPORT_REPLACED]
    replaced = AuditEvent.objects.get(action=AuditAction.SALES_REPORT_REPLACED)
    assert replaced.before["version"] == 1 and replaced.after["version"] == 2 and replaced.after["amount"] == "3100.00"
    assert audit_chain_verify().ok


def test_an_invoiced_quarter_cannot_be_replaced(cast, quarter, clock):
    after(clock, quarter)
    report = submit(cast, quarter, [])
    fee_invoice_issue(report=report, actor=cast.actor(cast.staff))
    with pytest.raises(ValidationError) as exc:
        submit(cast, quarter, [line("Alpha Unified", cast.device.name, 1, "300.00")])
    assert "invoiced" in str(exc.value)
    assert report.versions.count() == 1


# --- Resolving and invoicing ------------------------------------------------------------------


def test_items_are_resolved_by_staff_with_a_note(cast, quarter, clock):
    after(clock, quarter)
    report = submit(cast, quarter, [line("Beta Unified", cast.device.name, 2, "300.00")])
    item = report.items.get()
    with pytest.raises(PermissionDenied):
        reconciliation_item_resolve(item=item, note="mine", actor=cast.actor(cast.vendor_user_a))
    with pytest.raises(ValidationError) as exc:
        reconciliation_item_resolve(item=item, note="  ", actor=cast.actor(cast.staff))
    assert "note" in exc.value.message_dict
    with pytest.raises(ValidationError):
        fee_invoice_issue(report=report, actor=cast.actor(cast.staff))  # an item is open
    item = reconciliation_item_resolve(item=item, note="Bought by phone; a real sale.", actor=cast.actor(cast.staff))
    assert item.state == "resolved" and item.resolved_by == cast.staff
    with pytest.raises(ValidationError):
        reconciliation_item_resolve(item=item, note="again", actor=cast.actor(cast.staff))


@pytest.mark.parametrize("sales, rate, fee", [
    ("1002.00", "0.0025", "2.51"),    # 2.505 rounds half up
    ("1001.99", "0.0025", "2.50"),    # 2.504975
    ("100.25", "0.0200", "2.01"),     # 2.005 rounds half up (binary floats would give 2.00)
    ("100.24", "0.0200", "2.00"),     # 2.0048
    ("0.00", "0.0200", "0.00"),
    ("123456789.99", "0.0025", "308641.97"),  # 308641.974975
])
def test_fee_arithmetic_in_exact_decimals(sales, rate, fee):
    assert admin_fee(Decimal(sales), Decimal(rate)) == Decimal(fee)
    assert str(admin_fee(Decimal(sales), Decimal(rate))) == fee


@pytest.mark.parametrize("rate, lines, sales, fee", [
    ("0.0025", [(3, "300.00"), (4, "25.50")], "1002.00", "2.51"),
    ("0.0200", [(1, "25.25"), (3, "25.00")], "100.25", "2.01"),
])
def test_the_invoice_charges_the_rate_on_the_reported_sales(cast, quarter, clock, django_capture_on_commit_callbacks,
                                                           rate, lines, sales, fee):
    cast.agreement.admin_fee_rate = Decimal(rate)
    cast.agreement.save(update_fields=["admin_fee_rate"])
    place(cast, "a", [(cast.device, 10)])  # ordered, not reported: adds nothing to the fee
    after(clock, quarter)
    product = {"300.00": cast.device.name}
    report = submit(cast, quarter, [line("Beta Unified", product.get(price, cast.licence.name), q, price)
                                    for q, price in lines])
    assert reconciliation(report).fee == Decimal(fee)
    resolve_all(cast, report)
    with django_capture_on_commit_callbacks(execute=True):
        invoice = fee_invoice_issue(report=report, actor=cast.actor(cast.staff))
    assert (invoice.sales_amount, invoice.fee_rate, invoice.fee_amount) == (Decimal(sales), Decimal(rate), Decimal(fee))
    assert invoice.state == "issued" and invoice.number == f"FEE-{cast.agreement.number}-{quarter.key}"
    assert any(invoice.number in m.subject and "sales@vendor-a.example" in m.to for m in mail.outbox)
    with pytest.raises(ValidationError):
        fee_invoice_issue(report=report, actor=cast.actor(cast.staff))  # once


def test_payment_is_recorded_by_staff(cast, quarter, clock):
    after(clock, quarter)
    invoice = fee_invoice_issue(report=submit(cast, quarter, []), actor=cast.actor(cast.staff))
    with pytest.raises(PermissionDenied):
        fee_invoice_mark_paid(invoice=invoice, payment_reference="x", actor=cast.actor(cast.vendor_user_a))
    with pytest.raises(ValidationError) as exc:
        fee_invoice_mark_paid(invoice=invoice, payment_reference="", actor=cast.actor(cast.staff))
    assert "payment_reference" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        fee_invoice_mark_paid(invoice=invoice, payment_reference="ACH-1", paid_on=clock.today().replace(year=2099),
                              actor=cast.actor(cast.staff))
    assert "paid_on" in exc.value.message_dict
    invoice = fee_invoice_mark_paid(invoice=invoice, payment_reference="ACH-1", actor=cast.actor(cast.staff))
    assert invoice.state == FeeInvoice.State.PAID and invoice.paid_on == clock.today()
    with pytest.raises(ValidationError):
        fee_invoice_mark_paid(invoice=invoice, payment_reference="ACH-2", actor=cast.actor(cast.staff))
    assert list(AuditEvent.objects.filter(object_type="reports.feeinvoice").values_list("action", flat=True)) == [
        AuditAction.FEE_INVOICE_ISSUED, AuditAction.FEE_INVOICE_PAID]


def test_staff_cannot_invoice_for_districts_or_vendors(cast, quarter, clock):
    after(clock, quarter)
    report = submit(cast, quarter, [])
    for user in (cast.vendor_user_a, cast.buyer_a):
        with pytest.raises(PermissionDenied):
            fee_invoice_issue(report=report, actor=cast.actor(user))


# --- Status, derived at read time ------------------------------------------------------------


def test_the_status_of_a_quarter_follows_the_clock(cast, quarter, clock):
    def status():
        return quarter_row(cast.agreement, quarter).status

    assert status() == Status.IN_PROGRESS
    after(clock, quarter)
    assert status() == Status.DUE
    rows = vendor_quarter_rows(cast.vendor_a)
    assert [(r.quarter, r.status) for r in rows][:2] == [(quarter.next(), Status.IN_PROGRESS), (quarter, Status.DUE)]
    clock.set(moment(quarter.due))
    assert status() == Status.DUE  # on the due date itself
    clock.advance(days=1)
    assert status() == Status.OVERDUE and quarter_row(cast.agreement, quarter).days_overdue == 1
    report = submit(cast, quarter, [line("Beta Unified", cast.device.name, 2, "300.00")])
    assert status() == Status.SUBMITTED
    resolve_all(cast, report)
    assert status() == Status.RECONCILED
    invoice = fee_invoice_issue(report=report, actor=cast.actor(cast.staff))
    assert status() == Status.INVOICED
    fee_invoice_mark_paid(invoice=invoice, payment_reference="ACH-9", actor=cast.actor(cast.staff))
    assert status() == Status.PAID
    assert not vendor_quarter_rows(cast.vendor_b) or all(r.agreement.vendor_id == cast.vendor_b.pk
                                                         for r in vendor_quarter_rows(cast.vendor_b))
