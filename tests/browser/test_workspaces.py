"""Each demo role signs in, lands on its workspace (/home/), which lists something to do; a
screenshot of each is kept in var/screenshots/home-<role>.png and axe finds no serious or critical
issue on any of them."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from edpool.demo.people import DEMO_PASSWORD
from tests.browser.helpers import axe_violations, login

pytestmark = pytest.mark.browser

HOMES = [  # (role, demo login, a heading its workspace shows)
    ("staff", "staff@demo.edpool.org", "Solicitations by stage"),
    ("buyer", "buyer1@demo.edpool.org", "Orders by state"),
    ("approver", "approver1@demo.edpool.org", "Orders waiting for your approval"),
    ("evaluator", "evaluator2@demo.edpool.org", "Declarations to sign"),
    ("vendor", "vendor2@demo.edpool.org", "Your bids"),
]


@pytest.fixture
def demo(db):
    call_command("demo", stdout=io.StringIO())


def test_each_demo_role_lands_on_its_workspace(demo, live_server, page):
    # `demo` comes first: the database is filled before Playwright's event loop starts.
    base = live_server.url
    shots = Path(settings.VAR_DIR) / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1366, "height": 900})
    problems: dict[str, list[str]] = {}
    for role, email, heading in HOMES:
        login(page, base, email, DEMO_PASSWORD)
        assert page.url == base + "/home/", f"{email} landed on {page.url}"
        assert page.locator("h2", has_text=heading).count() == 1
        assert page.locator(".ws-items li").count() > 0, f"{email}: nothing listed"
        page.screenshot(path=str(shots / f"home-{role}.png"), full_page=True)
        found = axe_violations(page)
        if found:
            problems[role] = found
    # The public page offers the way back, and a narrow screen still shows the panels whole.
    page.goto(base + "/")
    assert page.locator("a", has_text="Go to your workspace").is_visible()
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(base + "/home/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path=str(shots / "home-vendor-375.png"), full_page=True)
    assert problems == {}
