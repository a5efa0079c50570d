"""Product facts through the API and the pages: stated by the vendor, checked by staff. The
`client` fixture checks every API response against the OpenAPI document."""

from __future__ import annotations

from decimal import Decimal

from datetime import timedelta

from catalog.models import Product
from catalog.services import ProductData, category_ensure, product_create, product_data_from, product_update
from compliance.services.evidence import accessibility_report_add
from core.clock import today
from tests.cast import SYSTEM
from tests.helpers import login, pdf, token

BODY = {"name": "Phonics Pal", "category": "reading", "kind": "software", "price_unit": "per_student",
        "list_price": "12.00", "unit": "student/year", "grade_bands": ["K-2"], "languages": ["en", "es"],
        "accessibility": "wcag21aa", "essa_tier": 2, "essa_study_url": "https://studies.example.org/pal"}


def _product(cast, **changes):
    category = category_ensure(code="reading", name="Reading", actor=SYSTEM)
    values = dict(name="Phonics Pal", category=category, kind="software", list_price=Decimal("12.00"),
                  unit="student/year", languages=["en", "es"], accessibility="wcag21aa", essa_tier=2,
                  essa_study_url="https://studies.example.org/pal", grade_bands=["K-2"])
    values.update(changes)
    return product_create(vendor=cast.vendor_a, data=ProductData(**values), actor=cast.actor(cast.vendor_user_a))


def test_vendor_states_facts_through_the_api(client, cast):
    category_ensure(code="reading", name="Reading", actor=SYSTEM)
    headers = token(cast.vendor_user_a)
    created = client.post("/api/v1/products", BODY, content_type="application/json", **headers)
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["kind"], body["price_unit"], body["languages"], body["essa_tier"]) == ("software", "per_student", ["en", "es"], 2)
    assert (body["facts_version"], body["facts_checked_at"]) == (1, None)
    for bad in ({"essa_tier": 5}, {"essa_tier": 0}, {"languages": ["en", "klingon"]},
                {"essa_study_url": "ftp://example.org/x"}, {"kind": "software_per_student"}):
        refused = client.put(f"/api/v1/products/{body['id']}", {**BODY, **bad}, content_type="application/json",
                             **headers)
        assert refused.status_code == 422, bad
        assert next(iter(bad)) in refused.json()["errors"], refused.json()
    assert Product.objects.get(pk=body["id"]).facts_version == 1
    changed = client.put(f"/api/v1/products/{body['id']}", {**BODY, "languages": ["en"]},
                         content_type="application/json", **headers)
    assert changed.status_code == 200 and changed.json()["facts_version"] == 2


def test_staff_check_facts_through_the_api(client, cast):
    product = _product(cast)
    url = f"/api/v1/products/{product.pk}/facts/check"
    assert client.post(url, {}, content_type="application/json", **token(cast.vendor_user_a)).status_code == 403
    assert client.post(url, {}, content_type="application/json", **token(cast.buyer_a)).status_code == 403
    staff = token(cast.staff)
    assert client.post(url, {"version": 2}, content_type="application/json", **staff).status_code == 422
    checked = client.post(url, {"version": 1}, content_type="application/json", **staff)
    assert checked.status_code == 200 and checked.json()["facts_version"] == 1
    assert client.post(url, content_type="application/json", **staff).status_code == 422  # already checked
    assert client.post("/api/v1/products/999999/facts/check", {}, content_type="application/json",
                       **staff).status_code == 404
    out = client.get(f"/api/v1/products/{product.pk}", **staff).json()
    assert out["facts_checked_version"] == 1 and out["facts_checked_at"]


def test_the_product_page_shows_facts_history_and_check(client, cast):
    product = _product(cast)
    login(client, cast.buyer_a)
    page = client.get(f"/products/{product.pk}/").content.decode()
    assert "Spanish" in page and "Tier 2: moderate evidence" in page and "Conforms to WCAG 2.1 AA" in page
    lead = page.split('<p class="lead">')[1].split("</p>")[0]
    assert "Software, per student" in lead and "per_student" not in page  # labels, not codes
    assert "Not checked" in page and "Mark version 1 checked" not in page
    # The stated conformance has no VPAT behind it yet.
    assert "no report in force behind it" in page

    login(client, cast.staff)
    page = client.get(f"/products/{product.pk}/").content.decode()
    assert "Mark version 1 checked" in page
    assert "Phonics Pal" in client.get("/products/facts-to-check/").content.decode()
    assert "Phonics Pal" in client.get("/home/").content.decode()
    response = client.post(f"/products/{product.pk}/facts/check/", {"version": "1"})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "marked checked" in page and "checked by consortium staff on" in page
    assert "Phonics Pal" not in client.get("/products/facts-to-check/").content.decode()
    # A second press changes nothing and says why.
    again = client.post(f"/products/{product.pk}/facts/check/", {"version": "1"}, follow=True)
    assert "already checked" in again.content.decode()
    assert client.post(f"/products/{product.pk}/facts/check/", {"version": "x\x00"}).status_code in (302, 400)

    product = product_update(product=product, data=product_data_from(product, languages=["en", "es", "vi"]),
                             actor=cast.actor(cast.vendor_user_a))
    page = client.get(f"/products/{product.pk}/").content.decode()
    assert "Not checked since version 1" in page
    assert "Languages: added Vietnamese" in page
    assert "Vendor user, Vendor A (sales@vendor-a.example)" in page  # staff see who
    login(client, cast.buyer_a)
    page = client.get(f"/products/{product.pk}/").content.decode()
    assert "sales@vendor-a.example" not in page and "Vendor user, Vendor A" in page


def test_the_facts_link_to_the_vpat(client, cast):
    product = _product(cast)
    accessibility_report_add(product=product, standard="WCAG 2.1", level="A",
                             report_date=today() - timedelta(days=10), document=pdf(), actor=SYSTEM)
    login(client, cast.buyer_a)
    page = client.get(f"/products/{product.pk}/").content.decode()
    assert "VPAT / ACR: WCAG 2.1 A," in page and "/compliance/documents/report/" in page
    assert "does not support full WCAG 2.1 AA conformance" in page


def test_vendor_form_states_and_refuses_facts(client, cast):
    product = _product(cast)
    login(client, cast.vendor_user_a)
    form = {"name": "Phonics Pal", "category": product.category.pk, "kind": "software", "price_unit": "per_site",
            "list_price": "12.00", "unit": "site/year", "languages": ["en", "ko"], "accessibility": "not_evaluated",
            "essa_tier": "5", "essa_study_url": "", "active": "on"}
    refused = client.post(f"/vendor/products/{product.pk}/", form)
    assert refused.status_code == 400 and Product.objects.get(pk=product.pk).facts_version == 1
    refused = client.post(f"/vendor/products/{product.pk}/", {**form, "essa_tier": "", "essa_study_url": "https://x.example.org/s"})
    assert refused.status_code == 400 and "ESSA tier" in refused.content.decode()
    saved = client.post(f"/vendor/products/{product.pk}/", {**form, "essa_tier": "4"}, follow=True)
    assert "Its facts are version 2, which consortium staff have not checked yet." in saved.content.decode()
    product.refresh_from_db()
    assert (product.price_unit, product.languages, product.essa_tier, product.facts_version) == ("per_site", ["en", "ko"], 4, 2)
