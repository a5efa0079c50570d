"""Writes for sales reports: a vendor submits (or replaces, as a new version) its quarterly
report from the web form, a CSV file or the API; EdPool reconciles it with the members' orders
at once; staff resolve the items, issue the administrative-fee invoice and record its payment.
Matching and fee rules: reports.reconcile."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Mapping, Optional, Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.urls import reverse

from accounts.acting import VENDOR, Actor, acts_as, require_staff
from core.formatting import money, percent
from audit.actions import AuditAction
from audit.services import audit_record, snapshot
from catalog.models import Product
from contracts.models import MasterAgreement
from core.money import MoneyError, cents, parse_amount
from core.limits import AMOUNT_MAX, QUANTITY_MAX, UNIT_PRICE_MAX, check_quantity, parse_int
from core.notify import notify
from members.models import District
from orders.selectors import order_lines_in_period
from reports import reconcile as rules
from reports.models import FeeInvoice, ReconciliationItem, SalesReport, SalesReportLine, SalesReportVersion
from reports.quarters import Quarter
from reports.selectors import (agreement_quarters, reportable, reportable_products, schedule_ceilings,
                               staff_emails)
from sourcing.services.common import vendor_emails
from core.locks import lock

MAX_LINES = 50_000
MAX_ERRORS = 100
INVOICE_DUE_DAYS = 30
COLUMNS = ("district", "product", "quantity", "unit_price", "amount", "order_number")
REQUIRED_COLUMNS = ("district", "product", "quantity", "unit_price")
INVOICE_FIELDS = ("number", "state", "sales_amount", "fee_rate", "fee_amount", "due_on", "paid_on",
                  "payment_reference")


def _require_vendor(actor: Actor, agreement: MasterAgreement) -> None:
    if not acts_as(actor, VENDOR, agreement.vendor.organisation):
        raise PermissionDenied(f"Only {agreement.vendor} reports its sales under {agreement.number}.")


# --- Report lines ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportLine:
    """A validated report line: the district and product resolved, money in whole cents."""

    district: District
    district_given: str
    product: Product
    quantity: int
    unit_price: Decimal
    amount: Decimal
    order_number: str = ""


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


TEXT_LIMITS = {"district": 300, "product": 300, "order_number": 40}


def _text_problem(name: str, value: Any) -> str:
    """Why a text cell cannot be used at all (a NUL byte, or far too long), or ""."""
    text = _text(value)
    if "\x00" in text:
        return "Contains a NUL character (\\0); remove it."
    if len(text) > TEXT_LIMITS[name]:
        return f"At most {TEXT_LIMITS[name]:,} characters (this is {len(text):,})."
    return ""


def _money(value: Any) -> Optional[Decimal]:
    """Dollars and cents; "$1,234.50" is accepted, and a negative amount (a credit) within
    AMOUNT_MAX. None when it is not an amount in whole cents (core.money.parse_amount)."""
    if isinstance(value, bool):
        return None
    try:
        return parse_amount(_text(value).replace("$", ""), minimum=-AMOUNT_MAX, maximum=AMOUNT_MAX)
    except MoneyError:
        return None


class _Resolver:
    """Finds the districts and products a batch of lines names, in a few queries."""

    STATE_ID = re.compile(r"^[A-Za-z]{2}-\S+$")

    def __init__(self, agreement: MasterAgreement, rows: Sequence[Mapping[str, Any]]):
        self.products = reportable_products(agreement)
        self.products_by_name: dict[str, list[Product]] = {}
        for product in self.products.values():
            self.products_by_name.setdefault(product.name.strip().lower(), []).append(product)
        refs = {_text(row.get("district")) for row in rows
                if not _text_problem("district", row.get("district"))} - {""}
        state_ids = {r.upper() for r in refs if self.STATE_ID.match(r)}
        digits = {r for r in refs if r.isascii() and r.isdigit()}
        names = {" ".join(r.split()).lower() for r in refs if r.upper() not in state_ids and not (r.isascii() and r.isdigit())}
        qs = District.objects.select_related("organisation")
        self.by_state_id = {d.state_leaid.upper(): d for d in qs.filter(state_leaid__in=state_ids)} if state_ids else {}
        self.by_leaid = ({d.nces_leaid: d for d in qs.filter(nces_leaid__in={r for r in digits if len(r) == 7})}
                         if digits else {})
        self.by_pk = ({str(d.pk): d for d in qs.filter(pk__in=[int(r) for r in digits if len(r) < 10])}
                      if digits else {})
        self.by_name: dict[str, list[District]] = {}
        if names:
            for d in qs.annotate(lname=Lower("organisation__name")).filter(lname__in=names):
                self.by_name.setdefault(d.lname, []).append(d)

    def district(self, ref: str) -> tuple[Optional[District], str]:
        if not ref:
            return None, "Name the district (name, NCES LEAID, state id such as CA-0110017, or EdPool id)."
        if self.STATE_ID.match(ref):
            found = self.by_state_id.get(ref.upper())
        elif ref.isascii() and ref.isdigit():
            found = self.by_leaid.get(ref) or self.by_pk.get(ref)
        else:
            matches = self.by_name.get(" ".join(ref.split()).lower(), [])
            if len(matches) > 1:
                return None, (f"{len(matches)} districts are named {ref!r}: give its NCES LEAID or state id "
                              f"({', '.join(sorted(d.state_leaid or d.nces_leaid or '' for d in matches))}).")
            found = matches[0] if matches else None
        if found is None:
            return None, (f"{ref!r} is not a district EdPool knows (give its name, NCES LEAID, state id such "
                          f"as CA-0110017, or EdPool id).")
        return found, ""

    def product(self, ref: str, agreement: MasterAgreement) -> tuple[Optional[Product], str]:
        if not ref:
            return None, "Name the product (its EdPool id or exact name)."
        if ref.isascii() and ref.isdigit() and int(ref) in self.products:
            return self.products[int(ref)], ""
        matches = self.products_by_name.get(ref.lower(), [])
        if len(matches) == 1:
            return matches[0], ""
        if len(matches) > 1:
            return None, f"Several products are named {ref!r}: give the product id."
        return None, f"{ref!r} is not a product on {agreement.number}'s price schedule."


def _clean_row(resolver: _Resolver, agreement: MasterAgreement, row: Mapping[str, Any]
               ) -> tuple[Optional[ReportLine], dict[str, str]]:
    errors: dict[str, str] = {name: problem for name in TEXT_LIMITS
                              if (problem := _text_problem(name, row.get(name)))}
    given = _text(row.get("district"))
    district = product = None
    if "district" not in errors:
        district, problem = resolver.district(given)
        if problem:
            errors["district"] = problem
    if "product" not in errors:
        product, problem = resolver.product(_text(row.get("product")), agreement)
        if problem:
            errors["product"] = problem
    raw_quantity = row.get("quantity")
    quantity: Optional[int] = None
    try:
        quantity = (check_quantity(raw_quantity, field="quantity") if isinstance(raw_quantity, int)
                    else parse_int(raw_quantity, field="quantity", maximum=QUANTITY_MAX,
                                   what="a whole number of units"))
    except ValidationError as exc:
        errors["quantity"] = exc.message_dict["quantity"][0]
    unit_price = _money(row.get("unit_price"))
    if unit_price is None or not 0 < unit_price <= UNIT_PRICE_MAX:
        errors["unit_price"] = (f"{_text(row.get('unit_price'))[:40]!r} is not a price from $0.01 to "
                                f"{money(UNIT_PRICE_MAX)} in dollars and cents.")
        unit_price = None
    amount: Optional[Decimal] = None
    if _text(row.get("amount")):
        amount = _money(row.get("amount"))
        if amount is None:
            errors["amount"] = (f"{_text(row.get('amount'))[:40]!r} is not an amount in dollars and cents "
                                f"up to {money(AMOUNT_MAX)}.")
        elif quantity is not None and unit_price is not None and amount != cents(quantity * unit_price):
            errors["amount"] = (f"{money(amount)} is not quantity x unit price ({quantity:,} x "
                                f"{money(unit_price)} = {money(cents(quantity * unit_price))}).")
    if quantity is not None and unit_price is not None and "amount" not in errors \
            and cents(quantity * unit_price) > AMOUNT_MAX:
        errors["amount"] = (f"{quantity:,} x {money(unit_price)} is above the {money(AMOUNT_MAX)} one line "
                            f"may be worth.")
    order_number = _text(row.get("order_number"))
    if errors:
        return None, {name: errors[name] for name in COLUMNS if name in errors}
    return ReportLine(district=district, district_given=given[:300], product=product, quantity=quantity,
                      unit_price=unit_price, amount=cents(quantity * unit_price), order_number=order_number), {}


def _clean_rows(agreement: MasterAgreement, rows: Sequence[Mapping[str, Any]]
                ) -> tuple[list[ReportLine], list[tuple[int, str, str]]]:
    """(lines, errors as (row index from 1, field, message))."""
    resolver = _Resolver(agreement, rows)
    lines, errors = [], []
    for index, row in enumerate(rows, start=1):
        line, problems = _clean_row(resolver, agreement, row)
        if line is not None:
            lines.append(line)
        errors.extend((index, f, m) for f, m in problems.items())
    return lines, errors


def clean_report_lines(*, agreement: MasterAgreement, rows: Sequence[Mapping[str, Any]]) -> list[ReportLine]:
    """Validate every line; errors are keyed lines[N].field (N from 1), all at once."""
    if len(rows) > MAX_LINES:
        raise ValidationError({"lines": f"At most {MAX_LINES:,} lines in one report."})
    for row in rows:
        if not isinstance(row, Mapping):
            raise ValidationError({"lines": "Each line is an object with district, product, quantity, "
                                            "unit_price, amount and optionally order_number."})
    lines, errors = _clean_rows(agreement, rows)
    if errors:
        raise ValidationError({f"lines[{i}].{f}": m for i, f, m in errors[:MAX_ERRORS]})
    total = sum((line.amount for line in lines), Decimal("0.00"))
    if total > AMOUNT_MAX:
        raise ValidationError({"lines": f"The report adds up to {money(total)}, above the {money(AMOUNT_MAX)} "
                                        f"one quarter's report may total."})
    return lines


def _column(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", name.strip().lower())


def parse_report_csv(*, text: str, agreement: MasterAgreement) -> list[dict[str, str]]:
    """A CSV with a header row: district, product, quantity, unit_price, amount (optional: it
    must then equal quantity x unit price) and order_number (optional). Every bad row is named by
    its line in the file and the field; nothing is returned unless every row is good. A file with
    the header alone is a report of no sales."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [_column(h or "") for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise ValidationError({"file": [f"line 1: the header needs the columns {', '.join(REQUIRED_COLUMNS)} "
                                        f"(and optionally amount, order_number); missing: {', '.join(missing)}."]})
    reader.fieldnames = header
    rows, numbers = [], []
    try:
        for row in reader:
            values = {c: _text(row.get(c)) for c in COLUMNS}
            if not any(values.values()) and not any(_text(v) for k, v in row.items() if k not in COLUMNS):
                continue
            rows.append(values)
            numbers.append(reader.line_num)
            if len(rows) > MAX_LINES:
                raise ValidationError({"file": [f"At most {MAX_LINES:,} lines in one report."]})
    except csv.Error as exc:  # raised before the reader counts the line it was reading
        raise ValidationError({"file": [f"line {reader.line_num + 1}: the file is not valid CSV ({exc})."]})
    _, errors = _clean_rows(agreement, rows)
    if errors:
        messages = [f"line {numbers[i - 1]}, {f}: {m}" for i, f, m in errors[:MAX_ERRORS]]
        if len(errors) > MAX_ERRORS:
            messages.append(f"... and {len(errors) - MAX_ERRORS} more problems.")
        raise ValidationError({"file": messages})
    return rows


