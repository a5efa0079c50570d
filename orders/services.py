"""Orders: create, submit (priced by pooled volume, true-ups for earlier buyers), approve,
acknowledge, fulfil, cancel; CSV upload of lines; settlements of rebates."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import TYPE_CHECKING, Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Min, Q, Sum
from django.utils import timezone
from django.urls import reverse

from accounts.acting import APPROVER, BUYER, STAFF, Actor
from core.formatting import money
from audit.actions import AuditAction, order_vendor_step
from audit.services import audit_record, snapshot
from catalog.models import Product
from contracts.models import MasterAgreement
from core.money import allocate, cents
from core.tiers import tier_at
from contracts.selectors.agreements import current_schedule
from contracts.selectors.participation import district_may_order
from contracts.services.volumes import line_volume_change, line_volume_lock
from core.limits import (AMOUNT_MAX, NOTE_MAX, QUANTITY_MAX, check_money, check_quantity, check_text,
                         parse_int)
from core.notify import notify
from members.models import District
from members.selectors import district_is_member
from orders.models import Order, OrderLine, RebateEntry, Settlement, VolumeEvent
from orders.quotes import quote_comparison, quote_credit
from orders.selectors import actor_is_district, actor_is_vendor, order_awaits_approver
from orders.pricing import CountedLine, LineReplay, apply_cancel, apply_order, crosses_a_tier
from orders.states import COUNTING, TRANSITIONS

if TYPE_CHECKING:  # pragma: no cover
    from contracts.models import LineVolume
from core.locks import lock

MAX_ORDER_LINES = 1_000
FIELDS = ("state", "total", "quote_credit", "needs_approval", "submitted_at", "priced_at", "approved_at",
          "acknowledged_at", "fulfilled_at", "cancelled_at", "cancel_reason", "rejected_at", "reject_reason")


def _step(order: Order, action: str) -> str:
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


def _check_may_order(district: District, agreement: MasterAgreement) -> None:
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
    order = _draft(district=district, agreement=agreement, lines=lines, reference=reference, actor=actor)
    _audit_drafted(order, actor)
    return order


@transaction.atomic
def order_place(*, district: District, agreement: MasterAgreement, lines: Iterable[tuple[Product, int]],
                reference: str = "", actor: Actor) -> Order:
    """Create and submit in one step: if the submission is refused, no draft is left behind. Its
    audit events are recorded after the pooled volumes are locked (core.locks: the head last)."""
    order = _draft(district=district, agreement=agreement, lines=lines, reference=reference, actor=actor)
    order, record_submission = _price_and_count(order=order, actor=actor)
    _audit_drafted(order, actor)
    record_submission()
    return order


def _draft(*, district: District, agreement: MasterAgreement, lines: Iterable[tuple[Product, int]],
           reference: str, actor: Actor) -> Order:
    if not actor_is_district(actor, district, (BUYER,)):
        raise PermissionDenied("Only the district's own buyer places its orders.")
    _check_may_order(district, agreement)
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


def _audit_drafted(order: Order, actor: Actor) -> None:
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


def _replay_state(agreement: MasterAgreement, line_reference: str, volume: int) -> LineReplay:
    """The live state of one agreement line, rebuilt from counted order lines and the ledger."""
    state = LineReplay(volume=volume)
    lines = (OrderLine.objects.filter(order__agreement=agreement, line_reference=line_reference,
                                      order__state__in=COUNTING)
             .select_related("entry")
             .annotate(credited=Sum("rebates__amount", filter=Q(rebates__kind=RebateEntry.Kind.TRUE_UP)),
                       best=Min("rebates__unit_price_to", filter=Q(rebates__kind=RebateEntry.Kind.TRUE_UP))))
    for line in lines:
        best = min(line.unit_price, line.best) if line.best is not None else line.unit_price
        state.count(CountedLine(line.pk, line.order_id, line.entry.tiers, line.quantity,
                                line.unit_price, best, line.credited or Decimal(0), line.quote_credit))
    return state


def _tiers_on_line(agreement: MasterAgreement, line_reference: str) -> list[list]:
    """Every tier list ever scheduled on this agreement line (all schedule versions): a superset
    of those of the counted order lines, and small."""
    from contracts.models import ScheduleEntry

    return list(ScheduleEntry.objects.filter(version__agreement=agreement, line_reference=line_reference)
                .values_list("tiers", flat=True))


def _event(agreement, line_reference: str, volume, kind: str, order: Order, delta: int, now) -> VolumeEvent:
    last = VolumeEvent.objects.filter(agreement=agreement, line_reference=line_reference).order_by("-seq").first()
    return VolumeEvent.objects.create(agreement=agreement, line_reference=line_reference,
                                      seq=(last.seq + 1) if last else 1, kind=kind, order=order, delta=delta,
                                      volume_after=volume.quantity, at=now)


def _write_credits(credits, event: VolumeEvent, kind: str, now) -> list[RebateEntry]:
    entries = []
    lines = {line.pk: line for line in OrderLine.objects.filter(pk__in=[c.line_id for c in credits])
             .select_related("order")}
    for credit in credits:
        line = lines[credit.line_id]
        entries.append(RebateEntry(district_id=line.order.district_id, agreement_id=line.order.agreement_id,
                                   kind=kind, order_line=line, event=event, unit_price_from=credit.price_from,
                                   unit_price_to=credit.price_to, amount=credit.amount, created_at=now))
    return RebateEntry.objects.bulk_create(entries)


def _check_worth(lines: list[OrderLine]) -> None:
    """Before anything is counted: the order, priced at the dearest tier of each line, stays
    within the money bound (so no total can overflow, whatever tier the volume reaches)."""
    worst = sum((max(Decimal(str(t["unit_price"])) for t in line.entry.tiers) * line.quantity
                 for line in lines), Decimal(0))
    if worst > AMOUNT_MAX:
        raise ValidationError({"lines": f"This order could cost up to {money(worst)}, above the "
                                        f"{money(AMOUNT_MAX)} any one order may be worth: split it or "
                                        f"lower the quantities."})


@transaction.atomic
def order_submit(*, order: Order, actor: Actor) -> Order:
    """Place the order. Within the district's approval limit its lines are priced at the tier the
    consortium's volume reaches with them and counted (earlier orders on those lines get
    true-ups); above it the order waits for the approver and counts nothing until approved, so
    no buyer alone can move the pool's prices."""
    order, record_submission = _price_and_count(order=order, actor=actor)
    record_submission()
    return order


