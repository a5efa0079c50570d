"""The "Download your data" page in a real browser: a district's buyer reaches it from the
navigation, opens a column dictionary and downloads a file; axe-core finds no serious or critical
issue at desktop width and at 375 px. Saved as var/screenshots/bulk-downloads.png (and -375.png)
and the staff view as bulk-downloads-staff.png, for a person to look at."""

from __future__ import annotations

from pathlib import Path

import pytest

from orders.services import order_create, order_submit
from tests.browser.helpers import axe_violations, login
from tests.cast import PASSWORD

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def test_download_page_reads_well_and_passes_axe(cast, joined, live_server, page):
    order = order_create(district=cast.district_a, agreement=cast.agreement, lines=[(cast.device, 300)],
                         actor=cast.actor(cast.buyer_a))
    order_submit(order=order, actor=cast.actor(cast.buyer_a))
    base = live_server.url
    SHOTS.mkdir(parents=True, exist_ok=True)
    login(page, base, cast.buyer_a.email, PASSWORD)
    page.goto(base + "/home/")
    page.click("nav >> text=Download our data")
    page.wait_for_load_state()
    assert page.url.endswith("/downloads/")
    assert "Alpha Unified: download your data" in page.inner_text("h1")
    page.click("text=What each column of the orders file holds")
    assert page.is_visible("text=order_reference")
    with page.expect_download() as download:
        page.click("text=Download orders as CSV")
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert text.startswith("district_id,district,") and order.number in text
    problems = {}
    for width, suffix in ((1280, ""), (375, "-375")):
        page.set_viewport_size({"width": width, "height": 900})
        found = axe_violations(page)
        if found:
            problems[width] = found
        page.screenshot(path=str(SHOTS / f"bulk-downloads{suffix}.png"), full_page=True)
    login(page, base, cast.staff.email, PASSWORD)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(base + "/downloads/")
    page.fill("#district", "Beta")  # a search field: the suggestions come as one types
    page.wait_for_function("document.querySelectorAll('#district_options option').length > 0")
    assert "Beta Unified" in page.eval_on_selector("#district_options option", "o => o.value")
    page.fill("#district", "Beta Unified")
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert "Beta Unified" in page.inner_text("main")
    found = axe_violations(page)
    if found:
        problems["staff"] = found
    page.screenshot(path=str(SHOTS / "bulk-downloads-staff.png"), full_page=True)
    assert not problems, problems
