"""A form that changes something is sent once (edpool/static/edpool/once.js): a double click on
"Approve" sends one request, and the page still works after it."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tests.browser.helpers import login
from tests.cast import PASSWORD

pytestmark = pytest.mark.browser


def test_a_double_click_sends_one_request(cast, joined, agreements, live_server, page):
    from contracts.models import ParticipationAgreement

    joining = ParticipationAgreement.objects.create(
        district=cast.district_a, agreement=agreements[cast.vendor_b.pk], estimated_value=250000,
        needs_approval=True, prepared_by=cast.buyer_a, prepared_at=timezone.now())
    base = live_server.url
    login(page, base, "approver-a@example.org", PASSWORD)
    page.goto(base + "/approvals/")
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    button = page.locator(f"#participation-{joining.pk} button", has_text="Approve")
    with page.expect_navigation():  # two clicks 30 ms apart, long before the answer comes
        button.evaluate("b => { b.click(); setTimeout(() => b.click(), 30); }")
    page.wait_for_load_state()
    assert "the vendor countersigns next" in page.content()
    assert len(posts) == 1, posts
    joining.refresh_from_db()
    assert joining.state == "approved"
