"""Orders drafted: numbered per district and year, checked that the member may order under the
agreement, lines from the page, the API or a CSV file."""

from __future__ import annotations

import csv
import io
from typing import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.acting import BUYER, Actor
from audit.actions import AuditAction
from audit.services import audit_record
from catalog.models import Product
from contracts.models import MasterAgreement
from contracts.selectors.agreements import current_schedule
from contracts.selectors.participation import district_may_order
from core.limits import (QUANTITY_MAX, check_quantity, check_text,
                         parse_int)
from members.models import District
from members.selectors import district_is_member
from orders.models import Order, OrderLine
from orders.selectors import actor_is_district
from orders.states import TRANSITIONS


MAX_ORDER_LINES = 1_000
FIELDS = ("state", "total", "quote_credit", "needs_approval", "submitted_at", "priced_at", "approved_at",
          "acknowledged_at", "fulfilled_at", "cancelled_at", "cancel_reason", "rejected_at", "reject_reason")


def step(order: Order, action: str) -> str:
    """The state `action` leads the order to (orders.states.TRANSITIONS), or a clear refusal."""
    return TRANSITIONS.check(order.state, action, subject=f"order {order.number}")


def _next_number(district: District, skip: int = 0) -> str:
    year = timezone.localdate().year
    count = Order.objects.filter(district=district, created_at__year=year).count()
    return f"PO-{district.pk}-{year}-{count + 1 + skip:04d}"


def _create_numbered(**fields) -> Order:
    """Orders are numbered per district and year. Two drafts created at the same moment may pick
    the same number: the unique index refuses the second, which takes the next one."""
    for attempt in range(20):
        try:
            with transaction.atomic():
                return Order.objects.create(number=_next_number(fields["district"], attempt), **fields)
        except IntegrityError:
            continue
    raise ValidationError("Could not number the order; try again.")


def check_may_order(district: District, agreement: MasterAgreement) -> None:
    if not district_is_member(district):
        raise ValidationError({"agreement": f"{district.name} is not an active member of the consortium "
                                            f"(withdrawn, suspended or not yet admitted), so it cannot order "
                                            f"under {agreement.number}."})
    if not agreement.usable_on():
        raise ValidationError({"agreement": f"{agreement.number} is not in force (it has "
                                            f"{'expired' if agreement.effective_state() == 'expired' else 'not started or ended'})."})
    if not district_may_order(district, agreement):
        raise ValidationError({"agreement": f"{district.name} has not joined {agreement.number}: join it "
                                            f"(participation agreement countersigned by the vendor) first."})


@transaction.atomic
def order_create(*, district: District, agreement: MasterAgreement, lines: Iterable[tuple[Product, int]],
                 reference: str = "", actor: Actor) -> Order:
    """A draft order of products on the agreement's current schedule. Prices are not typed: they
    come from the schedule when the order is submitted."""
    order = draft(district=district, agreement=agreement, lines=lines, reference=reference, actor=actor)
    audit_drafted(order, actor)
    return order


def draft(*, district: District, agreement: MasterAgreement, lines: Iterable[tuple[Product, int]],
           reference: str, actor: Actor) -> Order:
    if not actor_is_district(actor, district, (BUYER,)):
        raise PermissionDenied("Only the district's own buyer places its orders.")
    check_may_order(district, agreement)
    schedule = {e.product_id: e for e in current_schedule(agreement).entries.all()}
    errors: dict[str, list[str]] = {}
    rows = []
    lines = list(lines)
    if len(lines) > MAX_ORDER_LINES:
        raise ValidationError({"lines": f"At most {MAX_ORDER_LINES:,} lines in one order."})
    for i, (product, quantity) in enumerate(lines, start=1):
        entry = schedule.get(product.pk) if product is not None else None
        if entry is None:
            errors[f"lines[{i}].product"] = [f"{product} is not on {agreement.number}'s price schedule."
                                             if product is not None else "Unknown product."]
        try:
            check_quantity(quantity, field=f"lines[{i}].quantity")
        except ValidationError as exc:
            errors.update(exc.message_dict)
        rows.append((entry, product, quantity))
    if not rows:
        errors["lines"] = ["Order at least one product."]
    try:
        reference = check_text(reference, field="reference", max_length=100)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    order = _create_numbered(district=district, agreement=agreement, reference=reference,
                             created_by=actor.user, created_at=timezone.now())
    for entry, product, quantity in rows:
        OrderLine.objects.create(order=order, entry=entry, product=product, line_reference=entry.line_reference,
                                 quantity=quantity, list_price=entry.list_price)
    return order


def audit_drafted(order: Order, actor: Actor) -> None:
    audit_record(actor=actor, action=AuditAction.ORDER_DRAFTED, obj=order,
                 after={"agreement": order.agreement.number, "reference": order.reference,
                        "lines": [[product, quantity] for product, quantity
                                  in order.lines.order_by("pk").values_list("product_id", "quantity")]})


def parse_order_csv(text: str, agreement: MasterAgreement) -> list[tuple[Product, int]]:
    """CSV with a header: product (id or exact name), quantity. Every bad row is named; nothing is
    returned unless every row is good."""
    schedule = {e.product_id: e.product for e in current_schedule(agreement).entries.select_related("product")}
    by_name = {p.name.lower(): p for p in schedule.values()}
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    if "product" not in header or "quantity" not in header:
        raise ValidationError({"file": "The CSV needs a header with the columns product and quantity."})
    reader.fieldnames = header
    errors, rows = [], []
    try:
        for row in reader:
            n = reader.line_num
            ref = (row.get("product") or "").strip()
            product = (schedule.get(int(ref)) if ref.isascii() and ref.isdigit() and len(ref) <= 18
                       else by_name.get(ref.lower()))
            if product is None:
                errors.append(f"line {n}, product: {ref[:60]!r} is not on {agreement.number}'s price schedule")
            try:
                rows.append((product, parse_int(row.get("quantity"), field="quantity", maximum=QUANTITY_MAX,
                                                what="a whole number of units")))
            except ValidationError as exc:
                errors.append(f"line {n}, quantity: {exc.message_dict['quantity'][0]}")
            if len(rows) > MAX_ORDER_LINES:
                errors.append(f"At most {MAX_ORDER_LINES:,} lines in one order.")
                break
    except csv.Error as exc:
        errors.append(f"line {reader.line_num + 1}: the file is not valid CSV ({exc}).")
    if not rows and not errors:
        errors.append("The file has no order lines.")
    if errors:
        raise ValidationError({"file": errors})
    return rows
