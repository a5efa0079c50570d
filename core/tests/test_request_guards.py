"""NUL characters and over-long text are refused once for all (core.middleware, core.textguard):
PostgreSQL cannot search for or store a NUL and refuses text longer than its column, where SQLite
silently accepted both; every page and API operation now refuses them the same way on both."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError

from orgs.models import Organisation
from tests.cast import PASSWORD


def post_json(client, url, data, **headers):
    return client.post(url, data=json.dumps(data), content_type="application/json", **headers)


def bearer(client, email) -> dict:
    response = post_json(client, "/api/v1/auth/token", {"email": email, "password": PASSWORD})
    assert response.status_code == 201, response.content
    return {"HTTP_AUTHORIZATION": f"Bearer {response.json()['token']}"}


def refused(response, field: str) -> dict:
    assert response.status_code == 422, response.content[:500]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert field in body["detail"] and field in body["errors"], body
    return body


def test_nul_characters_in_filters_and_bodies(client, cast):
    """PostgreSQL cannot search for or store text with a NUL: refused for every request, on both
    databases (the API in its JSON shape, pages with a page naming the field)."""
    staff = bearer(client, "staff@example.org")
    for url, field in [("/api/v1/catalog?q=a%00b", "q"), ("/api/v1/members?state=C%00", "state"),
                       ("/api/v1/solicitations?q=%00", "q"), ("/api/v1/agreements?q=%00", "q"),
                       ("/api/v1/products?category=%00", "category"),
                       ("/api/v1/compliance/rules/us%00ferpa", "path")]:
        refused(client.get(url, **staff), field)
    body = refused(post_json(client, "/api/v1/memberships",
                             {"district_id": cast.district_a.pk, "note": "hello\x00"}, **staff), "note")
    assert "NUL" in body["detail"]
    refused(post_json(client, "/api/v1/orders", {"agreement_id": 1, "lines": [{"product_id": 1, "quantity": 1}],
                                                 "reference": "PO\x00"}, **staff), "reference")
    for page in ("/catalog/", "/solicitations/", "/agreements/", "/members/"):
        response = client.get(page + "?q=a%00b")
        assert response.status_code == 400 and "contains a NUL character" in response.content.decode()
        assert "<strong>q</strong>" in response.content.decode()



@pytest.mark.django_db
@pytest.mark.parametrize("name, message", [("x" * 301, "At most 300 characters"), ("a\x00b", "NUL")])
def test_no_model_saves_text_its_column_cannot_hold(name, message):
    """The last line before the database, for writes no form or schema checked first."""
    with pytest.raises(ValidationError) as exc:
        Organisation(kind="vendor", name=name, slug="x").save()
    assert message in " ".join(exc.value.message_dict["name"])
    assert not Organisation.objects.exists()
