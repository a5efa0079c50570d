"""Each role's workspace (/home/): where people land, what it lists, and nothing of another
tenant. Sourcing (stages, consensus, evaluators, sealed bids): tests/test_workspaces_sourcing.py."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import Role, RoleAssignment
from orders.models import Order
from tests.cast import PASSWORD
from tests.helpers import login

pytestmark = pytest.mark.django_db


def panel(html: str, key: str) -> str:
    """The HTML of one panel of a workspace page."""
    start = html.index(f'id="panel-{key}"')
    return html[start:html.index("</section>", start)]


def test_sign_in_lands_on_the_workspace_and_home_links_to_it(client, cast):
    response = client.post("/account/login/", {"username": cast.buyer_a.email, "password": PASSWORD})
    assert response.status_code == 302 and response.url == "/home/"
    page = client.get("/").content.decode()
    assert "Go to your workspace" in page and 'href="/home/"' in page
    client.logout()
    assert "Go to your workspace" not in client.get("/").content.decode()
    anonymous = client.get("/home/")
    assert anonymous.status_code == 302 and anonymous.url.startswith("/account/login/")


def test_a_person_with_two_roles_picks_one_then_lands_on_its_workspace(client, cast):
    response = client.post("/account/login/", {"username": cast.multi.email, "password": PASSWORD})
    assert response.status_code == 302 and response.url == "/account/act-as/?next=/home/"
    assert client.get("/home/").url.startswith("/account/act-as/")
    evaluator = cast.multi.role_assignments.get(role=Role.EVALUATOR)
    chosen = client.post("/account/act-as/", {"assignment": evaluator.pk, "next": ""})
    assert chosen.status_code == 302 and chosen.url == "/home/"
    page = client.get("/home/").content.decode()
    assert "Your evaluation work" in page and 'aria-current="page">Home' in page


def test_an_account_without_a_role_is_told_so(client, cast):
    RoleAssignment.objects.filter(user=cast.buyer_b).delete()
    login(client, cast.buyer_b)
    assert "holds no role" in client.get("/home/").content.decode()


def _order_above_the_limit(cast, client):
    """Buyer A places a $210,000 order above district A's $50,000 limit: it waits for approver A."""
    from tests.fixtures.orders import low_limit

    low_limit(cast.district_a)
    login(client, cast.buyer_a)
    client.post(f"/agreements/{cast.agreement.pk}/order/", {f"qty-{cast.device.pk}": "700"})
    order = Order.objects.get(district=cast.district_a)
    client.post(f"/orders/{order.pk}/submit/")
    order.refresh_from_db()
    assert order.state == "awaiting_approval"
    return order


def test_approver_sees_what_waits_with_amount_and_who_asked_and_no_other_district(client, cast, joined):
    order = _order_above_the_limit(cast, client)
    login(client, cast.approver_a)
    waiting = panel(client.get("/home/").content.decode(), "approve-orders")
    assert order.number in waiting and f'href="/orders/{order.pk}/"' in waiting
    assert "Estimated total: $210,000.00" in waiting and "Asked by: Bea Buyer" in waiting
    login(client, cast.approver_b)
    other = client.get("/home/").content.decode()
    assert order.number not in other and "No order waits for your approval." in other
    # Once approved it no longer waits, and the vendor is told to acknowledge it.
    login(client, cast.approver_a)
    client.post(f"/orders/{order.pk}/approve/")
    assert order.number not in client.get("/home/").content.decode()
    login(client, cast.vendor_user_a)
    orders = panel(client.get("/home/").content.decode(), "orders")
    assert order.number in orders and "Acknowledge it" in orders and "$210,000.00" in orders
    login(client, cast.vendor_user_b)
    assert order.number not in client.get("/home/").content.decode()


def test_buyer_sees_orders_by_state_agreements_and_rebates_of_their_district_only(client, cast, joined):
    order = _order_above_the_limit(cast, client)
    page = client.get("/home/").content.decode()
    orders = panel(page, "orders")
    assert order.number in orders and "Awaiting the approver: <strong>1</strong>" in orders
    assert "Waiting for your approver" in orders
    assert cast.agreement.number in panel(page, "agreements")
    assert "Place orders under it" in panel(page, "agreements")
    login(client, cast.buyer_b)
    other = client.get("/home/").content.decode()
    assert order.number not in other and "No order in progress." in other
    # District B's order crosses a tier: district A is owed a rebate, district B is not.
    from orders.services import order_place

    login(client, cast.approver_a)
    client.post(f"/orders/{order.pk}/approve/")
    order_place(district=cast.district_b, agreement=cast.agreement, lines=[(cast.device, 400)],
                actor=cast.actor(cast.buyer_b))
    login(client, cast.buyer_a)
    rebates = panel(client.get("/home/").content.decode(), "rebates")
    assert "Outstanding: $7,000.00" in rebates and cast.agreement.number in rebates  # (300 - 290) x 700
    login(client, cast.buyer_b)
    assert "No rebate is owed to the district." in client.get("/home/").content.decode()


def test_staff_see_agreements_ending_and_invoices_unpaid(client, cast, joined, clock):
    agreement = cast.agreement
    agreement.end_date = clock.today() + dt.timedelta(days=100)
    agreement.save(update_fields=["end_date"])
    login(client, cast.staff)
    page = client.get("/home/").content.decode()
    ending = panel(page, "agreements")
    assert agreement.number in ending and "Renew it (2 renewal options left)" in ending
    from contracts.models import MasterAgreement

    for other in MasterAgreement.objects.exclude(pk=agreement.pk):  # ending in three years
        assert other.number not in ending
    assert "Every invoice is paid." in panel(page, "invoices")


def test_vendor_sees_evidence_expiring_within_90_days_and_never_another_vendors(client, cast, joined):
    from compliance.services.evidence import dpa_create
    from tests.cast import SYSTEM
    from tests.helpers import pdf

    today = timezone.localdate()
    soon = dpa_create(vendor=cast.vendor_a, district=cast.district_a, template="state_variant",
                      state_variant="CSDPA", signed_on=today - dt.timedelta(days=300),
                      expires_on=today + dt.timedelta(days=40), products=[cast.device], document=pdf(),
                      actor=SYSTEM)
    later = dpa_create(vendor=cast.vendor_a, district=cast.district_b, template="state_variant",
                       state_variant="CSDPA", signed_on=today - dt.timedelta(days=10),
                       expires_on=today + dt.timedelta(days=200), products=[cast.device], document=pdf(),
                       actor=SYSTEM)
    login(client, cast.vendor_user_a)
    evidence = panel(client.get("/home/").content.decode(), "evidence")
    assert f"/vendor/evidence/dpas/{soon.pk}/" in evidence
    assert f"/vendor/evidence/dpas/{later.pk}/" not in evidence
    login(client, cast.vendor_user_b)
    assert "No evidence expires within 90 days." in client.get("/home/").content.decode()
