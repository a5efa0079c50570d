"""Compliance pages as each role uses them."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from audit.actions import AuditAction
from audit.models import AuditEvent
from catalog.models import Product
from compliance.models import ComplianceDecision, DataPrivacyAgreement
from compliance.tests.conftest import add_dpa, add_vpat, make_product
from members.fields import district_pick_label
from tests.helpers import login


@pytest.fixture
def world(cast, rules):
    cast.product = make_product(cast.vendor_a, bands=("9-12",))
    cast.offer = add_dpa(cast.vendor_a, cast.district_b, [cast.product], offer=True)
    add_vpat(cast.product)
    return cast


def test_buyer_checks_adopts_the_offer_and_records_a_decision(client, world):
    login(client, world.buyer_a)
    page = client.get(f"/compliance/check/?product={world.product.pk}")
    text = page.content.decode()
    assert page.status_code == 200 and "Allowed after steps" in text
    assert "Adopt the vendor&#x27;s general offer for CA" in text and "ca-ab1584" in text
    assert f"Adopt general offer #{world.offer.pk}" in text
    response = client.post(f"/compliance/offers/{world.offer.pk}/adopt/",
                           {"next": f"/compliance/check/?product={world.product.pk}"})
    assert response.status_code == 302
    joinder = DataPrivacyAgreement.objects.get(kind="joinder", district=world.district_a)
    text = client.get(response.url).content.decode()
    assert f"Joinder #{joinder.pk}" in text and "Board finding" in text
    import re
    page = client.get(f"/compliance/check/?product={world.product.pk}&award_kind=single_award"
                      f"&annual_value=120000").content.decode()
    form = page[page.index('action="/compliance/decisions/"'):]
    hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form))
    assert hidden["product"] == str(world.product.pk) and hidden["award_kind"] == "single_award"
    response = client.post("/compliance/decisions/", {**hidden, "purpose": "PO 2026-031"})
    decision = ComplianceDecision.objects.get()
    assert response.status_code == 302 and response.url == f"/compliance/decisions/{decision.pk}/"
    assert decision.district == world.district_a and decision.purpose == "PO 2026-031"
    assert decision.award_kind == "single_award" and str(decision.annual_value) == "120000.00"
    text = client.get(response.url).content.decode()
    assert "ca-ab1584 v1" in text and "PO 2026-031" in text
    assert AuditEvent.objects.filter(action=AuditAction.COMPLIANCE_DECISION_RECORDED).exists()


def test_staff_pick_the_district(client, world):
    login(client, world.staff)
    page = client.get("/compliance/check/", {"product": world.product.pk,
                                             "district": district_pick_label(world.district_b)})
    text = page.content.decode()
    assert page.status_code == 200 and "for Beta Unified" in text
    assert "Adopt general offer" not in text  # staff do not adopt for districts


def test_matrix_page_and_csv(client, world):
    make_product(world.vendor_b, name="No data tool", data=(), bands=("9-12",))
    login(client, world.staff)
    text = client.get("/compliance/matrix/?states=CA,NY,TX").content.decode()
    assert "No data tool" in text and "Reading Pro" in text and "ca-ab1584" in text
    response = client.get("/compliance/matrix.csv?states=CA,NY")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 2 * Product.objects.count()
    cell = next(r for r in rows if r["product"] == "Reading Pro" and r["state"] == "CA")
    assert cell["verdict"] == "allowed_after_steps" and cell["rule_id"] == "ca-ab1584"
    assert client.get("/compliance/matrix/?states=ZZ").status_code == 400


def test_rules_pages_show_every_state_and_sources(client, world):
    login(client, world.buyer_b)
    text = client.get("/compliance/rules/").content.decode()
    assert "Wyoming (WY)" in text and "District of Columbia (DC)" in text
    assert "ca-ab1584" in text and "Cal. Ed. Code 49073.1" in text and "states.yaml" in text
    text = client.get("/compliance/rules/?jurisdiction=WY").content.decode()
    assert "wy-privacy" in text and "wy-cooperative-purchasing" in text and "ca-ab1584" not in text
    assert "not researched" not in text
    text = client.get("/compliance/rules/ny-piggyback-single-award/").content.decode()
    assert "Version 1" in text and "piggyback_only_single_award" in text


def test_vendor_manages_products_and_evidence(client, world):
    login(client, world.vendor_user_a)
    response = client.post("/vendor/products/", {
        "name": "Math Quest", "category": world.product.category.pk, "kind": "software",
        "price_unit": "per_student", "accessibility": "not_evaluated",
        "list_price": "12.00", "unit": "student/year", "grade_bands": ["3-5", "6-8"],
        "interoperability": ["oneroster", "clever"], "data_collected": ["student_identifiers"],
        "active": "on"})
    assert response.status_code == 302
    product = Product.objects.get(name="Math Quest")
    assert product.interoperability == ["oneroster", "clever"] and str(product.list_price) == "12.00"
    response = client.post(f"/vendor/products/{product.pk}/", {
        "name": "Math Quest 2", "category": product.category.pk, "kind": "software",
        "price_unit": "per_student", "accessibility": "not_evaluated",
        "list_price": "11.50", "unit": "student/year", "active": "on"})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action=AuditAction.PRODUCT_UPDATED, object_id=str(product.pk)).exists()
    bad = client.post("/vendor/evidence/reports/", {
        "report-product": product.pk, "report-standard": "WCAG 2.1", "report-level": "AA",
        "report-report_format": "VPAT 2.5", "report-report_date": "2026-01-05",
        "report-document": SimpleUploadedFile("r.pdf", b"not a pdf")})
    assert bad.status_code == 400 and "must be a PDF" in bad.content.decode()
    good = client.post("/vendor/evidence/reports/", {
        "report-product": product.pk, "report-standard": "WCAG 2.1", "report-level": "AA",
        "report-report_format": "VPAT 2.5", "report-report_date": "2026-01-05",
        "report-document": SimpleUploadedFile("r.pdf", b"%PDF-1.4 report")})
    assert good.status_code == 302
    response = client.post("/vendor/evidence/dpas/", {
        "dpa-district": district_pick_label(world.district_a), "dpa-template": "state_variant", "dpa-template_version": "v2",
        "dpa-state_variant": "CA-NDPA", "dpa-products": [product.pk], "dpa-signed_on": "2026-02-01",
        "dpa-expires_on": "2029-02-01", "dpa-general_offer": "on", "dpa-general_offer_until": "2028-02-01",
        "dpa-document": SimpleUploadedFile("d.pdf", b"%PDF-1.4 dpa")})
    assert response.status_code == 302
    dpa = DataPrivacyAgreement.objects.get(district=world.district_a)
    assert dpa.general_offer and dpa.state == "CA" and list(dpa.products.all()) == [product]
    text = client.get("/vendor/evidence/").content.decode()
    assert "CA-NDPA" in text and "WCAG 2.1 AA" in text
    # the other vendor cannot read this vendor's documents or edit its products
    login(client, world.vendor_user_b)
    assert client.get(f"/compliance/documents/dpa/{dpa.pk}/").status_code == 404
    assert client.get(f"/vendor/products/{product.pk}/").status_code == 404
    login(client, world.buyer_b)
    assert client.get(f"/compliance/documents/dpa/{dpa.pk}/").status_code == 200


def test_offers_page_for_a_district(client, world):
    login(client, world.approver_a)
    text = client.get("/compliance/offers/").content.decode()
    assert f"#{world.offer.pk}" in text and "Adopt" in text
    login(client, world.buyer_b)
    text = client.get("/compliance/offers/").content.decode()
    assert "Signed by your district" in text