def _lock_volumes(order: Order, lines: list[OrderLine]) -> dict[str, LineVolume]:
    """Lock the order's agreement lines' volumes, in order of reference (core.locks)."""
    return {ref: line_volume_lock(agreement=order.agreement, line_reference=ref)
            for ref in sorted({line.line_reference for line in lines})}


def _estimate(lines: list[OrderLine], volumes: dict[str, LineVolume]) -> Decimal:
    """What the order would cost if counted now (the volumes are locked: exact)."""
    added: dict[str, int] = {}
    for line in lines:
        added[line.line_reference] = added.get(line.line_reference, 0) + line.quantity
    return sum((cents(tier_at(line.entry.tiers, volumes[line.line_reference].quantity
                              + added[line.line_reference]).unit_price * line.quantity) for line in lines),
               Decimal(0))


def _count(order: Order, lines: list[OrderLine], volumes: dict[str, LineVolume], now) -> int:
    """Price the order's lines at the tier the volume reaches with them, bill the order (a quote
    may cap it: each line's share of the cap is stored as its quote credit), add the lines to the
    volume with their events and the true-ups they earn earlier orders. Returns the number of
    true-ups."""
    by_ref: dict[str, list[OrderLine]] = {}
    for line in lines:
        by_ref.setdefault(line.line_reference, []).append(line)
    for ref, ref_lines in by_ref.items():
        reached = volumes[ref].quantity + sum(line.quantity for line in ref_lines)
        for line in ref_lines:
            line.unit_price = tier_at(line.entry.tiers, reached).unit_price
            line.amount = cents(line.unit_price * line.quantity)
            line.volume_after = reached
    _bill(order, sum((line.amount for line in lines), Decimal(0)), lines)
    for line, share in zip(lines, allocate(order.quote_credit, [line.amount for line in lines])):
        line.quote_credit = share
    all_credits = 0
    for ref in sorted(by_ref):
        volume = volumes[ref]
        new_lines = [(l.pk, l.entry.tiers, l.quantity) for l in by_ref[ref]]
        added = sum(q for _, _, q in new_lines)
        if crosses_a_tier(_tiers_on_line(order.agreement, ref) + [t for _, t, _ in new_lines],
                          volume.quantity, volume.quantity + added):
            state = _replay_state(order.agreement, ref, volume.quantity)
        else:  # no better tier reached: nobody earlier is owed anything; no need for the history
            state = LineReplay(volume=volume.quantity)
        priced, credits = apply_order(state, order.pk, new_lines,
                                      prepaid={l.pk: l.quote_credit for l in by_ref[ref]})
        line_volume_change(volume=volume, delta=added)
        event = _event(order.agreement, ref, volume, VolumeEvent.Kind.ORDER, order, added, now)
        prices = {p.line_id: p for p in priced}
        for line in by_ref[ref]:
            if line.unit_price != prices[line.pk].unit_price:  # one rule, two readings: never
                raise RuntimeError(f"Order line {line.pk}: priced {line.unit_price}, replay "
                                   f"{prices[line.pk].unit_price}.")
            line.save(update_fields=["unit_price", "amount", "volume_after", "quote_credit"])
        _write_credits(credits, event, RebateEntry.Kind.TRUE_UP, now)
        all_credits += len(credits)
    order.priced_at = now
    return all_credits


