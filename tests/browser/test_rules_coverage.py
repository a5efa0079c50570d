"""The rules page's coverage tile map in a real browser: axe finds no serious problem, every
state and DC is a named link, and following a tile shows that state's rules."""

from __future__ import annotations

import re

import pytest

from tests.browser.helpers import axe_violations, login
from tests.cast import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def loaded_rules(cast):
    from compliance.services.rules import rules_load
    from tests.cast import SYSTEM

    rules_load(actor=SYSTEM)
    return cast


def test_coverage_map_is_accessible_and_each_tile_leads_to_its_state(loaded_rules, live_server, page):
    base = live_server.url
    login(page, base, "buyer-a@example.org", PASSWORD)
    page.goto(base + "/compliance/rules/")
    assert axe_violations(page) == []
    tiles = page.locator("svg a.tile")
    assert tiles.count() == 51
    names = [tiles.nth(i).get_attribute("aria-label") for i in range(51)]
    assert all(name and ":" in name for name in names)
    ok = page.get_by_role("link", name=re.compile(r"^OK (none|some|P\+C|all)\. Oklahoma: "))
    assert ok.count() == 1
    ok.focus()
    assert page.evaluate("document.activeElement.getAttribute('href')") == "?jurisdiction=OK#j-OK"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "jurisdiction=OK" in page.url
    assert "61 O.S. 139" in page.content() and "<svg" not in page.content()
    assert axe_violations(page) == []
    page.goto(base + "/compliance/rules/")
    page.get_by_text("The coverage as a table").click()
    assert page.locator("details.coverage-table tbody tr").count() == 51
