"""A password change revokes the user's API tokens (issue 11): changed on the page, reset by email
link, or set by `edpool add-user --password-stdin`; audited, and said on the pages."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from accounts.models import ApiToken
from accounts.tests.test_sign_in_limits import login, reset_password
from audit.actions import AuditAction
from audit.models import AuditEvent
from tests.cast import PASSWORD

NEW = "brand-new-secret-77"


def token_for(client, email="buyer-a@example.org", password=PASSWORD) -> str:
    response = client.post("/api/v1/auth/token", {"email": email, "password": password},
                           content_type="application/json")
    assert response.status_code == 201, response.content
    return response.json()["token"]


def works(client, secret) -> bool:
    return client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200


def test_changing_the_password_revokes_every_token(client, cast):
    first, second = token_for(client), token_for(client)
    other = token_for(client, "buyer-b@example.org")
    login(client, "buyer-a@example.org")
    page = client.get("/account/password/change/").content.decode()
    assert "also revokes every API token you hold" in page
    response = client.post("/account/password/change/", {
        "old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW}, follow=True)
    assert response.redirect_chain[-1][0] == "/account/"
    page = response.content.decode()
    assert "Your password has been changed. 2 API tokens were revoked" in page
    assert page.count("(password changed)") == 2  # the tokens list says why
    assert "_auth_user_id" in client.session  # still signed in
    assert not works(client, first) and not works(client, second)
    assert works(client, other)  # someone else's tokens are untouched
    events = AuditEvent.objects.filter(action__in=[AuditAction.API_TOKEN_REVOKED, AuditAction.USER_PASSWORD_CHANGED])
    assert [e.action for e in events.order_by("seq")] == [
        AuditAction.API_TOKEN_REVOKED, AuditAction.API_TOKEN_REVOKED, AuditAction.USER_PASSWORD_CHANGED]
    changed = events.get(action=AuditAction.USER_PASSWORD_CHANGED)
    assert changed.after == {"how": "changed by the user", "api_tokens_revoked": 2}
    assert changed.actor_email == "buyer-a@example.org"
    assert all(e.after["reason"] == "password changed" for e in events.filter(action=AuditAction.API_TOKEN_REVOKED))
    listed = client.get("/api/v1/auth/tokens", HTTP_AUTHORIZATION=f"Bearer {token_for(client, password=NEW)}")
    assert sorted(t["revoked_reason"] for t in listed.json()) == ["", "password changed", "password changed"]


def test_a_password_reset_revokes_every_token(client, cast, django_capture_on_commit_callbacks):
    secret = token_for(client)
    with django_capture_on_commit_callbacks(execute=True):
        reset_password(client, "buyer-a@example.org", NEW)
    assert not works(client, secret)
    event = AuditEvent.objects.get(action=AuditAction.USER_PASSWORD_CHANGED)
    assert event.after == {"how": "reset by email link", "api_tokens_revoked": 1}
    assert ApiToken.objects.get().revoked_reason == "password changed"


def test_add_user_with_a_new_password_revokes_every_token(client, cast, monkeypatch):
    secret = token_for(client)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # no password: tokens stay
    call_command("add_user", "buyer-a@example.org", "--org", "Beta Unified", "--role", "evaluator")
    assert works(client, secret)
    monkeypatch.setattr("sys.stdin", io.StringIO("a-long-enough-password\n"))
    call_command("add_user", "buyer-a@example.org", "--org", "Alpha Unified", "--role", "district_buyer",
                 "--password-stdin")
    assert not works(client, secret)
    event = AuditEvent.objects.filter(action=AuditAction.USER_UPDATED).latest("seq")
    assert event.after["password_changed"] is True and event.after["api_tokens_revoked"] == 1
    assert event.actor_label == "edpool add-user"
    assert AuditEvent.objects.filter(action=AuditAction.API_TOKEN_REVOKED, actor_label="edpool add-user").count() == 1


def test_only_the_person_changes_their_own_password_through_the_service(cast):
    from accounts.services import user_password_change

    with pytest.raises(Exception, match="Only the person"):
        user_password_change(user=cast.buyer_a, password=NEW, how="change", actor=cast.actor(cast.staff))
    cast.buyer_a.refresh_from_db()
    assert cast.buyer_a.check_password(PASSWORD)
