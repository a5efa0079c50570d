"""In a real browser (Debian's Chromium through Playwright): sign in, open the member directory and
the pages each role uses, and run axe-core on every page: no serious or critical violations."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import axe_violations, visit
from tests.cast import PASSWORD

pytestmark = pytest.mark.browser


def test_axe_finds_a_known_violation(page):
    """Guard against a check that cannot fail: a page with a bad image and an unlabelled input."""
    page.set_content('<html lang="en"><body><main><img src="x.png"><input type="text"></main></body></html>')
    found = axe_violations(page)
    assert any(v.startswith("image-alt") for v in found)
    assert any(v.startswith("label") for v in found)


def test_sign_in_open_directory_and_check_accessibility(cast, live_server, page):
    # `cast` comes first: it must touch the database before Playwright's event loop starts, or
    # Django would open a second connection in the loop's context and never close it.
    base = live_server.url
    problems: dict[str, list[str]] = {}
    visit(page, base + "/", problems)
    visit(page, base + "/vendors/register/", problems)
    visit(page, base + "/account/login/", problems)

    # A failed sign-in shows an error summary, itself checked.
    page.fill("#id_username", "staff@example.org")
    page.fill("#id_password", "wrong password")
    page.click("button[type=submit]")
    expect(page.locator(".error-summary")).to_be_visible()
    found = axe_violations(page)
    if found:
        problems["login with errors"] = found

    page.fill("#id_username", "staff@example.org")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/home/")
    assert "Signed in as staff@example.org" in page.content()

    page.click("text=Member directory")
    page.wait_for_url(base + "/members/")
    assert page.locator("table tbody tr").count() == 2
    assert "Alpha Unified" in page.content()
    found = axe_violations(page)
    if found:
        problems["/members/"] = found

    # Live filter (htmx) narrows the list without a page load.
    page.fill("#id_q", "beta")
    page.wait_for_function("document.querySelectorAll('#directory-results tbody tr').length === 1")
    assert "Beta Unified" in page.inner_text("#directory-results")

    for path in ["/memberships/", f"/memberships/{cast.membership_a.pk}/", "/districts/?q=a", "/districts/import/",
                 "/audit/", "/account/", "/account/password/change/"]:
        visit(page, base + path, problems)

    # A district buyer and a vendor see their own pages.
    page.context.clear_cookies()
    for email, paths in [("buyer-a@example.org", ["/membership/"]),
                         ("sales@vendor-a.example", ["/vendor/profile/"]),
                         ("multi@example.org", ["/account/act-as/"])]:
        page.context.clear_cookies()
        page.goto(base + "/account/login/")
        page.fill("#id_username", email)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        for path in paths:
            visit(page, base + path, problems)

    assert not problems, "\n".join(f"{url}:\n  " + "\n  ".join(v) for url, v in problems.items())
