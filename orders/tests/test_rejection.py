"""The approver rejects an order awaiting approval, with a reason: who may, what it needs, that
it counts nothing, and that the page and the API agree."""

from __future__ import annotations

import json

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from audit.models import AuditEvent
from contracts.models import LineVolume
from orders.models import Order, RebateEntry, VolumeEvent
from orders.selectors import order_lines_in_period, rebates_recompute
from orders.services import order_create, order_reject, order_submit
from tests.fixtures.orders import low_limit
from tests.helpers import login, token


def volumes(agreement) -> dict[str, int]:
    return dict(LineVolume.objects.filter(agreement=agreement).values_list("line_reference", "quantity"))


def awaiting(cast, quantity: int = 700) -> Order:
    """District A's order above its $50,000 limit, waiting for its approver."""
    low_limit(cast.district_a)
    order = order_create(district=cast.district_a, agreement=cast.agreement, lines=[(cast.device, quantity)],
                         reference="PO-REJ", actor=cast.actor(cast.buyer_a))
    order = order_submit(order=order, actor=cast.actor(cast.buyer_a))
    assert order.state == "awaiting_approval" and order.priced_at is None
    return order


def rejections(order: Order) -> int:
    return AuditEvent.objects.filter(action="order.rejected", object_id=str(order.pk)).count()


def test_the_rejected_order_counts_nothing(cast, joined, django_capture_on_commit_callbacks, settings):
    settings.SITE_URL = "https://edpool.example.org"
    counted = order_submit(order=order_create(district=cast.district_b, agreement=cast.agreement,
                                              lines=[(cast.device, 100)], actor=cast.actor(cast.buyer_b)),
                           actor=cast.actor(cast.buyer_b))
    order = awaiting(cast, quantity=2000)  # would cross the 1,000-unit tier and earn B a true-up
    before = volumes(cast.agreement), RebateEntry.objects.count(), VolumeEvent.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        order = order_reject(order=order, reason="  Over this year's budget  ", actor=cast.actor(cast.approver_a))
    assert order.state == "rejected" and order.get_state_display() == "Rejected by the approver"
    assert order.reject_reason == "Over this year's budget" and order.rejected_by == cast.approver_a
    assert order.priced_at is None and order.lines.get().unit_price is None
    assert (volumes(cast.agreement), RebateEntry.objects.count(), VolumeEvent.objects.count()) == before
    assert not VolumeEvent.objects.filter(order=order).exists()
    assert not RebateEntry.objects.filter(district=cast.district_b).exists()  # B earned nothing from it
    assert rebates_recompute().ok
    counted.refresh_from_db()
    assert counted.lines.get().unit_price == 300
    # nor is it a sale the vendor's quarterly report must show
    today = timezone.localdate()
    sold = order_lines_in_period(agreement=cast.agreement, start=today, end=today)
    assert list(sold.values_list("order_id", flat=True)) == [counted.pk]
    # audited, and the buyer who placed it told why, with a link to the order
    event = AuditEvent.objects.get(action="order.rejected", object_id=str(order.pk))
    assert event.after["state"] == "rejected" and event.before["state"] == "awaiting_approval"
    [email] = mail.outbox
    assert email.to == [cast.buyer_a.email] and order.number in email.subject
    assert "Over this year's budget" in email.body and f"(about ${order.total:,.2f})" in email.body
    assert f"https://edpool.example.org/orders/{order.pk}/" in email.body


def test_only_the_districts_approver_rejects_and_only_with_a_reason(cast, joined):
    order = awaiting(cast)
    with pytest.raises(PermissionDenied):
        order_reject(order=order, reason="No", actor=cast.actor(cast.buyer_a))
    with pytest.raises(PermissionDenied):
        order_reject(order=order, reason="No", actor=cast.actor(cast.approver_b))
    for reason in ("", "   ", "bad\x00reason", "x" * 2001):
        with pytest.raises(ValidationError) as exc:
            order_reject(order=order, reason=reason, actor=cast.actor(cast.approver_a))
        assert "reason" in exc.value.message_dict
    order.refresh_from_db()
    assert order.state == "awaiting_approval" and rejections(order) == 0


