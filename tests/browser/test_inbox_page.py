"""The inbox in a real browser: the header's count and its accessible name, the list (axe), and
opening a notice goes to its page and lowers the count."""

from __future__ import annotations

import pytest

from inbox.tests.conftest import add_notices
from tests.browser.helpers import axe_violations, login
from tests.cast import PASSWORD

pytestmark = pytest.mark.browser


def test_inbox_header_list_and_open(cast, live_server, page):
    # `cast` first (database before Playwright's event loop, see test_accessibility.py)
    add_notices(cast.staff, 2, read=True)
    add_notices(cast.staff, 3, link="/memberships/", after_minutes=10)
    base = live_server.url
    login(page, base, cast.staff.email, PASSWORD)
    header = page.get_by_role("link", name="Inbox, 3 unread")
    assert header.inner_text() == "Inbox (3)"
    header.click()
    page.wait_for_url(base + "/inbox/")
    assert axe_violations(page) == []
    assert page.locator("li.notice.unread").count() == 3 and page.locator("li.notice").count() == 5
    page.locator("li.notice.unread button").first.click()
    page.wait_for_url(base + "/memberships/")
    assert page.get_by_role("link", name="Inbox, 2 unread").is_visible()
    page.goto(base + "/inbox/")
    page.get_by_role("button", name="Mark all read").click()
    page.wait_for_url(base + "/inbox/")
    assert page.get_by_role("link", name="Inbox, 0 unread").inner_text() == "Inbox (0)"
    assert page.locator("li.notice.unread").count() == 0
