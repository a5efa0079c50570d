"""The approver's list in a real browser: an order and a participation wait for approval; the
approver rejects the order with a reason from the list ("Reject…" opens a small form, no script
needed) and approves the participation; axe on each page."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tests.browser.helpers import axe_violations, login
from tests.cast import PASSWORD

pytestmark = pytest.mark.browser


def test_approve_and_reject_from_the_list(cast, clock, joined, agreements, live_server, page):
    from contracts.models import ParticipationAgreement
    from orders.models import Order
    from orders.services import order_create, order_submit
    from tests.fixtures.orders import low_limit

    low_limit(cast.district_a)
    buyer = cast.actor(cast.buyer_a)
    order = order_submit(order=order_create(district=cast.district_a, agreement=cast.agreement,
                                            lines=[(cast.device, 700)], actor=buyer), actor=buyer)
    joining = ParticipationAgreement.objects.create(
        district=cast.district_a, agreement=agreements[cast.vendor_b.pk], estimated_value=250000,
        needs_approval=True, prepared_by=cast.buyer_a, prepared_at=timezone.now())
    base = live_server.url
    problems: dict[str, list[str]] = {}
    login(page, base, "approver-a@example.org", PASSWORD)
    page.goto(base + "/approvals/")
    problems["list"] = axe_violations(page)
    row = page.locator(f"#order-{order.pk}")
    assert "$210,000.00" in row.inner_text() and "Bea Buyer" in row.inner_text()
    row.locator("summary").click()
    row.locator("textarea").fill("Over this term's budget")
    problems["reject form open"] = axe_violations(page)
    row.locator("button.danger").click()
    page.wait_for_load_state()
    assert "rejected; the buyer is told why" in page.content()
    assert page.locator(f"#order-{order.pk}").count() == 0
    page.locator(f"#participation-{joining.pk} button", has_text="Approve").click()
    page.wait_for_load_state()
    assert "the vendor countersigns next" in page.content()
    assert "No participation agreement waits for your approval." in page.content()
    problems["empty list"] = axe_violations(page)
    page.goto(base + f"/orders/{order.pk}/")
    assert "Rejected by the approver" in page.content() and "Over this term's budget" in page.content()
    problems["rejected order"] = axe_violations(page)
    assert Order.objects.get(pk=order.pk).state == "rejected"
    joining.refresh_from_db()
    assert joining.state == "approved"
    problems = {k: v for k, v in problems.items() if v}
    assert not problems, "\n".join(f"{k}:\n  " + "\n  ".join(v) for k, v in problems.items())
