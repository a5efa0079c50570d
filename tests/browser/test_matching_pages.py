"""Finding the right edtech for a need, in a real browser with axe-core: the find page with
results (both groups), a refused need, saving it, the saved need and the list; staff's unmet
needs."""

from __future__ import annotations

import pytest

from tests.browser.helpers import axe_violations, login, visit
from tests.cast import PASSWORD
from tests.helpers import make_product

pytestmark = pytest.mark.browser


def test_matching_pages_are_accessible(cast, agreements, live_server, page):
    make_product(cast.vendor_a, "Lenovo 300e Chromebook", price="250.00")
    base = live_server.url
    problems: dict[str, list[str]] = {}

    login(page, base, "buyer-a@example.org", PASSWORD)
    visit(page, base + "/needs/find/?text=1%3A1+chromebooks&quantity=1200&budget_per_unit=400", problems)
    html = page.content()
    assert "On the consortium" in html and "on no agreement yet" in html
    response = page.goto(base + "/needs/find/?text=x&quantity=-1")  # refused: 400, errors by field
    assert response.status == 400 and "greater than or equal to 1" in page.content()
    found = axe_violations(page)
    if found:
        problems["refused need"] = found
    visit(page, base + "/needs/find/?text=K-2+phonics&quantity=300&budget_per_unit=12", problems)
    page.click("text=Save this need")
    page.wait_for_load_state()
    assert "unmet need" in page.content()
    found = axe_violations(page)
    if found:
        problems["saved need"] = found
    visit(page, base + "/needs/", problems)

    login(page, base, "staff@example.org", PASSWORD)
    visit(page, base + "/needs/unmet/", problems)
    assert "phonics" in page.content()
    assert not problems, problems
