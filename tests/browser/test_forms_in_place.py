"""The evaluator's scoring grid and the draft's lines editor in a real browser, with axe-core:
one save for the whole grid (a refused cell named and focusable), lines added and removed in
place by htmx with the keyboard focus kept. Screenshots go to var/screenshots/."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from tests.browser.helpers import axe_violations, login
from tests.cast import PASSWORD

pytestmark = pytest.mark.browser


def _shot(page, name: str) -> None:
    folder = Path(settings.VAR_DIR) / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def _focused(page, element_id: str) -> None:
    """htmx focuses the swapped-in [autofocus] element when the swap settles."""
    page.wait_for_function(f"document.activeElement && document.activeElement.id === '{element_id}'",
                           timeout=3000)


def test_scoring_grid_one_save(cast, evaluating, live_server, page):
    base = live_server.url
    login(page, base, "evaluator@example.org", PASSWORD)
    page.goto(f"{base}/solicitations/{evaluating.pk}/evaluate/")
    inputs = page.locator("input[name^='points-']")
    count = inputs.count()
    assert count >= 2
    assert axe_violations(page) == []
    inputs.nth(0).fill("7")
    inputs.nth(count - 1).fill("11")
    page.click("text=Save all scores")
    page.wait_for_load_state()
    assert "Nothing was saved: 1 cell to correct" in page.content()
    assert axe_violations(page) == []
    page.locator(".error-summary a").first.click()
    assert page.evaluate("document.activeElement.name") == inputs.nth(count - 1).get_attribute("name")
    _shot(page, "scoring-grid-error")
    page.locator("input[aria-invalid=true]").fill("6.5")
    page.click("text=Save all scores")
    page.wait_for_load_state()
    assert "2 scores saved" in page.content()
    _shot(page, "scoring-grid")


def test_lines_editor_in_place(cast, draft, live_server, page):
    base = live_server.url
    login(page, base, "staff@example.org", PASSWORD)
    page.goto(f"{base}/solicitations/{draft.pk}/edit/")
    assert axe_violations(page) == []
    url = page.url
    page.fill("#id_new-line-reference", "TAB")
    page.fill("#id_new-line-description", "10-inch tablet")
    page.fill("#id_new-line-unit", "device")
    page.fill("#id_new-line-estimated_quantity", "300")
    page.click("text=Add the line")
    page.wait_for_selector("text=Line TAB added.")
    assert page.url == url  # in place: no page load
    _focused(page, "id_new-line-reference")  # ready for the next line
    assert page.locator("#lines-editor tbody tr").count() == 3
    page.fill("#id_new-line-reference", "TAB")
    page.fill("#id_new-line-description", "Same reference again")
    page.fill("#id_new-line-estimated_quantity", "5")
    page.click("text=Add the line")
    page.wait_for_selector("text=The line was not added")
    assert "is used twice" in page.content()
    _focused(page, "id_new-line-reference")
    assert axe_violations(page) == []
    _shot(page, "lines-editor-error")
    page.click("text=Remove line CB-11")
    page.wait_for_selector("text=Line CB-11 removed.")
    _focused(page, "h-lines")
    assert page.locator("#lines-editor tbody tr").count() == 2
    assert axe_violations(page) == []
    _shot(page, "lines-editor")
    assert list(draft.lines.values_list("reference", flat=True)) == ["LIC", "TAB"]
