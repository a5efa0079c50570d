"""The compliance and product API journey: a vendor adds a product and a DPA with a general
offer, another district checks, adopts by joinder and records a decision."""

from __future__ import annotations

import json


from compliance.tests.conftest import make_district
from tests.helpers import token as bearer


def post_json(client, url, body, headers):
    return client.post(url, data=json.dumps(body), content_type="application/json", **headers)


def test_api_journey(client, cast, rules):
    from catalog.services import category_ensure
    from tests.cast import SYSTEM

    category_ensure(code="reading", name="Reading", actor=SYSTEM)
    vendor = bearer(cast.vendor_user_a)
    response = post_json(client, "/api/v1/products", {
        "name": "Phonics Pal", "category": "reading", "kind": "software",
        "list_price": "9.99", "unit": "student/year", "grade_bands": ["9-12"],
        "data_collected": ["student_identifiers"], "interoperability": ["lti13"]}, vendor)
    assert response.status_code == 201, response.content
    product = response.json()
    assert product["list_price"] == "9.99" and product["interoperability"] == ["lti13"]
    bad = post_json(client, "/api/v1/products", {
        "name": "X", "category": "reading", "kind": "software", "list_price": "1.001",
        "unit": "seat", "data_collected": ["shoe_size"]}, vendor)
    assert bad.status_code == 422 and set(bad.json()["errors"]) == {"list_price", "data_collected"}

    response = client.post("/api/v1/compliance/dpas", {
        "district_id": cast.district_b.pk, "template": "ndpa", "template_version": "v2",
        "signed_on": "2026-01-10", "product_ids": [product["id"]], "general_offer": "true",
        "document": __import__("io").BytesIO(b"%PDF-1.4 dpa")}, **vendor)
    assert response.status_code == 201, response.content
    offer = response.json()
    # recorded by the vendor alone: proposed, not open for adoption until district B countersigns
    assert not offer["general_offer_open"] and offer["status"] == "proposed by the vendor"
    assert offer["state"] == "CA" and offer["document_url"] and offer["district_signed_on"] is None
    countersigned = client.post(f"/api/v1/compliance/dpas/{offer['id']}/countersign", **bearer(cast.buyer_b))
    assert countersigned.status_code == 200, countersigned.content
    offer = countersigned.json()
    assert offer["general_offer_open"] and offer["district_side"] == "countersigned"

    buyer = bearer(cast.buyer_a)
    check = client.get(f"/api/v1/compliance/check?product={product['id']}", **buyer).json()
    assert check["verdict"] == "allowed_after_steps" and check["district_id"] == cast.district_a.pk
    assert check["steps"][0].startswith("Adopt the vendor's general offer for CA")
    privacy = next(r for r in check["reasons"] if r["rule_id"] == "ca-ab1584")
    assert privacy["citation"] and privacy["version"] == 1 and privacy["evidence"][0]["id"] == offer["id"]
    assert check["ada_title_ii_date"] == "2027-04-26"

    offers = client.get("/api/v1/compliance/general-offers", **buyer).json()
    assert [o["id"] for o in offers] == [offer["id"]]
    joined = client.post(f"/api/v1/compliance/dpas/{offer['id']}/joinder", **buyer)
    assert joined.status_code == 201 and joined.json()["kind"] == "joinder"
    again = client.post(f"/api/v1/compliance/dpas/{offer['id']}/joinder", **buyer)
    assert again.status_code == 422

    check = client.get(f"/api/v1/compliance/check?product={product['id']}&award_kind=multi_award"
                       f"&annual_value=200000", **buyer).json()
    privacy = next(r for r in check["reasons"] if r["rule_id"] == "ca-ab1584")
    assert privacy["effect"] == "satisfied" and privacy["evidence"][0]["kind"] == "joinder"
    decision = post_json(client, "/api/v1/compliance/decisions",
                         {"product_id": product["id"], "purpose": "PO 77"}, buyer)
    assert decision.status_code == 201
    body = decision.json()
    assert "ca-ab1584 v1" in body["rule_versions"] and body["verdict"] == check["verdict"]
    # another district cannot read it, nor check for district A
    other = bearer(cast.buyer_b)
    assert client.get(f"/api/v1/compliance/decisions/{body['id']}", **other).status_code == 403
    assert client.get(f"/api/v1/compliance/check?product={product['id']}&district={cast.district_a.pk}",
                      **other).status_code == 403


def test_matrix_api_and_ny_piggyback(client, cast, rules):
    from compliance.tests.conftest import add_attestation, add_dpa, add_vpat, make_product

    ny = make_district("Empire CSD", "NY", "100")
    product = make_product(cast.vendor_a, bands=("9-12",))
    add_dpa(cast.vendor_a, ny, [product])
    add_vpat(product)
    add_attestation(cast.vendor_a, "nist_csf")
    staff = bearer(cast.staff)
    body = client.get("/api/v1/compliance/matrix?states=NY,CA&award_kind=multi_award", **staff).json()
    assert body["states"] == ["NY", "CA"] and body["count"] == 1
    ny_cell, ca_cell = body["rows"][0]["cells"]
    # a generic NY column holds no agreement of its own: the privacy rule blocks first
    assert ny_cell["verdict"] == "blocked" and ny_cell["rule_id"] == "ny-ed-law-2d"
    assert ca_cell["verdict"] == "blocked" and ca_cell["rule_id"] == "ca-ab1584"
    check = client.get(f"/api/v1/compliance/check?product={product.pk}&district={ny.pk}"
                       f"&award_kind=multi_award", **staff).json()
    # the single-award rule is unverified: a step to verify, not a block (issue 15)
    assert check["verdict"] == "allowed_after_steps" and check["blocks"] == []
    assert check["steps"] == ["Verify first (this rule is unverified): NY allows piggybacking only "
                              "on single-award contracts; this contract is multi-award."]
    rules = client.get("/api/v1/compliance/rules?jurisdiction=NY", **staff).json()
    assert {r["rule_id"] for r in rules} == {"ny-ed-law-2d", "ny-piggyback-single-award", "ny-gml-103"}
    assert client.get("/api/v1/compliance/matrix?states=XX", **staff).status_code == 422
