"""The API foundation: tokens, who-am-I, the member directory and memberships."""

from __future__ import annotations

import datetime as dt
import json

from django.utils import timezone

from accounts.models import ApiToken
from members.states import MembershipState
from tests.cast import PASSWORD


def post_json(client, url, data, **headers):
    return client.post(url, data=json.dumps(data), content_type="application/json", **headers)


def token_for(client, email, **extra) -> str:
    response = post_json(client, "/api/v1/auth/token", {"email": email, "password": PASSWORD, **extra})
    assert response.status_code == 201, response.content
    return response.json()["token"]


def bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_openapi_document(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["info"]["title"] == "EdPool API"
    assert "/api/v1/me" in schema["paths"] and "/api/v1/members" in schema["paths"]
    assert client.get("/api/v1/docs").status_code == 200


def test_token_and_me(client, cast):
    token = token_for(client, "buyer-a@example.org")
    me = client.get("/api/v1/me", **bearer(token)).json()
    assert me["email"] == "buyer-a@example.org"
    assert me["acting_as"]["role"] == "district_buyer"
    assert me["acting_as"]["organisation"] == "Alpha Unified"
    stored = ApiToken.objects.get()
    assert token not in (stored.digest, stored.prefix) and len(stored.digest) == 64
    # The district id (what district endpoints take) beside the organisation id.
    assert me["acting_as"]["district_id"] == cast.district_a.pk
    assert me["acting_as"]["organisation_id"] == cast.district_a.organisation_id
    assert me["acting_as"]["vendor_id"] is None
    assert client.get(f"/api/v1/members/{me['acting_as']['district_id']}",
                      **bearer(token)).status_code == 200
    vendor = client.get("/api/v1/me", **bearer(token_for(client, "sales@vendor-a.example"))).json()
    assert vendor["acting_as"]["vendor_id"] == cast.vendor_a.pk
    assert vendor["acting_as"]["district_id"] is None
    staff = client.get("/api/v1/me", **bearer(token_for(client, "staff@example.org"))).json()
    assert staff["acting_as"]["district_id"] is None and staff["acting_as"]["vendor_id"] is None


def test_person_with_several_roles_must_say_which(client, cast):
    response = post_json(client, "/api/v1/auth/token", {"email": "multi@example.org", "password": PASSWORD})
    assert response.status_code == 422
    assert "acting_as" in response.json()["errors"]
    evaluator_b = cast.multi.role_assignments.get(role="evaluator")
    token = token_for(client, "multi@example.org", acting_as=evaluator_b.pk)
    me = client.get("/api/v1/me", **bearer(token)).json()
    assert me["acting_as"]["organisation"] == "Beta Unified" and len(me["roles"]) == 2
    foreign = cast.staff.role_assignments.get()
    response = post_json(client, "/api/v1/auth/token",
                         {"email": "multi@example.org", "password": PASSWORD, "acting_as": foreign.pk})
    assert response.status_code == 422


def test_token_login_is_rate_limited(client, cast, settings):
    settings.LOGIN_FAILURE_LIMIT = 2
    for _ in range(2):
        assert post_json(client, "/api/v1/auth/token",
                         {"email": "staff@example.org", "password": "bad"}).status_code == 403
    response = post_json(client, "/api/v1/auth/token", {"email": "staff@example.org", "password": PASSWORD})
    assert response.status_code == 429 and "Too many" in response.json()["detail"]


def test_revoked_and_expired_tokens_stop_working(client, cast):
    token = token_for(client, "staff@example.org")
    assert client.delete("/api/v1/auth/token", **bearer(token)).status_code == 200
    assert client.get("/api/v1/me", **bearer(token)).status_code == 401
    token2 = token_for(client, "staff@example.org")
    ApiToken.objects.filter(revoked_at__isnull=True).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert client.get("/api/v1/me", **bearer(token2)).status_code == 401
    assert client.get("/api/v1/me", **bearer("edp_not-a-token")).status_code == 401


def test_tokens_listing_shows_only_own(client, cast):
    token_for(client, "buyer-b@example.org")
    token = token_for(client, "buyer-a@example.org")
    listing = client.get("/api/v1/auth/tokens", **bearer(token)).json()
    assert len(listing) == 1 and "token" not in listing[0]
    other = ApiToken.objects.get(user=cast.buyer_b)
    assert client.delete(f"/api/v1/auth/tokens/{other.pk}", **bearer(token)).status_code == 404


def test_member_directory_api(client, cast):
    body = client.get("/api/v1/members?page_size=1").json()
    assert body["totals"] == {"members": 2, "students": 15400, "students_estimated": False, "states": 1}
    assert body["count"] == 2 and body["pages"] == 2 and body["results"][0]["name"] == "Alpha Unified"
    assert client.get(f"/api/v1/members/{cast.district_b.pk}").json()["member_since"] == "2025-03-01"


def test_memberships_are_scoped_to_the_callers_district(client, cast):
    token = token_for(client, "buyer-b@example.org")
    rows = client.get("/api/v1/memberships", **bearer(token)).json()
    assert [r["district"] for r in rows] == ["Beta Unified"]
    staff = token_for(client, "staff@example.org")
    rows = client.get("/api/v1/memberships", **bearer(staff)).json()
    assert {r["district"] for r in rows} == {"Alpha Unified", "Beta Unified"}
    assert client.get("/api/v1/memberships?state=bogus", **bearer(staff)).status_code == 422


def test_membership_lifecycle_through_the_api(client, cast):
    from members.services import DistrictRecord, district_upsert
    from tests.cast import SYSTEM

    newcomer, _ = district_upsert(record=DistrictRecord(name="Gamma", state="CA",
                                                        state_leaid="CA-0100003"), actor=SYSTEM)
    staff = bearer(token_for(client, "staff@example.org"))
    created = post_json(client, "/api/v1/memberships", {"district_id": newcomer.pk}, **staff)
    assert created.status_code == 201 and created.json()["next_steps"] == ["approve_board", "withdraw"]
    mid = created.json()["id"]
    url = f"/api/v1/memberships/{mid}/transitions"
    missing = client.post(url, {"action": "approve_board"}, **staff)
    assert missing.status_code == 422 and "resolution_document" in missing.json()["errors"]
    from django.core.files.uploadedfile import SimpleUploadedFile
    pdf = SimpleUploadedFile("r.pdf", b"%PDF-1.7\n...", content_type="application/pdf")
    step = client.post(url, {"action": "approve_board", "resolution_number": "R-9",
                             "resolution_document": pdf}, **staff)
    assert step.status_code == 200 and step.json()["has_resolution_document"]
    wrong = client.post(url, {"action": "activate"}, **staff)
    assert wrong.status_code == 422 and "board approved" in wrong.json()["detail"]
    unknown = client.post(url, {"action": "promote"}, **staff)
    assert unknown.status_code == 422 and "Unknown membership action" in unknown.json()["errors"]["action"][0]
    assert client.post(url, {"action": "sign_agreement", "signed_by": "Dr. G"}, **staff).status_code == 200
    done = client.post(url, {"action": "activate"}, **staff).json()
    assert done["state"] == MembershipState.ACTIVE


def test_session_auth_needs_csrf_for_writes(cast):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.login(email="staff@example.org", password=PASSWORD)
    assert browser.get("/api/v1/me").status_code == 200
    response = browser.post("/api/v1/memberships", data=json.dumps({"district_id": cast.district_a.pk}),
                            content_type="application/json")
    assert response.status_code in (401, 403)
