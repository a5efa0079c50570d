"""GET /api/v1/inbox and POST /api/v1/inbox/{id}/read: only my own notices."""

from __future__ import annotations

from accounts.acting import Actor
from accounts.services import api_token_create
from edpool.api import api
from inbox.models import Notice
from inbox.tests.conftest import add_notices


def token(user) -> dict:
    assignment = user.role_assignments.first()
    _, secret = api_token_create(user=user, assignment=assignment, actor=Actor.from_assignment(assignment))
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_list_is_mine_newest_first_and_paginated(client, cast, settings):
    settings.SITE_URL = "https://edpool.example.org"
    add_notices(cast.vendor_user_a, 2, read=True)
    add_notices(cast.vendor_user_a, 3, link="/vendor/contracts/")
    add_notices(cast.vendor_user_b, 4)
    headers = token(cast.vendor_user_a)
    body = client.get("/api/v1/inbox?page_size=2", **headers).json()
    assert (body["count"], body["unread"], body["page"], body["pages"]) == (5, 3, 1, 3)
    newest = body["results"][0]
    assert newest["subject"] == "Notice 3" and newest["read_at"] is None
    assert newest["link"] == "/vendor/contracts/"
    assert newest["url"] == "https://edpool.example.org/vendor/contracts/"
    last = client.get("/api/v1/inbox?page_size=2&page=3", **headers).json()
    assert [n["subject"] for n in last["results"]] == ["Notice 1"] and last["results"][0]["read_at"]


def test_mark_read_mine_only(client, cast):
    mine, = add_notices(cast.vendor_user_a, 1)
    theirs, = add_notices(cast.vendor_user_b, 1)
    headers = token(cast.vendor_user_a)
    response = client.post(f"/api/v1/inbox/{mine.pk}/read", **headers)
    assert response.status_code == 200 and response.json()["read_at"]
    other = client.post(f"/api/v1/inbox/{theirs.pk}/read", **headers)
    assert other.status_code == 404 and set(other.json()) >= {"detail"}
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert client.get("/api/v1/inbox", **headers).json()["unread"] == 0
    assert Notice.objects.filter(recipient=cast.vendor_user_b, read_at__isnull=True).count() == 1


def test_needs_a_token(client, cast):
    assert client.get("/api/v1/inbox").status_code == 401
    notice, = add_notices(cast.staff, 1)
    assert client.post(f"/api/v1/inbox/{notice.pk}/read").status_code == 401


def test_typed_response_schema():
    schema = api.get_openapi_schema()
    listing = schema["paths"]["/api/v1/inbox"]["get"]["responses"][200]["content"]["application/json"]["schema"]
    assert listing["$ref"].endswith("/InboxOut")
    notice = schema["components"]["schemas"]["NoticeOut"]["properties"]
    assert {"id", "subject", "body", "link", "url", "created_at", "read_at"} <= set(notice)
    read = schema["paths"]["/api/v1/inbox/{notice_id}/read"]["post"]["responses"]
    assert 404 in read and read[200]["content"]["application/json"]["schema"]["$ref"].endswith("/NoticeOut")