def decode_upload(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError({"file": ["The file is not UTF-8 text: save it as CSV UTF-8."]})


# --- Submitting and reconciling -------------------------------------------------------------


def _signature(item: ReconciliationItem) -> tuple:
    return (item.kind, item.district_id, item.product_id, item.order_id, item.reported_quantity,
            Decimal(item.reported_amount), item.ordered_quantity, Decimal(item.ordered_amount),
            item.expected_unit_price)


def _reconcile(report: SalesReport, version: SalesReportVersion, lines: list[SalesReportLine],
               previous: list[ReconciliationItem], now: dt.datetime) -> dict[str, int]:
    quarter = report.period
    agreement = report.agreement
    reported = [rules.Reported(line.position, line.district_id, line.product_id, line.quantity,
                               line.unit_price, line.amount, line.order_number) for line in lines]
    ordered = [rules.Ordered(line.pk, line.order_id, line.order.number, line.order.district_id, line.product_id,
                             line.quantity, line.unit_price, line.amount)
               for line in order_lines_in_period(agreement=agreement, start=quarter.start, end=quarter.end)]
    ceilings = schedule_ceilings(agreement, quarter)
    findings = rules.reconcile(reported, ordered, ceilings.get)
    carried = {_signature(i): i for i in previous if i.state == ReconciliationItem.State.RESOLVED
               and i.kind != ReconciliationItem.Kind.MATCHED}
    items = []
    for f in findings:
        matched = f.kind == rules.MATCHED
        item = ReconciliationItem(
            report=report, version=version, kind=f.kind, district_id=f.district_id, product_id=f.product_id,
            order_id=f.order_id, report_lines=", ".join(map(str, f.positions))[:1000],
            order_numbers=", ".join(f.order_numbers)[:2000], reported_quantity=f.reported_quantity,
            reported_amount=f.reported_amount, ordered_quantity=f.ordered_quantity,
            ordered_amount=f.ordered_amount, reported_unit_price=f.reported_unit_price,
            expected_unit_price=f.expected_unit_price, detail=f.detail, created_at=now,
            state=ReconciliationItem.State.RESOLVED if matched else ReconciliationItem.State.OPEN,
            resolved_at=now if matched else None)
        earlier = carried.get(_signature(item))
        if earlier is not None:
            item.state, item.resolution_note = ReconciliationItem.State.RESOLVED, earlier.resolution_note
            item.resolved_by_id, item.resolved_at = earlier.resolved_by_id, earlier.resolved_at
            kept = (f" Resolution carried over from version {earlier.version.number}." if earlier.version_id != version.pk
                    else " Resolution kept from the earlier reconciliation of this version.")
            item.detail = (item.detail + kept).strip()
        items.append(item)
    ReconciliationItem.objects.bulk_create(items)
    counts: dict[str, int] = {}
    for item in items:
        counts[item.kind] = counts.get(item.kind, 0) + 1
    counts["open"] = sum(1 for i in items if i.state == ReconciliationItem.State.OPEN)
    return counts


# Reconciling a version again (reports.reconcile_again) uses the same steps.
reconcile_version = _reconcile


def _version_state(version: Optional[SalesReportVersion]) -> Optional[dict[str, Any]]:
    if version is None:
        return None
    return {"version": version.number, "source": version.source, "lines": version.line_count,
            "quantity": version.total_quantity, "amount": str(version.total_amount)}


@transaction.atomic
def sales_report_submit(*, agreement: MasterAgreement, quarter: Quarter, lines: Sequence[Mapping[str, Any]],
                        source: str = SalesReportVersion.Source.API, actor: Actor) -> SalesReport:
    """The vendor's report of its sales under `agreement` in `quarter` (after the quarter ends):
    lines of district, product, quantity, unit price, amount and optional order number; no lines
    reports no sales. A second submission replaces the report as a new version (the old ones
    stay) until the quarter's fee is invoiced. EdPool reconciles it with the orders at once."""
    agreement = (lock(MasterAgreement.objects.all())
                 .select_related("vendor__organisation").get(pk=agreement.pk))
    _require_vendor(actor, agreement)
    today = timezone.localdate()
    if source not in SalesReportVersion.Source.values:
        raise ValidationError({"source": "Form, CSV or API."})
    if not reportable(agreement):
        raise ValidationError({"agreement": f"{agreement.number} has not started: there is nothing to report."})
    if quarter not in agreement_quarters(agreement, today):
        raise ValidationError({"quarter": f"{quarter} is not in {agreement.number}'s term "
                                          f"({agreement.start_date:%Y-%m-%d} to "
                                          f"{agreement.end_date or agreement.terminated_on})."})
    if not quarter.has_ended(today):
        raise ValidationError({"quarter": f"{quarter} ends on {quarter.end:%Y-%m-%d}: report it from the day after."})
    report = (lock(SalesReport.objects.all())
              .filter(agreement=agreement, year=quarter.year, quarter=quarter.number).first())
    if report is not None and FeeInvoice.objects.filter(report=report).exists():
        raise ValidationError({"quarter": f"The fee for {quarter} is invoiced ({report.invoice.number}): the "
                                          f"report can no longer be replaced. Ask consortium staff."})
    clean = clean_report_lines(agreement=agreement, rows=list(lines))
    now = timezone.now()
    previous_version, previous_items = None, []
    if report is None:
        report = SalesReport.objects.create(agreement=agreement, year=quarter.year, quarter=quarter.number,
                                            current_version=1, created_at=now, updated_at=now)
        number = 1
    else:
        previous_version = report.current
        previous_items = list(previous_version.items.select_related("version"))
        number = report.versions.order_by("-number").values_list("number", flat=True).first() + 1
        report.current_version, report.updated_at = number, now
        report.save(update_fields=["current_version", "updated_at"])
    version = SalesReportVersion.objects.create(
        report=report, number=number, source=source, submitted_by=actor.user, submitted_at=now,
        line_count=len(clean), total_quantity=sum(line.quantity for line in clean),
        total_amount=sum((line.amount for line in clean), Decimal("0.00")))
    created = SalesReportLine.objects.bulk_create([
        SalesReportLine(version=version, position=i, district=line.district, district_given=line.district_given,
                        product=line.product, quantity=line.quantity, unit_price=line.unit_price,
                        amount=line.amount, order_number=line.order_number)
        for i, line in enumerate(clean, start=1)])
    counts = _reconcile(report, version, created, previous_items, now)
    after = {**_version_state(version), "quarter": quarter.key, "agreement": agreement.number,
             "late": today > quarter.due, "reconciliation": counts}
    audit_record(actor=actor, action=AuditAction.SALES_REPORT_REPLACED if previous_version else AuditAction.SALES_REPORT_SUBMITTED,
                 obj=report, before=_version_state(previous_version), after=after)
    notify(recipients=staff_emails(),
           subject=f"Sales report {agreement.number} {quarter}" + (f" (version {number})" if number > 1 else ""),
           body=f"{agreement.vendor} reported {money(version.total_amount)} of sales in {quarter} under "
                f"{agreement.number} ({version.line_count} lines). Reconciliation: {counts['open']} item(s) to "
                f"resolve.",
           link=reverse("reports:detail", kwargs={"report_id": report.pk}))
    return report


@transaction.atomic
def reconciliation_item_resolve(*, item: ReconciliationItem, note: str, actor: Actor) -> ReconciliationItem:
    """Staff record how a mismatch was settled; the item is then resolved."""
    require_staff(actor, "resolve reconciliation items")
    item = (lock(ReconciliationItem.objects.all())
            .select_related("report", "version").get(pk=item.pk))
    note = (note or "").strip()
    if item.version.number != item.report.current_version:
        raise ValidationError({"item": f"This item belongs to version {item.version.number}, replaced by "
                                       f"version {item.report.current_version}."})
    if item.state != ReconciliationItem.State.OPEN:
        raise ValidationError({"item": "This item is already resolved."})
    if not note:
        raise ValidationError({"note": "Say how it was resolved."})
    if len(note) > 2000:
        raise ValidationError({"note": "At most 2,000 characters."})
    item.state, item.resolution_note = ReconciliationItem.State.RESOLVED, note
    item.resolved_by, item.resolved_at = actor.user, timezone.now()
    item.save(update_fields=["state", "resolution_note", "resolved_by", "resolved_at"])
    audit_record(actor=actor, action=AuditAction.SALES_REPORT_ITEM_RESOLVED, obj=item.report,
                 before={"item": item.pk, "kind": item.kind, "state": ReconciliationItem.State.OPEN},
                 after={"item": item.pk, "kind": item.kind, "state": item.state, "note": note})
    return item


@transaction.atomic
def fee_invoice_issue(*, report: SalesReport, actor: Actor) -> FeeInvoice:
    """Invoice the quarter's administrative fee once the report is reconciled (no open item):
    the agreement's rate on the reported sales, rounded to the cent half up (reports.reconcile)."""
    require_staff(actor, "issue fee invoices")
    report = (lock(SalesReport.objects.all()).select_related("agreement__vendor")
              .get(pk=report.pk))
    existing = FeeInvoice.objects.filter(report=report).first()
    if existing is not None:
        raise ValidationError({"report": f"The fee for this quarter is already invoiced ({existing.number})."})
    open_items = report.items.filter(version__number=report.current_version,
                                     state=ReconciliationItem.State.OPEN).count()
    if open_items:
        raise ValidationError({"report": f"{open_items} reconciliation item(s) are open: resolve them first."})
    agreement = report.agreement
    version = report.current
    now = timezone.now()
    invoice = FeeInvoice.objects.create(
        number=f"FEE-{agreement.number}-{report.period.key}", report=report, agreement=agreement,
        report_version=version.number, sales_amount=version.total_amount, fee_rate=agreement.admin_fee_rate,
        fee_amount=rules.admin_fee(version.total_amount, agreement.admin_fee_rate), issued_by=actor.user,
        issued_at=now, due_on=timezone.localdate() + dt.timedelta(days=INVOICE_DUE_DAYS))
    audit_record(actor=actor, action=AuditAction.FEE_INVOICE_ISSUED, obj=invoice,
                 after={**snapshot(invoice, INVOICE_FIELDS), "report": report.pk, "report_version": version.number})
    notify(recipients=vendor_emails(agreement.vendor),
           subject=f"Administrative fee invoice {invoice.number}: {money(invoice.fee_amount)}",
           body=f"The administrative fee under {agreement.number} for {report.period}: "
                f"{percent(invoice.fee_percent)} of {money(invoice.sales_amount)} reported sales = "
                f"{money(invoice.fee_amount)}, due {invoice.due_on:%Y-%m-%d}.",
           link=reverse("reports:invoices"))
    return invoice


@transaction.atomic
def fee_invoice_mark_paid(*, invoice: FeeInvoice, payment_reference: str, paid_on: Optional[dt.date] = None,
                          actor: Actor) -> FeeInvoice:
    """Staff record the vendor's payment of an issued invoice."""
    require_staff(actor, "record fee payments")
    invoice = lock(FeeInvoice.objects.all()).get(pk=invoice.pk)
    today = timezone.localdate()
    paid_on = paid_on or today
    reference = (payment_reference or "").strip()
    if invoice.state != FeeInvoice.State.ISSUED:
        raise ValidationError({"invoice": f"{invoice.number} is already paid."})
    errors = {}
    if not reference:
        errors["payment_reference"] = "Give the payment reference (cheque or transfer number)."
    elif len(reference) > 100:
        errors["payment_reference"] = "At most 100 characters."
    if paid_on > today:
        errors["paid_on"] = "The payment date cannot be in the future."
    elif paid_on < timezone.localtime(invoice.issued_at).date():
        errors["paid_on"] = "The payment date cannot be before the invoice was issued."
    if errors:
        raise ValidationError(errors)
    before = snapshot(invoice, INVOICE_FIELDS)
    invoice.state, invoice.paid_on, invoice.payment_reference = FeeInvoice.State.PAID, paid_on, reference
    invoice.paid_recorded_by, invoice.paid_recorded_at = actor.user, timezone.now()
    invoice.save()
    audit_record(actor=actor, action=AuditAction.FEE_INVOICE_PAID, obj=invoice, before=before,
                 after=snapshot(invoice, INVOICE_FIELDS))
    return invoice
