"""API for orders, rebate statements and settlements (bodies in `orders.api_schemas`)."""

from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import File, Router, Status
from ninja.files import UploadedFile

from accounts.access import api_roles
from accounts.api_auth import API_AUTH
from accounts.acting import APPROVER, BUYER, STAFF, VENDOR
from catalog.models import Product
from contracts.models import MasterAgreement
from contracts.selectors.agreements import agreement_get
from core.api_types import Filter, Id
from core.csvtext import check_csv_text
from members.models import District
from members.selectors import district_for_actor
from orders import selectors, services
from orders.models import Order
from vendors.selectors import vendor_for_actor
from orders.api_schemas import (OrderCancelIn, OrderIn, OrderOut, RebateStatementRowOut, SettlementIn,
                                SettlementOut)

router = Router(tags=["orders"])


def order_out(o: Order) -> dict:
    return {"id": o.pk, "number": o.number, "district": o.district.name, "agreement": o.agreement.number,
            "agreement_id": o.agreement_id, "state": o.state, "needs_approval": o.needs_approval,
            "reference": o.reference, "total": str(o.total), "submitted_at": o.submitted_at,
            "lines": [{"id": l.pk, "product_id": l.product_id, "product": l.product.name, "line": l.line_reference,
                       "quantity": l.quantity, "list_price": str(l.list_price),
                       "unit_price": None if l.unit_price is None else str(l.unit_price),
                       "amount": None if l.amount is None else str(l.amount), "volume_after": l.volume_after}
                      for l in o.lines.select_related("product")]}


def _agreement(request, agreement_id: int) -> MasterAgreement:
    try:
        return agreement_get(agreement_id=agreement_id, actor=request.actor)
    except MasterAgreement.DoesNotExist:
        raise ValidationError({"agreement_id": "No such agreement."})


def _order(request, order_id: int) -> Order:
    try:
        return selectors.order_for_actor(order_id=order_id, actor=request.actor)
    except Order.DoesNotExist:
        raise Http404("No such order.")


@router.get("/orders", response=list[OrderOut], auth=API_AUTH)
@api_roles(BUYER, APPROVER, VENDOR, STAFF)
def orders(request, state: Filter = ""):
    """Your district's orders; a vendor's orders on its agreements; staff: all."""
    actor = request.actor
    if actor.role == VENDOR:
        qs = selectors.orders_of_vendor(vendor_for_actor(actor))
    elif actor.role == STAFF:
        qs = Order.objects.select_related("district__organisation", "agreement").order_by("-created_at")
    else:
        qs = selectors.orders_of_district(district_for_actor(request.actor))
    if state:
        qs = qs.filter(state=state)
    return [order_out(o) for o in qs[:500]]


@router.post("/orders", response={201: OrderOut}, auth=API_AUTH)
@api_roles(BUYER)
def order_create(request, payload: OrderIn):
    """Create a draft (prices come from the schedule), and submit it at once with submit=true."""
    agreement = _agreement(request, payload.agreement_id)
    products = {p.pk: p for p in Product.objects.filter(pk__in=[l.product_id for l in payload.lines])}
    place = services.order_place if payload.submit else services.order_create
    order = place(district=district_for_actor(request.actor), agreement=agreement, reference=payload.reference,
                  lines=[(products.get(l.product_id), l.quantity) for l in payload.lines], actor=request.actor)
    return Status(201, order_out(order))


@router.post("/agreements/{agreement_id}/orders/csv", response={201: OrderOut}, auth=API_AUTH)
@api_roles(BUYER)
def order_csv(request, agreement_id: Id, file: UploadedFile = File(...)):
    """A draft order from a CSV (product,quantity); every bad row named, nothing saved on error."""
    agreement = _agreement(request, agreement_id)
    text = file.read().decode("utf-8-sig", errors="replace")
    check_csv_text(text)
    lines = services.parse_order_csv(text, agreement)
    order = services.order_create(district=district_for_actor(request.actor), agreement=agreement, lines=lines, actor=request.actor)
    return Status(201, order_out(order))


@router.get("/orders/{order_id}", response=OrderOut, auth=API_AUTH)
@api_roles(BUYER, APPROVER, VENDOR, STAFF)
def order(request, order_id: Id):
    return order_out(_order(request, order_id))


@router.post("/orders/{order_id}/submit", response=OrderOut, auth=API_AUTH)
@api_roles(BUYER)
def order_submit(request, order_id: Id):
    return order_out(services.order_submit(order=_order(request, order_id), actor=request.actor))


@router.post("/orders/{order_id}/approve", response=OrderOut, auth=API_AUTH)
@api_roles(APPROVER)
def order_approve(request, order_id: Id):
    return order_out(services.order_approve(order=_order(request, order_id), actor=request.actor))


@router.post("/orders/{order_id}/acknowledge", response=OrderOut, auth=API_AUTH)
@api_roles(VENDOR)
def order_acknowledge(request, order_id: Id):
    return order_out(services.order_acknowledge(order=_order(request, order_id), actor=request.actor))


@router.post("/orders/{order_id}/fulfil", response=OrderOut, auth=API_AUTH)
@api_roles(VENDOR)
def order_fulfil(request, order_id: Id):
    return order_out(services.order_fulfil(order=_order(request, order_id), actor=request.actor))


@router.post("/orders/{order_id}/cancel", response=OrderOut, auth=API_AUTH)
@api_roles(BUYER, APPROVER, VENDOR, STAFF)
def order_cancel(request, order_id: Id, payload: OrderCancelIn):
    return order_out(services.order_cancel(order=_order(request, order_id), reason=payload.reason, actor=request.actor))


@router.get("/rebates", response=list[RebateStatementRowOut], auth=API_AUTH)
@api_roles(BUYER, APPROVER, VENDOR)
def rebates(request):
    """A district: what vendors owe it; a vendor: what it owes members. Per agreement."""
    if request.actor.role == VENDOR:
        rows = selectors.rebate_statement(vendor=vendor_for_actor(request.actor))
    else:
        rows = selectors.rebate_statement(district=district_for_actor(request.actor))
    return [{"agreement_id": r.agreement_id, "agreement": r.agreement, "counterparty": r.counterparty,
             "district_id": r.district_id, "earned": str(r.earned), "settled": str(r.settled),
             "outstanding": str(r.outstanding)} for r in rows]


@router.post("/settlements", response={201: SettlementOut}, auth=API_AUTH)
@api_roles(VENDOR, STAFF)
def settlement(request, payload: SettlementIn):
    agreement = _agreement(request, payload.agreement_id)
    district = District.objects.filter(pk=payload.district_id).first()
    if district is None:
        raise ValidationError({"district_id": "No such district."})
    s = services.settlement_record(agreement=agreement, district=district, amount=payload.amount,
                                   method=payload.method, reference=payload.reference, actor=request.actor)
    return Status(201, {"id": s.pk, "amount": str(s.amount), "method": s.method, "reference": s.reference})
