"""The approver's list: everything of the district waiting for its approver (orders above the
approval limit, participation agreements above it), with the amount, who asked and when, and a
button to approve or a small form to reject with a reason. Works without JavaScript."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_POST

from accounts.access import roles
from accounts.acting import APPROVER
from contracts.selectors.participation import participation_for_actor
from contracts.selectors.worklists import participations_awaiting_approval
from contracts.services import participation as participation_services
from core.views import run_service
from members.selectors import district_for_actor
from orders import selectors, services
from orders.models import Order


@roles(APPROVER)
def approvals(request):
    district = district_for_actor(request.actor)
    orders = list(selectors.orders_awaiting_approval(district)[:500])
    return render(request, "orders/approvals.html", {
        "district": district,
        "orders": [(o, selectors.order_actions(order=o, actor=request.actor)) for o in orders],
        "participations": list(participations_awaiting_approval(district)[:500])})


def _order_call(request, item_id: int, decision: str):
    try:
        order = selectors.order_for_actor(order_id=item_id, actor=request.actor)
    except Order.DoesNotExist:
        raise Http404
    if decision == "approve":
        return (lambda: services.order_approve(order=order, actor=request.actor),
                f"Order {order.number} approved; it is priced and counted, and the vendor acknowledges it next.")
    return (lambda: services.order_reject(order=order, reason=request.POST.get("reason", ""), actor=request.actor),
            f"Order {order.number} rejected; the buyer is told why.")


def _participation_call(request, item_id: int, decision: str):
    participation = participation_for_actor(participation_id=item_id, actor=request.actor)  # 404 if not ours
    number = participation.agreement.number
    if decision == "approve":
        return (lambda: participation_services.participation_approve(participation=participation,
                                                                     actor=request.actor),
                f"Joining {number} approved; the vendor countersigns next.")
    return (lambda: participation_services.participation_reject(
                participation=participation, reason=request.POST.get("reason", ""), actor=request.actor),
            f"Joining {number} rejected; the buyer is told why and the vendor is not asked to countersign.")


CALLS = {"orders": _order_call, "participations": _participation_call}


@roles(APPROVER)
@require_POST
def approval_decide(request, kind: str, item_id: int, decision: str):
    if kind not in CALLS or decision not in ("approve", "reject"):
        raise Http404
    call, done = CALLS[kind](request, item_id, decision)
    return run_service(request, call, success=done, redirect_to="orders:approvals")
