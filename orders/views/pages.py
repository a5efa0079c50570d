"""Order pages: place an order on a joined agreement (form or CSV), follow it through its states,
and the rebate statements of members and vendors."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.access import roles
from accounts.acting import APPROVER, BUYER, STAFF, VENDOR
from contracts.selectors.agreements import schedule_rows
from contracts.views.common import get_agreement
from core import clock
from core.limits import QUANTITY_MAX, parse_int
from core.views import run_service
from core.csvtext import check_csv_text
from members.models import District
from members.selectors import district_for_actor
from orders import charts, selectors, services
from orders.models import Order, Settlement
from vendors.selectors import vendor_for_actor


def _error_text(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return " ".join(" ".join(v) if isinstance(v, list) else str(v) for v in exc.message_dict.values())
    return " ".join(exc.messages)


@roles(BUYER)
def order_new(request, agreement_id: int):
    district = district_for_actor(request.actor)
    agreement = get_agreement(request, agreement_id)
    rows = schedule_rows(agreement)
    errors = []
    if request.method == "POST":
        try:
            if request.FILES.get("file"):
                text = request.FILES["file"].read().decode("utf-8-sig", errors="replace")
                check_csv_text(text)
                lines = services.parse_order_csv(text, agreement)
            else:
                lines = []
                for row in rows:
                    raw = request.POST.get(f"qty-{row['product'].pk}", "").strip()
                    if raw and raw != "0":
                        try:
                            lines.append((row["product"], parse_int(raw, field="quantity", maximum=QUANTITY_MAX,
                                                                    what="a whole number of units")))
                        except ValidationError as exc:
                            raise ValidationError({"quantity": f"{row['product'].name}: "
                                                               f"{exc.message_dict['quantity'][0]}"})
            order = services.order_create(district=district, agreement=agreement, lines=lines,
                                          reference=request.POST.get("reference", ""), actor=request.actor)
        except ValidationError as exc:
            errors = exc.message_dict.get("file") if hasattr(exc, "error_dict") and "file" in exc.message_dict \
                else [_error_text(exc)]
        else:
            messages.success(request, f"Draft {order.number} saved. Check it and submit it.")
            return redirect("orders:detail", order_id=order.pk)
    return render(request, "orders/new.html", {"a": agreement, "rows": rows, "errors": errors,
                                               "district": district}, status=400 if errors else 200)


@roles(BUYER, APPROVER, VENDOR, STAFF)
def order_detail(request, order_id: int):
    try:
        order = selectors.order_for_actor(order_id=order_id, actor=request.actor)
    except Order.DoesNotExist:
        raise Http404
    return render(request, "orders/detail.html", {
        "order": order, "lines": order.lines.select_related("product"),
        "actions": selectors.order_actions(order=order, actor=request.actor),
        "awaits_approver": selectors.order_awaits_approver(order),
        "rebates": selectors.rebate_entries(district=order.district).filter(order_line__order=order)})


ACTIONS = {
    "submit": (services.order_submit, "Order submitted and priced."),
    "approve": (services.order_approve, "Order approved; the vendor acknowledges it next."),
    "acknowledge": (services.order_acknowledge, "Order acknowledged."),
    "fulfil": (services.order_fulfil, "Order marked fulfilled."),
}


@roles(BUYER, APPROVER, VENDOR, STAFF)
@require_POST
def order_action(request, order_id: int, action: str):
    try:
        order = selectors.order_for_actor(order_id=order_id, actor=request.actor)
    except Order.DoesNotExist:
        raise Http404
    if action == "cancel":
        done = "Order cancelled."

        def call():
            return services.order_cancel(order=order, reason=request.POST.get("reason", ""), actor=request.actor)
    elif action in ACTIONS:
        service, done = ACTIONS[action]

        def call():
            return service(order=order, actor=request.actor)
    else:
        raise Http404
    return run_service(request, call, success=done,
                       redirect_to=reverse("orders:detail", kwargs={"order_id": order.pk}))


@roles(BUYER, APPROVER)
def district_orders(request):
    district = district_for_actor(request.actor)
    statement = selectors.rebate_statement(district=district)
    spend = selectors.counted_spend(district=district)
    return render(request, "orders/district.html", {
        "district": district, "orders": selectors.orders_of_district(district)[:200],
        "statement": statement, "entries": selectors.rebate_entries(district=district)[:100],
        "rebates_chart": charts.rebates_chart(statement, who=district.name),
        "vendor_chart": charts.spend_by_vendor_chart(spend, who=district.name),
        "month_chart": charts.spend_by_month_chart(spend, who=district.name, today=clock.today())})


@roles(VENDOR)
def vendor_orders(request):
    vendor = vendor_for_actor(request.actor)
    return render(request, "orders/vendor.html", {
        "orders": selectors.orders_of_vendor(vendor)[:200], "statement": selectors.rebate_statement(vendor=vendor),
        "methods": Settlement.Method.choices})


@roles(VENDOR, STAFF)
@require_POST
def settle(request, agreement_id: int, district_id: int):
    agreement = get_agreement(request, agreement_id)
    district = get_object_or_404(District, pk=district_id)
    back = (reverse("orders:vendor") if request.actor.role == VENDOR
            else reverse("contracts:detail", kwargs={"agreement_id": agreement.pk}))
    return run_service(request, lambda: services.settlement_record(
        agreement=agreement, district=district, amount=request.POST.get("amount", ""),
        method=request.POST.get("method", ""), reference=request.POST.get("reference", ""), actor=request.actor),
        success="Settlement recorded.", redirect_to=back)
