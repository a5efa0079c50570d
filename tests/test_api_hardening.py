"""What fuzzing the OpenAPI document found (issue 11), each answered with the API's JSON error shape
naming the field, never a 500: page numbers and ids beyond 64 bits, absurd money values,
over-long text, HTML error pages under /api/, and schema classes that shared a name (so the
document described one request body with another's fields). NUL characters: core/tests."""

from __future__ import annotations

import json
import logging

import pytest
from django.test import Client

from compliance.models import ComplianceDecision
from members.models import Membership
from tests.cast import PASSWORD

BIG = [2**63, 10**20]


def post_json(client, url, data, **headers):
    return client.post(url, data=json.dumps(data), content_type="application/json", **headers)


def bearer(client, email) -> dict:
    response = post_json(client, "/api/v1/auth/token", {"email": email, "password": PASSWORD})
    assert response.status_code == 201, response.content
    return {"HTTP_AUTHORIZATION": f"Bearer {response.json()['token']}"}


def refused(response, field: str, status: int = 422) -> dict:
    """The API's error shape, naming the field."""
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert isinstance(body["detail"], str) and field in body["detail"], body
    assert field in body.get("errors", {}), body
    return body


@pytest.mark.parametrize("page", BIG)
def test_page_numbers_beyond_any_list(client, cast, page):
    refused(client.get(f"/api/v1/catalog?page={page}"), "page")
    refused(client.get(f"/api/v1/members?page={page}"), "page")


@pytest.mark.parametrize("value", ["1e30", "-1", "NaN"])
def test_absurd_annual_values_are_refused_before_anything_is_stored(client, cast, value):
    staff = bearer(client, "staff@example.org")
    buyer = bearer(client, "buyer-a@example.org")
    product = cast.vendor_a  # any id: the value is refused first
    refused(client.get(f"/api/v1/compliance/check?product=1&district={cast.district_a.pk}"
                       f"&annual_value={value}", **staff), "annual_value")
    refused(client.get(f"/api/v1/compliance/matrix?annual_value={value}", **staff), "annual_value")
    refused(client.get(f"/api/v1/agreements/1/join-requirements?estimated_value={value}", **buyer),
            "estimated_value")
    refused(post_json(client, "/api/v1/compliance/decisions",
                      {"product_id": product.pk, "purpose": "test", "annual_value": value}, **buyer),
            "annual_value")
    assert not ComplianceDecision.objects.exists()


@pytest.mark.parametrize("big", BIG)
def test_ids_beyond_64_bits(client, cast, big):
    """SQLite cannot hold them: filters on a foreign key failed with OverflowError."""
    staff = bearer(client, "staff@example.org")
    vendor = bearer(client, "sales@vendor-a.example")
    refused(client.get(f"/api/v1/members/{big}"), "district_id")
    for url, field in [(f"/api/v1/products?vendor_id={big}", "vendor_id"),
                       (f"/api/v1/compliance/dpas?district_id={big}", "district_id"),
                       (f"/api/v1/compliance/dpas?vendor_id={big}", "vendor_id"),
                       (f"/api/v1/compliance/attestations?vendor_id={big}", "vendor_id"),
                       (f"/api/v1/compliance/accessibility-reports?product_id={big}", "product_id"),
                       (f"/api/v1/compliance/matrix?vendor_id={big}", "vendor_id"),
                       (f"/api/v1/sales-reports?agreement_id={big}", "agreement_id"),
                       (f"/api/v1/orders/{big}", "order_id"),
                       (f"/api/v1/solicitations/{big}", "solicitation_id")]:
        refused(client.get(url, **staff), field)
    refused(post_json(client, "/api/v1/memberships", {"district_id": big}, **staff), "district_id")
    refused(client.put(f"/api/v1/products/{big}", data=json.dumps({}), content_type="application/json",
                       **vendor), "product_id")


def test_over_long_text_is_refused_by_field(client, cast):
    """Each text field is bounded like its column: PostgreSQL refused the write (500), SQLite
    stored it."""
    staff = bearer(client, "staff@example.org")
    before = Membership.objects.count()
    body = refused(post_json(client, "/api/v1/memberships",
                             {"district_id": cast.district_a.pk, "contact_name": "x" * 201}, **staff),
                   "contact_name")
    assert "200" in body["detail"]
    assert Membership.objects.count() == before
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert schema["MembershipApplyIn"]["properties"]["contact_name"]["maxLength"] == 200


def test_request_shape_errors_have_the_error_shape(client, cast):
    staff = bearer(client, "staff@example.org")
    body = refused(post_json(client, "/api/v1/orders", {"agreement_id": "x", "lines": [{"quantity": 0}]},
                             **staff), "agreement_id")
    assert set(body["errors"]) == {"agreement_id", "lines[0].product_id", "lines[0].quantity"}
    unreadable = client.post("/api/v1/orders", data="{not json", content_type="application/json", **staff)
    assert unreadable.status_code == 400 and "detail" in unreadable.json()
    assert client.get("/api/v1/no-such-thing").json()["detail"].startswith("Not found")


def test_an_unexpected_error_is_json_and_logged(db, monkeypatch, caplog):
    import members.api

    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(members.api.selectors, "member_directory", broken)
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.ERROR, logger="edpool.api"):
        response = client.get("/api/v1/members")
    assert response.status_code == 500 and response["Content-Type"].startswith("application/json")
    assert set(response.json()) == {"detail"} and "boom" not in response.json()["detail"]
    logged = [r for r in caplog.records if r.name == "edpool.api"]
    assert logged and logged[0].exc_info and "RuntimeError: boom" in caplog.text


def test_the_document_describes_each_request_body_by_its_own_schema(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    paths, components = schema["paths"], schema["components"]["schemas"]

    def body(path, method="post"):
        ref = paths["/api/v1" + path][method]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        return components[ref.rsplit("/", 1)[-1]]

    assert set(body("/agreements/{agreement_id}/sales-reports")["properties"]) == {"quarter", "lines"}
    assert "bid_id" in body("/solicitations/{solicitation_id}/scores")["properties"]
    assert "other_score" in body("/mini-competitions/{competition_id}/scores")["properties"]
    assert "upheld" in body("/solicitations/{solicitation_id}/protests/{protest_id}/decision")["properties"]
    assert "approve" in body("/agreements/{agreement_id}/amendments/{number}/decision")["properties"]
    assert "purpose" in body("/compliance/decisions")["properties"]
    lines = body("/orders")["properties"]["lines"]["items"]["$ref"].rsplit("/", 1)[-1]
    assert set(components[lines]["properties"]) == {"product_id", "quantity"}


def test_every_operation_documents_its_errors(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    assert set(schema["components"]["schemas"]["ApiError"]["properties"]) == {"detail", "errors"}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert "422" in codes, (method, path)
            if operation.get("security"):
                assert {"401", "403"} <= codes, (method, path)
            if "{" in path:
                assert "404" in codes, (method, path)
            for code, response in operation["responses"].items():
                if code in ("400", "401", "403", "404", "422", "429"):
                    assert response["content"]["application/json"]["schema"] == {
                        "$ref": "#/components/schemas/ApiError"}, (method, path, code)