def _bill(order: Order, pooled_total: Decimal, lines: list[OrderLine]) -> None:
    """The order's total: its pooled price, at most the mini-competition quote it carries
    (orders.quotes)."""
    comparison = quote_comparison(order, lines)
    order.quote = comparison.quote if comparison is not None and comparison.applies else None
    order.quote_credit = quote_credit(pooled_total, comparison)
    order.total = pooled_total - order.quote_credit


def _placeable_lines(order: Order) -> list[OrderLine]:
    """The order's lines, checked again at the moment it is counted: the member may still order
    under the agreement, the schedule has not changed, the worth stays within bounds."""
    _check_may_order(order.district, order.agreement)
    current = {e.pk for e in current_schedule(order.agreement).entries.all()}
    lines = list(order.lines.select_related("entry", "product").order_by("pk"))
    stale = [line.product.name for line in lines if line.entry_id not in current]
    if stale:
        raise ValidationError({"lines": "The price schedule changed since this draft; re-create it. "
                                        "Products: " + ", ".join(stale)})
    _check_worth(lines)
    return lines


def _price_and_count(*, order: Order, actor: Actor):
    """Lock the order, then its agreement lines' volumes in order of reference (core.locks); count
    it, or leave it waiting for the approver. Returns the order and a function that records the
    audit event and notifies the approver: the caller calls it once it has taken every lock."""
    order = lock(Order.objects.all()).select_related("district__organisation", "agreement__vendor").get(pk=order.pk)
    if not actor_is_district(actor, order.district, (BUYER,)):
        raise PermissionDenied("Only the district's own buyer submits its orders.")
    _step(order, "submit")
    lines = _placeable_lines(order)
    volumes = _lock_volumes(order, lines)
    now = timezone.now()
    before = snapshot(order, FIELDS)
    estimate = _estimate(lines, volumes)
    order.submitted_at = now
    _bill(order, estimate, lines)  # what the district would pay: the quote caps it
    if order.total > order.district.approval_limit:
        order.state, order.needs_approval = _step(order, "submit_for_approval"), True
        all_credits = 0
    else:
        order.state, order.needs_approval = _step(order, "submit"), False
        all_credits = _count(order, lines, volumes, now)
    order.save()

    def record_submission() -> None:
        after = snapshot(order, FIELDS)
        if order.priced_at is not None:
            after.update({"prices": {l.pk: str(l.unit_price) for l in lines},
                          "true_ups_for_earlier_orders": all_credits})
        else:
            after["estimated_total"] = str(order.total)
        if order.quote_id is not None:
            after["quote"] = order.quote_id
        audit_record(actor=actor, action=AuditAction.ORDER_SUBMITTED, obj=order, before=before, after=after)
        if order.needs_approval:
            from accounts.selectors import users_of_organisation
            notify(recipients=[a.user.email for a in users_of_organisation(order.district.organisation)
                               if a.role == APPROVER],
                   subject=f"Approve order {order.number} (about {money(order.total)})",
                   body=f"{order.number} under {order.agreement.number} is above your approval limit. It "
                        f"counts toward the consortium's volume, and is priced, when you approve it.",
                   link=reverse("orders:detail", kwargs={"order_id": order.pk}))

    return order, record_submission


