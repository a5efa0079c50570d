"""Layout in a real browser: at 375 px (a phone) no main page scrolls sideways (wide tables scroll
inside their own box instead), and at 1366 px the public bid tabulation shows its last column
(the total score) once its box is scrolled, without the page itself scrolling. Screenshots go to
var/screenshots/ for people to look at."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

from tests.browser.helpers import login
from tests.cast import PASSWORD

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
PAGE_WIDTH = "document.documentElement.scrollWidth"


def _shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _too_wide(page, base: str, paths: list[str], who: str, width: int) -> dict[str, int]:
    """The paths whose page is wider than the window, with their width."""
    wide = {}
    for path in paths:
        response = page.goto(base + path)
        assert response is not None and response.status < 400, f"{path}: {response and response.status}"
        _shoot(page, f"{width}-{who}-{path.strip('/').replace('/', '_').replace('?', '_') or 'home'}")
        scroll = page.evaluate(PAGE_WIDTH)
        if scroll > width:
            wide[f"{who} {path}"] = scroll
    return wide


def test_main_pages_fit_a_375px_screen(cast, agreements, live_server, page):  # noqa: F811
    # The database fixtures come first (see test_accessibility.py).
    agreement = next(iter(agreements.values()))
    solicitation = agreement.solicitation_id
    base = live_server.url
    page.set_viewport_size({"width": 375, "height": 800})
    public = ["/", reverse("members:directory"), reverse("sourcing:list"), f"/solicitations/{solicitation}/",
              f"/solicitations/{solicitation}/tabulation/", reverse("accounts:login")]
    wide = _too_wide(page, base, public, "public", 375)
    login(page, base, cast.staff.email, PASSWORD)
    wide |= _too_wide(page, base, ["/home/", reverse("members:queue"), reverse("members:districts") + "?q=a",
                                   reverse("audit:events"), reverse("contracts:list"),
                                   reverse("reports:list"), reverse("compliance:rules"),
                                   f"/solicitations/{solicitation}/manage/", reverse("accounts:account")],
                      "staff", 375)
    login(page, base, cast.buyer_a.email, PASSWORD)
    wide |= _too_wide(page, base, ["/home/", reverse("contracts:dashboard"), reverse("contracts:catalog"),
                                   reverse("orders:district"), reverse("members:mine"),
                                   reverse("compliance:check"), f"/agreements/{agreement.pk}/"],
                      "buyer", 375)
    login(page, base, cast.vendor_user_a.email, PASSWORD)
    wide |= _too_wide(page, base, ["/home/", reverse("vendors:profile"), reverse("orders:vendor"),
                                   reverse("reports:vendor"), reverse("catalog:vendor-products"),
                                   reverse("compliance:vendor-evidence")], "vendor", 375)
    assert wide == {}, f"pages wider than 375 px: {wide}"


def test_the_public_tabulation_shows_its_last_column_at_1366px(cast, awarded, live_server, page):
    base = live_server.url
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{base}/solicitations/{awarded.pk}/tabulation/")
    _shoot(page, "1366-public-tabulation")
    assert page.evaluate(PAGE_WIDTH) <= 1366
    box = page.locator('.table-wrap[aria-label="Bids and their evaluation"]')
    assert box.get_attribute("role") == "region" and box.get_attribute("tabindex") == "0"
    last = box.locator("thead th").last
    assert last.inner_text() == "Total score"
    # Scrolled to its end (as a keyboard or touch user would), the box shows the last column whole.
    box.evaluate("el => { el.scrollLeft = el.scrollWidth; }")
    edge = box.evaluate("el => el.getBoundingClientRect().right")
    right = last.evaluate("el => el.getBoundingClientRect().right")
    assert right <= edge + 1 and right <= 1366
    # The same page at 375 px: the page does not scroll sideways, the table's box does.
    page.set_viewport_size({"width": 375, "height": 800})
    page.reload()
    _shoot(page, "375-public-tabulation")
    assert page.evaluate(PAGE_WIDTH) <= 375
    assert box.evaluate("el => el.scrollWidth > el.clientWidth")
