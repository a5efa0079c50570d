"""An order's life after drafting: submit (counted, or waiting for the approver above the
district's limit), approve, reject, acknowledge, fulfil, cancel (orders.states.TRANSITIONS)."""

from __future__ import annotations

from typing import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.urls import reverse

from accounts.acting import APPROVER, BUYER, STAFF, Actor
from core.formatting import money
from audit.actions import AuditAction, order_vendor_step
from audit.services import audit_record, snapshot
from catalog.models import Product
from contracts.models import MasterAgreement
from contracts.services.volumes import line_volume_change, line_volume_lock
from core.limits import NOTE_MAX, check_text
from core.notify import notify
from members.models import District
from orders.models import Order, RebateEntry, VolumeEvent
from orders.selectors import actor_is_district, actor_is_vendor, order_awaits_approver
from orders.pricing import apply_cancel
from orders.services.counting import (bill, count_order, estimate, volume_event, lock_volumes, placeable_lines,
                                      replay_state, write_credits)
from orders.services.drafts import FIELDS, audit_drafted, draft, step
from orders.states import COUNTING

from core.locks import lock



@transaction.atomic
def order_place(*, district: District, agreement: MasterAgreement, lines: Iterable[tuple[Product, int]],
                reference: str = "", actor: Actor) -> Order:
    """Create and submit in one step: if the submission is refused, no draft is left behind. Its
    audit events are recorded after the pooled volumes are locked (core.locks: the head last)."""
    order = draft(district=district, agreement=agreement, lines=lines, reference=reference, actor=actor)
    order, record_submission = _price_and_count(order=order, actor=actor)
    audit_drafted(order, actor)
    record_submission()
    return order


@transaction.atomic
def order_submit(*, order: Order, actor: Actor) -> Order:
    """Place the order. Within the district's approval limit its lines are priced at the tier the
    consortium's volume reaches with them and counted (earlier orders on those lines get
    true-ups); above it the order waits for the approver and counts nothing until approved, so
    no buyer alone can move the pool's prices."""
    order, record_submission = _price_and_count(order=order, actor=actor)
    record_submission()
    return order


def _price_and_count(*, order: Order, actor: Actor):
    """Lock the order, then its agreement lines' volumes in order of reference (core.locks); count
    it, or leave it waiting for the approver. Returns the order and a function that records the
    audit event and notifies the approver: the caller calls it once it has taken every lock."""
    order = lock(Order.objects.all()).select_related("district__organisation", "agreement__vendor").get(pk=order.pk)
    if not actor_is_district(actor, order.district, (BUYER,)):
        raise PermissionDenied("Only the district's own buyer submits its orders.")
    step(order, "submit")
    lines = placeable_lines(order)
    volumes = lock_volumes(order, lines)
    now = timezone.now()
    before = snapshot(order, FIELDS)
    pooled = estimate(lines, volumes)
    order.submitted_at = now
    bill(order, pooled, lines)  # what the district would pay: the quote caps it
    if order.total > order.district.approval_limit:
        order.state, order.needs_approval = step(order, "submit_for_approval"), True
        all_credits = 0
    else:
        order.state, order.needs_approval = step(order, "submit"), False
        all_credits = count_order(order, lines, volumes, now)
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
    target = step(order, action)
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
    target = step(order, "approve")
    if not order.needs_approval:
        raise ValidationError("This order is within the district's limit and needs no approval.")
    before = snapshot(order, FIELDS)
    now = timezone.now()
    all_credits = 0
    if order.priced_at is None:
        lines = placeable_lines(order)
        all_credits = count_order(order, lines, lock_volumes(order, lines), now)
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
    target = step(order, "reject")
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
    target = step(order, "cancel")
    reason = check_text(reason, field="reason", max_length=NOTE_MAX)
    if not reason:
        raise ValidationError({"reason": "Give the reason for cancelling."})
    now = timezone.now()
    if counted:
        refs = sorted(set(order.lines.values_list("line_reference", flat=True)))
        for ref in refs:
            volume = line_volume_lock(agreement=order.agreement, line_reference=ref)
            state = replay_state(order.agreement, ref, volume.quantity)
            removed, reversals = apply_cancel(state, order.pk)
            line_volume_change(volume=volume, delta=-removed)
            event = volume_event(order.agreement, ref, volume, VolumeEvent.Kind.CANCEL, order, -removed, now)
            write_credits(reversals, event, RebateEntry.Kind.REVERSAL, now)
    before = snapshot(order, FIELDS)
    order.state, order.cancelled_at, order.cancel_reason = target, now, reason
    order.save()
    audit_record(actor=actor, action=AuditAction.ORDER_CANCELLED, obj=order, before=before, after=snapshot(order, FIELDS))
    return order