def test_an_order_within_the_limit_cannot_be_rejected(cast, joined):
    order = order_submit(order=order_create(district=cast.district_a, agreement=cast.agreement,
                                            lines=[(cast.device, 5)], actor=cast.actor(cast.buyer_a)),
                         actor=cast.actor(cast.buyer_a))
    with pytest.raises(ValidationError, match="Cannot reject: order .* is submitted"):
        order_reject(order=order, reason="No", actor=cast.actor(cast.approver_a))


def test_rejecting_through_the_approvals_page(client, cast, joined):
    order = awaiting(cast)
    login(client, cast.approver_a)
    page = client.get("/approvals/").content.decode()
    assert order.number in page and "$210,000.00" in page and "Bea Buyer" in page and "Reject…" in page
    url = f"/approvals/orders/{order.pk}/reject/"
    refused = client.post(url, {"reason": ""}, follow=True).content.decode()
    assert "Give the reason for rejecting" in refused and Order.objects.get(pk=order.pk).state == "awaiting_approval"
    assert client.post(url, {"reason": "Duplicate of PO-12"}).url == "/approvals/"
    again = client.post(url, {"reason": "Duplicate of PO-12"}, follow=True)  # a double click: harmless
    assert again.status_code == 200 and "Cannot reject" in again.content.decode()
    order.refresh_from_db()
    assert order.state == "rejected" and order.reject_reason == "Duplicate of PO-12" and rejections(order) == 1
    assert order.number not in client.get("/approvals/").content.decode()
    detail = client.get(f"/orders/{order.pk}/").content.decode()
    assert "Rejected by the approver" in detail and "Duplicate of PO-12" in detail
    # the buyer may not; another district's approver does not even see it
    login(client, cast.buyer_a)
    assert client.post(url, {"reason": "x"}).status_code == 403
    assert client.post(f"/orders/{order.pk}/reject/", {"reason": "x"}).status_code == 403
    login(client, cast.approver_b)
    assert order.number not in client.get("/approvals/").content.decode()
    assert client.post(url, {"reason": "x"}).status_code == 404


def test_the_order_page_and_the_api_agree(client, cast, joined):
    first, second = awaiting(cast), awaiting(cast)
    login(client, cast.approver_a)
    page = client.get(f"/orders/{first.pk}/").content.decode()
    assert "Reject the order" in page
    client.post(f"/orders/{first.pk}/reject/", {"reason": "Not in the plan"})
    headers = token(cast.approver_a)
    post = lambda oid, body, h=headers: client.post(f"/api/v1/orders/{oid}/reject", data=json.dumps(body),
                                                    content_type="application/json", **h)
    assert post(second.pk, {}).status_code == 422  # the reason is required
    assert post(second.pk, {"reason": " "}).status_code == 422
    assert post(second.pk, {"reason": "x"}, token(cast.buyer_a)).status_code == 403
    assert post(second.pk, {"reason": "x"}, token(cast.approver_b)).status_code == 404
    done = post(second.pk, {"reason": "Not in the plan"})
    assert done.status_code == 200, done.content
    body = done.json()
    assert body["state"] == "rejected" and body["reject_reason"] == "Not in the plan" and body["rejected_at"]
    assert all(line["unit_price"] is None for line in body["lines"])
    assert post(second.pk, {"reason": "Not in the plan"}).status_code == 422  # twice: refused, unchanged
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, first.reject_reason) == (second.state, second.reject_reason) == ("rejected",
                                                                                          "Not in the plan")
    assert rejections(first) == rejections(second) == 1
    assert client.get(f"/api/v1/orders/{second.pk}", **headers).json()["state"] == "rejected"
