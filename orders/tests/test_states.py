"""The order state machine: the table spelled out, and every step it refuses refused by its
service (nothing saved, nothing audited)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditEvent
from orders.models import Order
from orders.services import (order_acknowledge, order_approve, order_cancel, order_create,
                             order_fulfil, order_submit)
from orders.states import TRANSITIONS, OrderState as S

EXPECTED = {  # (from state, action) -> to state; every other pair is refused
    (S.DRAFT, "submit"): S.SUBMITTED,
    (S.DRAFT, "submit_for_approval"): S.AWAITING_APPROVAL,
    (S.AWAITING_APPROVAL, "approve"): S.APPROVED,
    (S.SUBMITTED, "approve"): S.APPROVED,
    (S.SUBMITTED, "acknowledge"): S.ACKNOWLEDGED,
    (S.APPROVED, "acknowledge"): S.ACKNOWLEDGED,
    (S.ACKNOWLEDGED, "fulfil"): S.FULFILLED,
    **{(state, "cancel"): S.CANCELLED for state in
       (S.DRAFT, S.AWAITING_APPROVAL, S.SUBMITTED, S.APPROVED, S.ACKNOWLEDGED)},
}


def test_the_table_is_the_rule():
    assert TRANSITIONS.moves() == EXPECTED


def test_every_state_is_reachable():
    assert TRANSITIONS.unreachable() == []


def take(cast, order: Order, action: str) -> None:
    if action in ("submit", "submit_for_approval"):
        order_submit(order=order, actor=cast.actor(cast.buyer_a))
    elif action == "approve":
        order_approve(order=order, actor=cast.actor(cast.approver_a))
    elif action == "acknowledge":
        order_acknowledge(order=order, actor=cast.actor(cast.vendor_user_a))
    elif action == "fulfil":
        order_fulfil(order=order, actor=cast.actor(cast.vendor_user_a))
    else:
        assert action == "cancel"
        order_cancel(order=order, reason="Not needed", actor=cast.actor(cast.staff))


@pytest.mark.parametrize("state", S.values)
def test_every_refused_step_is_refused_by_its_service(cast, joined, state):
    order = order_create(district=cast.district_a, agreement=cast.agreement, lines=[(cast.device, 5)],
                         actor=cast.actor(cast.buyer_a))
    Order.objects.filter(pk=order.pk).update(state=state)
    audited = AuditEvent.objects.count()
    refused = [action for refused_state, action in TRANSITIONS.refused() if refused_state == state]
    assert refused, "every state refuses something"
    for action in refused:
        with pytest.raises(ValidationError) as exc:
            take(cast, order, action)
        message = " ".join(exc.value.messages)
        assert message.startswith("Cannot ") and f"order {order.number} is" in message, message
        assert S(state).label.lower() in message.lower()
        order.refresh_from_db()
        assert order.state == state
    assert AuditEvent.objects.count() == audited


@pytest.mark.parametrize("state, needs_approval, expected", [
    (S.DRAFT, False, {"buyer_a": {"submit", "cancel"}, "approver_a": {"cancel"}, "staff": {"cancel"},
                      "vendor_user_a": {"cancel"}}),
    (S.AWAITING_APPROVAL, True, {"buyer_a": {"cancel"}, "approver_a": {"approve", "cancel"},
                                 "vendor_user_a": {"cancel"}}),
    (S.SUBMITTED, True, {"approver_a": {"approve", "cancel"}, "vendor_user_a": {"cancel"}}),
    (S.SUBMITTED, False, {"approver_a": {"cancel"}, "vendor_user_a": {"acknowledge", "cancel"}}),
    (S.APPROVED, True, {"approver_a": {"cancel"}, "vendor_user_a": {"acknowledge", "cancel"}}),
    (S.ACKNOWLEDGED, False, {"buyer_a": {"cancel"}, "vendor_user_a": {"fulfil", "cancel"},
                             "staff": {"cancel"}}),
    (S.FULFILLED, False, {"buyer_a": set(), "vendor_user_a": set(), "staff": set()}),
    (S.CANCELLED, False, {"buyer_a": set(), "approver_a": set()}),
])
def test_the_order_page_offers_the_steps_its_services_take(cast, joined, state, needs_approval,
                                                           expected):
    from orders.selectors import order_actions

    order = order_create(district=cast.district_a, agreement=cast.agreement, lines=[(cast.device, 5)],
                         actor=cast.actor(cast.buyer_a))
    Order.objects.filter(pk=order.pk).update(state=state, needs_approval=needs_approval)
    order.refresh_from_db()
    for who, actions in expected.items():
        assert set(order_actions(order=order, actor=cast.actor(getattr(cast, who)))) == actions, who
    # another district's buyer is offered nothing
    assert order_actions(order=order, actor=cast.actor(cast.buyer_b)) == {}