def _vendor_step(order: Order, actor: Actor, action: str, stamp: str) -> Order:
    order = lock(Order.objects.all()).select_related("district", "agreement__vendor").get(pk=order.pk)
    if not actor_is_vendor(actor, order.agreement):
        raise PermissionDenied("Only the agreement's vendor may do this.")
    if action == "acknowledge" and order_awaits_approver(order):
        raise ValidationError("The district's approver must approve this order first.")
    target = _step(order, action)
    before = snapshot(order, FIELDS)
    order.state = target
    setattr(order, stamp, timezone.now())
    order.save()
    audit_record(actor=actor, action=order_vendor_step(target), obj=order, before=before, after=snapshot(order, FIELDS))
    return order


@transaction.atomic
def order_approve(*, order: Order, actor: Actor) -> Order:
    """The approver approves an order above the district's limit: it is priced at the tier the
    volume reaches now and counted (earlier orders get their true-ups)."""
    order = lock(Order.objects.all()).select_related("district__organisation", "agreement__vendor").get(pk=order.pk)
    if not actor_is_district(actor, order.district, (APPROVER,)):
        raise PermissionDenied("Only the district's approver approves its orders.")
    target = _step(order, "approve")
    if not order.needs_approval:
        raise ValidationError("This order is within the district's limit and needs no approval.")
    before = snapshot(order, FIELDS)
    now = timezone.now()
    all_credits = 0
    if order.priced_at is None:
        lines = _placeable_lines(order)
        all_credits = _count(order, lines, _lock_volumes(order, lines), now)
    order.state, order.approved_by, order.approved_at = target, actor.user, now
    order.save()
    audit_record(actor=actor, action=AuditAction.ORDER_APPROVED, obj=order, before=before,
                 after={**snapshot(order, FIELDS), "true_ups_for_earlier_orders": all_credits})
    return order


@transaction.atomic
def order_reject(*, order: Order, reason: str, actor: Actor) -> Order:
    """The approver rejects an order awaiting approval, giving the reason. It was never priced nor
    counted, so nothing moves in the pooled volume or the rebate ledger; the buyer who placed it
    is told why, with a link to the order."""
    order = lock(Order.objects.all()).select_related("district__organisation", "agreement__vendor",
                                                     "created_by").get(pk=order.pk)
    if not actor_is_district(actor, order.district, (APPROVER,)):
        raise PermissionDenied("Only the district's approver rejects its orders.")
    target = _step(order, "reject")
    if not order.needs_approval or order.priced_at is not None:  # defensive: the table allows none
        raise ValidationError("Only an order awaiting its approver, not yet counted, may be rejected.")
    reason = check_text(reason, field="reason", max_length=NOTE_MAX)
    if not reason:
        raise ValidationError({"reason": "Give the reason for rejecting, for the buyer to read."})
    before = snapshot(order, FIELDS)
    order.state, order.rejected_by, order.rejected_at, order.reject_reason = (target, actor.user, timezone.now(),
                                                                              reason)
    order.save()
    audit_record(actor=actor, action=AuditAction.ORDER_REJECTED, obj=order, before=before,
                 after=snapshot(order, FIELDS))
    notify(recipients=[order.created_by.email],
           subject=f"Order {order.number} was rejected by your approver",
           body=f"{order.number} under {order.agreement.number} (about {money(order.total)}) was rejected "
                f"by {order.district.name}'s approver. Nothing was counted or priced.\n\n"
                f"Reason: {reason}",
           link=reverse("orders:detail", kwargs={"order_id": order.pk}))
    return order


