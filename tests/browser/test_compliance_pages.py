"""Compliance pages in a real browser with axe-core: the check (with a verdict), the matrix, the
rules, a decision, general offers, and the vendor's product and evidence pages (with errors)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import axe_violations, login, visit
from tests.cast import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def compliance_pages_world(cast):
    from compliance.services.decisions import compliance_decision_record
    from compliance.services.rules import rules_load
    from compliance.tests.conftest import add_attestation, add_dpa, add_vpat, make_product
    from tests.cast import SYSTEM

    rules_load(actor=SYSTEM)
    cast.product = make_product(cast.vendor_a)
    cast.dpa = add_dpa(cast.vendor_a, cast.district_b, [cast.product], offer=True)
    add_vpat(cast.product)
    add_attestation(cast.vendor_a, "coppa")
    make_product(cast.vendor_b, name="Quiet Tool", data=(), bands=("9-12",))
    cast.decision = compliance_decision_record(district=cast.district_a, product=cast.product,
                                               purpose="browser test", actor=SYSTEM)
    return cast


def test_compliance_pages_are_accessible(compliance_pages_world, live_server, page):
    # the database fixtures come first (see test_accessibility.py)
    c = compliance_pages_world
    base = live_server.url
    problems: dict[str, list[str]] = {}

    login(page, base, "staff@example.org", PASSWORD)
    # the district is a search field (members.fields): a unique name finds it
    for path in [f"/compliance/check/?product={c.product.pk}&district={c.district_a.name.replace(' ', '+')}",
                 "/compliance/check/", "/compliance/matrix/?states=CA,NY,TX,IL",
                 "/compliance/matrix/", "/compliance/rules/", "/compliance/rules/ca-ab1584/",
                 f"/compliance/decisions/{c.decision.pk}/", f"/products/{c.product.pk}/",
                 "/compliance/offers/?state=CA"]:
        visit(page, base + path, problems)

    login(page, base, "buyer-a@example.org", PASSWORD)
    visit(page, base + f"/compliance/check/?product={c.product.pk}", problems)
    assert "one-click joinder" in page.content()
    page.click("text=Adopt general offer")
    page.wait_for_load_state()
    assert "Adopted: joinder" in page.content()
    found = axe_violations(page)
    if found:
        problems["check after joinder"] = found
    visit(page, base + "/compliance/offers/", problems)

    login(page, base, "sales@vendor-a.example", PASSWORD)
    for path in ["/vendor/products/", f"/vendor/products/{c.product.pk}/", "/vendor/evidence/"]:
        visit(page, base + path, problems)
    page.goto(base + "/vendor/products/")
    page.click("#add-product ~ form button[type=submit]")
    page.wait_for_load_state()
    expect(page.locator(".error-summary")).to_be_visible()
    found = axe_violations(page)
    if found:
        problems["product form with errors"] = found
    page.goto(base + "/vendor/evidence/")
    page.click("#add-report ~ form button[type=submit]")
    page.wait_for_load_state()
    expect(page.locator(".error-summary")).to_be_visible()
    found = axe_violations(page)
    if found:
        problems["evidence form with errors"] = found

    assert not problems, "\n".join(f"{url}:\n  " + "\n  ".join(v) for url, v in problems.items())
