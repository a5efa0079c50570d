"""The product page with its facts, their history and the staff check, and the staff worklist,
in a real browser with axe-core; a screenshot of the product page in var/screenshots/."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.helpers import axe_violations, login, visit
from tests.cast import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def facts_world(cast):
    from catalog.services import product_data_from, product_facts_check, product_update
    from compliance.tests.conftest import add_dpa, add_vpat, make_product

    product = make_product(cast.vendor_a)
    product = product_update(product=product, actor=cast.actor(cast.vendor_user_a), data=product_data_from(
        product, languages=["en", "es"], accessibility="wcag21aa", essa_tier=3,
        essa_study_url="https://studies.example.org/reading-pro"))
    product_facts_check(product=product, actor=cast.actor(cast.staff))
    product = product_update(product=product, actor=cast.actor(cast.vendor_user_a),
                             data=product_data_from(product, languages=["en", "es", "vi"]))
    add_vpat(product, level="A")
    add_dpa(cast.vendor_a, cast.district_a, [product])
    cast.product = product
    return cast


def test_product_facts_pages_are_accessible(facts_world, live_server, page):
    c = facts_world
    base = live_server.url
    problems: dict[str, list[str]] = {}
    login(page, base, "staff@example.org", PASSWORD)
    visit(page, base + f"/products/{c.product.pk}/", problems)
    assert "Not checked since version 2" in page.content()
    Path("var/screenshots").mkdir(parents=True, exist_ok=True)
    page.screenshot(path="var/screenshots/product-facts.png", full_page=True)
    visit(page, base + "/products/facts-to-check/", problems)
    page.goto(base + f"/products/{c.product.pk}/")
    page.click("text=Mark version 3 checked")
    page.wait_for_load_state()
    assert "marked checked" in page.content()
    found = axe_violations(page)
    if found:
        problems["product page after the check"] = found
    visit(page, base + "/products/facts-to-check/", problems)
    assert "Every product's current facts are checked" in page.content()
    assert not problems, "\n".join(f"{url}:\n  " + "\n  ".join(v) for url, v in problems.items())