@transaction.atomic
def order_acknowledge(*, order: Order, actor: Actor) -> Order:
    return _vendor_step(order, actor, "acknowledge", "acknowledged_at")


@transaction.atomic
def order_fulfil(*, order: Order, actor: Actor) -> Order:
    return _vendor_step(order, actor, "fulfil", "fulfilled_at")


@transaction.atomic
def order_cancel(*, order: Order, reason: str, actor: Actor) -> Order:
    """Cancel before fulfilment. A placed order leaves the volume and its own true-ups are
    reversed; what other members earned stays earned (see orders.pricing)."""
    order = lock(Order.objects.all()).select_related("district__organisation", "agreement__vendor").get(pk=order.pk)
    if not (actor_is_district(actor, order.district, (BUYER, APPROVER)) or actor_is_vendor(actor, order.agreement)
            or actor.role == STAFF):
        raise PermissionDenied("Only the district, the vendor or consortium staff may cancel this order.")
    counted = order.state in COUNTING and order.priced_at is not None
    target = _step(order, "cancel")
    reason = check_text(reason, field="reason", max_length=NOTE_MAX)
    if not reason:
        raise ValidationError({"reason": "Give the reason for cancelling."})
    now = timezone.now()
    if counted:
        refs = sorted(set(order.lines.values_list("line_reference", flat=True)))
        for ref in refs:
            volume = line_volume_lock(agreement=order.agreement, line_reference=ref)
            state = _replay_state(order.agreement, ref, volume.quantity)
            removed, reversals = apply_cancel(state, order.pk)
            line_volume_change(volume=volume, delta=-removed)
            event = _event(order.agreement, ref, volume, VolumeEvent.Kind.CANCEL, order, -removed, now)
            _write_credits(reversals, event, RebateEntry.Kind.REVERSAL, now)
    before = snapshot(order, FIELDS)
    order.state, order.cancelled_at, order.cancel_reason = target, now, reason
    order.save()
    audit_record(actor=actor, action=AuditAction.ORDER_CANCELLED, obj=order, before=before, after=snapshot(order, FIELDS))
    return order


@transaction.atomic
def settlement_record(*, agreement: MasterAgreement, district: District, amount, method: str,
                      reference: str, actor: Actor) -> Settlement:
    """The vendor (or staff) records a credit note or payment of rebates owed to a member."""
    if not (actor_is_vendor(actor, agreement) or actor.role == STAFF):
        raise PermissionDenied("Only the agreement's vendor or consortium staff record settlements.")
    amount = check_money(amount, field="amount", allow_zero=False)
    if method not in Settlement.Method.values:
        raise ValidationError({"method": "Credit note or payment."})
    reference = check_text(reference, field="reference", max_length=100, required=True)
    entries = RebateEntry.objects.filter(agreement=agreement, district=district)
    list(lock(entries.order_by("pk")).values_list("pk", flat=True))  # lock the ledger rows, in key order
    earlier = Settlement.objects.filter(agreement=agreement, district=district, reference__iexact=reference).first()
    if earlier is not None:  # a double click, or the same credit note entered twice
        raise ValidationError({"reference": f"{earlier.get_method_display()} {earlier.reference} of "
                                            f"{money(earlier.amount)} is already recorded for {district.name} "
                                            f"under {agreement.number}."})
    owed = cents(entries.aggregate(total=Sum("amount"))["total"] or Decimal(0))
    if amount > owed:
        raise ValidationError({"amount": f"Only {money(owed)} is owed to {district.name} under {agreement.number}."})
    settlement = Settlement.objects.create(agreement=agreement, district=district, amount=amount, method=method,
                                           reference=reference, recorded_by=actor.user,
                                           recorded_at=timezone.now())
    RebateEntry.objects.create(district=district, agreement=agreement, kind=RebateEntry.Kind.SETTLEMENT,
                               settlement=settlement, amount=-amount, created_at=settlement.recorded_at)
    audit_record(actor=actor, action=AuditAction.REBATE_SETTLED, obj=settlement,
                 after={"agreement": agreement.number, "district": district.name, "amount": str(amount),
                        "method": method, "reference": settlement.reference})
    return settlement
