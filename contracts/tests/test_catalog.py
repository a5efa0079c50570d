"""The member catalog: ranked search, filters, tiers and savings, verdicts for the district."""

from __future__ import annotations

from decimal import Decimal

from catalog.services import product_data_from, product_facts_check, product_update
from contracts.selectors.catalog import catalog_items, catalog_search
from tests.cast import PASSWORD, SYSTEM


def names(qs):
    return [e.product.name for e in qs]


def test_search_ranks_name_matches_first(cast, agreements):
    device_b = next(e.product for e in agreements[cast.vendor_b.pk].schedule_versions.get().entries.all()
                    if e.line_reference == "CB")
    product_update(product=device_b, data=product_data_from(
        device_b, description="Rugged chromebook with management"), actor=SYSTEM)
    results = names(catalog_search(q="management"))
    # "Vendor A, Inc. Management" and "Vendor B LLC Management" match in the name (4); the
    # device only in its description (1).
    assert results[-1] == device_b.name and len(results) == 3
    assert names(catalog_search(q="vendor b management")) == ["Vendor B LLC Management", device_b.name]
    assert names(catalog_search(q="nothing-like-this")) == []


def test_filters(cast, agreements):
    assert {e.product.kind for e in catalog_search(kind="device")} == {"device"}
    assert len(catalog_search(category="management")) == 2
    licence = next(e.product for e in catalog_search(category="management"))
    product_update(product=licence, data=product_data_from(licence, grade_bands=["K-2", "3-5"],
                                                           interoperability=["oneroster"]), actor=SYSTEM)
    assert names(catalog_search(grade_band="K-2")) == [licence.name]
    assert names(catalog_search(grade_band="9-12")) == []
    assert names(catalog_search(interoperability="oneroster")) == [licence.name]


def test_positions_and_verdicts_for_the_district(cast, agreements, general_offer):  # noqa: F811
    items = catalog_items(list(catalog_search(q="chromebook")), district=cast.district_a)
    by_vendor = {i.agreement.vendor.legal_name: i for i in items}
    a = by_vendor["Vendor A, Inc."]
    assert a.position.unit_price == Decimal("300.00") and a.position.units_to_next == 1000
    assert a.saving == Decimal("30.00")
    # Vendor A's products are covered by a general offer (steps); vendor B's licence has no DPA,
    # but its device collects no data, so devices are allowed after steps for both.
    assert a.verdict is not None and a.verdict.verdict in ("allowed", "allowed_after_steps")
    licences = {i.agreement.vendor.legal_name: i.verdict.verdict
                for i in catalog_items(list(catalog_search(category="management")), district=cast.district_a)}
    assert licences["Vendor B LLC"] == "blocked" and licences["Vendor A, Inc."] == "allowed_after_steps"
    # Without a district, no verdicts.
    assert catalog_items(list(catalog_search(q="chromebook")))[0].verdict is None


def test_catalog_pages_and_api(client, cast, agreements, general_offer):  # noqa: F811
    page = client.get("/catalog/?q=chromebook").content.decode()
    assert "2 results" in page and "May " not in page
    client.login(email=cast.buyer_a.email, password=PASSWORD)
    page = client.get("/catalog/?q=management").content.decode()
    assert "May Alpha Unified use it?" in page and "Blocked" in page
    product = next(e.product for e in catalog_search(q="Vendor A, Inc. Management"))
    detail = client.get(f"/catalog/products/{product.pk}/").content.decode()
    assert "Can Alpha Unified buy this?" in detail and "Join " in detail
    api = client.get("/api/v1/catalog?q=management").json()
    assert api["count"] == 2 and {r["verdict"]["verdict"] for r in api["results"]} == {"blocked", "allowed_after_steps"}
    one = client.get(f"/api/v1/catalog/{product.pk}").json()
    assert one["offers"][0]["units_to_next_tier"] == 1000 and one["verdict"]["reasons"]
    client.logout()
    assert "verdict" not in client.get(f"/api/v1/catalog/{product.pk}").json()


def test_the_product_page_shows_dpas_only_to_districts_of_the_state_and_staff(client, cast, agreements,
                                                                              general_offer):  # noqa: F811
    product = general_offer.products.first()
    url = f"/catalog/products/{product.pk}/"
    anonymous = client.get(url).content.decode()
    assert "Beta Unified" not in anonymous and "Sign in to see them" in anonymous
    client.login(email=cast.buyer_a.email, password=PASSWORD)  # Alpha Unified, CA
    buyer = client.get(url).content.decode()
    assert "with Beta Unified" in buyer and "<td>in force</td>" in buyer and "<td>open</td>" in buyer
    client.logout()
    client.login(email=cast.vendor_user_b.email, password=PASSWORD)  # a competitor
    assert "Beta Unified" not in client.get(url).content.decode()
    client.logout()
    client.login(email=cast.buyer_b.email, password=PASSWORD)  # the district that signed it
    assert "(your district)" in client.get(url).content.decode()


def test_the_member_catalog_product_page_shows_the_facts_with_human_labels(client, cast, agreements):
    product = next(e.product for e in catalog_search(q="Vendor A, Inc. Management"))
    url = f"/catalog/products/{product.pk}/"
    product = product_update(product=product, data=product_data_from(
        product, price_unit="per_student", languages=["es", "en"], interoperability=["clever"],
        accessibility="wcag21aa", essa_tier=2, essa_study_url="https://studies.example.org/mgmt"), actor=SYSTEM)
    client.login(email=cast.buyer_a.email, password=PASSWORD)
    page = client.get(url).content.decode()
    assert 'id="facts"' in page and "Not checked" in page
    assert "Spanish" in page and "Clever" in page and "WCAG 2.1 AA" in page and "Per student" in page
    assert 'href="https://studies.example.org/mgmt"' in page and "ESSA" in page
    assert "clever" not in page.replace("Clever", "").lower().split('id="facts"')[1].split("</dl>")[0]
    product_facts_check(product=product, actor=cast.actor(cast.staff))
    page = client.get(url).content.decode()
    assert "checked by consortium staff on" in page and "Not checked" not in page
