"""A buyer's order in a real browser: order -> approve -> vendor acknowledges -> rebate appears
when another member's order reaches a better tier; axe on every page."""

from __future__ import annotations

import pytest

from tests.browser.helpers import axe_violations, login
from tests.cast import PASSWORD

pytestmark = pytest.mark.browser


def check(page, problems: dict, label: str) -> None:
    found = axe_violations(page)
    if found:
        problems[label] = found


def test_order_approve_acknowledge_rebate(cast, clock, joined, live_server, page):  # noqa: F811
    from tests.fixtures.orders import low_limit

    low_limit(cast.district_a)  # 700 devices are above it: the approver approves
    base = live_server.url
    problems: dict[str, list[str]] = {}
    login(page, base, "buyer-a@example.org", PASSWORD)
    page.goto(base + "/my/agreements/")
    page.click("text=Place an order")
    page.wait_for_load_state()
    check(page, problems, "order form")
    page.fill(f"#qty-{cast.device.pk}", "700")
    page.fill("#reference", "PO-2027-001")
    page.click("text=Save the draft order")
    page.wait_for_url("**/orders/**")
    check(page, problems, "draft order")
    order_url = page.url
    page.click("text=Submit the order")
    page.wait_for_load_state()
    assert "Awaiting the approver" in page.content() and "set when approved" in page.content()
    check(page, problems, "submitted order")

    login(page, base, "approver-a@example.org", PASSWORD)
    page.goto(order_url)
    page.click("text=Approve the order")
    page.wait_for_load_state()
    assert "Approved by" in page.content() or "Order approved" in page.content()
    assert "$300.00" in page.content()  # priced and counted when approved

    login(page, base, "sales@vendor-a.example", PASSWORD)
    page.goto(base + "/vendor/orders/")
    check(page, problems, "vendor orders")
    page.goto(order_url)
    page.click("text=Acknowledge the order")
    page.wait_for_load_state()
    assert "Acknowledged by the vendor" in page.content()

    # Another member's order takes the consortium past 1,000 devices: a better tier for everyone.
    from orders.services import order_create, order_submit

    buyer_b = cast.actor(cast.buyer_b)
    order_submit(order=order_create(district=cast.district_b, agreement=cast.agreement,
                                    lines=[(cast.device, 400)], actor=buyer_b), actor=buyer_b)
    login(page, base, "buyer-a@example.org", PASSWORD)
    page.goto(base + "/my/orders/")
    check(page, problems, "statement")
    assert "$7,000.00" in page.content()  # (300 - 290) x 700
    page.goto(order_url)
    assert "True-up" in page.content()
    assert not problems, "\n".join(f"{k}:\n  " + "\n  ".join(v) for k, v in problems.items())
