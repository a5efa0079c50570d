"""Absurd numbers never reach the pool: an order or report line outside the domain bounds is
refused with the field named, nothing is stored or counted, and every page still answers."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from contracts.models import LineVolume
from contracts.selectors.agreements import current_schedule
from core.limits import AMOUNT_MAX, QUANTITY_MAX
from members.services import membership_withdraw
from orders.models import Order, OrderLine
from orders.services import order_create, order_place, order_submit, parse_order_csv
from tests.helpers import login, token


def volumes(agreement) -> dict[str, int]:
    return dict(LineVolume.objects.filter(agreement=agreement).values_list("line_reference", "quantity"))


@pytest.mark.parametrize("quantity", [99_999_999_999_999, 10**12, QUANTITY_MAX + 1, 2**63, 0, -5])
def test_absurd_quantity_through_the_api_is_refused_and_counts_nothing(client, cast, joined, quantity):
    before = volumes(cast.agreement)
    headers = token(cast.buyer_a)
    response = client.post("/api/v1/orders", json.dumps({
        "agreement_id": cast.agreement.pk, "submit": True,
        "lines": [{"product_id": cast.device.pk, "quantity": quantity}]}),
        content_type="application/json", **headers)
    assert response.status_code == 422, response.content
    assert "quantity" in response.content.decode()
    assert Order.objects.count() == 0 and OrderLine.objects.count() == 0
    assert volumes(cast.agreement) == before
    for url in ("/api/v1/orders", f"/api/v1/catalog/{cast.device.pk}"):
        assert client.get(url, **headers).status_code == 200
    login(client, cast.buyer_a)
    for url in ("/my/orders/", f"/agreements/{cast.agreement.pk}/order/", "/catalog/?q=chromebook"):
        assert client.get(url).status_code == 200


def test_absurd_quantity_in_the_service_names_the_line(cast, joined):
    with pytest.raises(ValidationError) as exc:
        order_place(district=cast.district_a, agreement=cast.agreement,
                    lines=[(cast.device, 5), (cast.licence, 99_999_999_999_999)], actor=cast.actor(cast.buyer_a))
    assert "lines[2].quantity" in exc.value.message_dict
    assert Order.objects.count() == 0 and volumes(cast.agreement) == {}


@pytest.mark.parametrize("raw", ["99999999999999", "1000001", "1e6", "-1", "3.5"])
def test_absurd_quantity_in_a_csv_names_the_row(cast, joined, raw):
    with pytest.raises(ValidationError) as exc:
        parse_order_csv(f"product,quantity\n{cast.device.pk},{raw}\n", cast.agreement)
    assert "line 2, quantity" in " ".join(exc.value.message_dict["file"])


def test_absurd_quantity_on_the_order_page(client, cast, joined):
    login(client, cast.buyer_a)
    response = client.post(f"/agreements/{cast.agreement.pk}/order/", {f"qty-{cast.device.pk}": "99999999999999"})
    assert response.status_code == 400
    assert "1,000,000" in response.content.decode()
    assert Order.objects.count() == 0


def test_an_order_worth_more_than_the_money_bound_is_refused_at_submission(cast, joined):
    entry = current_schedule(cast.agreement).entries.get(product=cast.device)
    entry.tiers = [{"min_quantity": 1, "unit_price": "9000000.00"}]
    entry.save(update_fields=["tiers"])
    draft = order_create(district=cast.district_a, agreement=cast.agreement, lines=[(cast.device, 2000)],
                         actor=cast.actor(cast.buyer_a))
    with pytest.raises(ValidationError) as exc:
        order_submit(order=draft, actor=cast.actor(cast.buyer_a))
    assert f"${AMOUNT_MAX:,.2f}" in str(exc.value)
    draft.refresh_from_db()
    assert draft.state == "draft" and volumes(cast.agreement).get("CB", 0) == 0


def test_a_withdrawn_member_cannot_order_on_agreements_it_joined(cast, joined):
    draft = order_create(district=cast.district_a, agreement=cast.agreement, lines=[(cast.device, 5)],
                         actor=cast.actor(cast.buyer_a))
    membership = cast.district_a.memberships.get(state="active")
    membership_withdraw(membership=membership, reason="Leaving", actor=cast.actor(cast.staff))
    with pytest.raises(ValidationError) as exc:
        order_place(district=cast.district_a, agreement=cast.agreement, lines=[(cast.device, 5)],
                    actor=cast.actor(cast.buyer_a))
    assert "not an active member" in str(exc.value)
    with pytest.raises(ValidationError):
        order_submit(order=draft, actor=cast.actor(cast.buyer_a))
    assert volumes(cast.agreement).get("CB", 0) == 0


def test_an_order_above_the_approval_limit_counts_nothing_until_approved(cast, joined):
    """The review's attack: one buyer places a million devices, pushing everyone's price to the
    best tier and earning earlier buyers true-ups, then cancels. Above the district's approval
    limit nothing is priced or counted until the approver approves."""
    from orders.models import RebateEntry
    from orders.selectors import rebates_recompute
    from orders.services import order_approve, order_cancel
    from tests.fixtures.orders import low_limit

    early = order_place(district=cast.district_b, agreement=cast.agreement, lines=[(cast.device, 10)],
                        actor=cast.actor(cast.buyer_b))
    low_limit(cast.district_a)
    huge = order_place(district=cast.district_a, agreement=cast.agreement, lines=[(cast.device, 1_000_000)],
                       actor=cast.actor(cast.buyer_a))
    assert huge.state == "awaiting_approval" and huge.needs_approval and huge.priced_at is None
    assert volumes(cast.agreement)["CB"] == 10 and not RebateEntry.objects.exists()
    assert huge.total == Decimal("280000000.00")  # the estimate, at the tier it would reach
    order_cancel(order=huge, reason="Typo", actor=cast.actor(cast.buyer_a))
    assert volumes(cast.agreement)["CB"] == 10 and not RebateEntry.objects.exists()
    # Approved, it counts then, at the tier reached at approval.
    wanted = order_place(district=cast.district_a, agreement=cast.agreement, lines=[(cast.device, 2000)],
                         actor=cast.actor(cast.buyer_a))
    assert wanted.state == "awaiting_approval" and volumes(cast.agreement)["CB"] == 10
    approved = order_approve(order=wanted, actor=cast.actor(cast.approver_a))
    assert approved.state == "approved" and approved.priced_at is not None
    assert volumes(cast.agreement)["CB"] == 2010 and approved.lines.get().unit_price == Decimal("290.00")
    assert RebateEntry.objects.get().order_line.order == early  # the earlier buyer's true-up
    assert rebates_recompute().ok, rebates_recompute().differences
