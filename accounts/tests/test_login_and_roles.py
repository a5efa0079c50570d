from __future__ import annotations

import re

from django.core import mail

from accounts.middleware import SESSION_KEY
from tests.cast import PASSWORD


def login(client, email, password=PASSWORD):
    return client.post("/account/login/", {"username": email, "password": password})


def test_login_with_email_and_password(client, cast):
    response = login(client, "BUYER-A@example.org")
    assert response.status_code == 302 and response.url == "/home/"
    page = client.get("/").content.decode()
    assert "Signed in as buyer-a@example.org" in page
    assert "acting as district buyer for Alpha Unified" in page


def test_wrong_password_is_refused_without_saying_which(client, cast):
    response = login(client, "buyer-a@example.org", "nope-nope-nope")
    assert response.status_code == 200
    assert "email address or password is not right" in response.content.decode()


def test_login_rate_limit_blocks_even_the_right_password(client, cast, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    for _ in range(3):
        login(client, "buyer-a@example.org", "wrong-password-x")
    response = login(client, "buyer-a@example.org")
    assert response.status_code == 200
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Another account is not affected by this one's failures.
    assert login(client, "buyer-b@example.org").status_code == 302


def test_logout_needs_post(client, cast):
    login(client, "staff@example.org")
    assert client.get("/account/logout/").status_code == 405
    assert client.post("/account/logout/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_person_with_two_roles_picks_one(client, cast):
    response = login(client, "multi@example.org")
    assert response.status_code == 302 and response.url.startswith("/account/act-as/")
    # Until they choose, role pages send them to the chooser.
    response = client.get("/membership/")
    assert response.status_code == 302 and "/account/act-as/" in response.url
    page = client.get("/account/act-as/").content.decode()
    assert "District buyer for Alpha Unified" in page and "Evaluator for Beta Unified" in page
    evaluator_b = cast.multi.role_assignments.get(role="evaluator")
    response = client.post("/account/act-as/", {"assignment": evaluator_b.pk, "next": "/membership/"})
    assert response.status_code == 302 and response.url == "/membership/"
    assert client.session[SESSION_KEY] == evaluator_b.pk
    assert "Beta Unified: membership" in client.get("/membership/").content.decode()


def test_cannot_pick_someone_elses_role(client, cast):
    login(client, "multi@example.org")
    foreign = cast.staff.role_assignments.get()
    response = client.post("/account/act-as/", {"assignment": foreign.pk})
    assert response.status_code == 200  # the form refuses an unknown choice
    assert SESSION_KEY not in client.session


def test_password_reset_by_email(client, cast):
    response = client.post("/account/password/reset/", {"email": "buyer-a@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/account/password/reset/\S+)", mail.outbox[0].body).group(1)
    form_url = client.get(link).url  # Django swaps the token for a session-held one
    response = client.post(form_url, {"new_password1": "brand-new-secret-77",
                                       "new_password2": "brand-new-secret-77"})
    assert response.status_code == 302
    assert login(client, "buyer-a@example.org", "brand-new-secret-77").status_code == 302


def test_password_reset_does_not_reveal_unknown_addresses(client, cast):
    response = client.post("/account/password/reset/", {"email": "nobody@example.org"})
    assert response.status_code == 302 and len(mail.outbox) == 0


def test_session_cookie_is_http_only_and_expires(client, cast, settings):
    response = login(client, "staff@example.org")
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert settings.SESSION_COOKIE_AGE <= 12 * 3600


def test_tokens_page_creates_and_revokes(client, cast):
    login(client, "buyer-a@example.org")
    assignment = cast.buyer_a.role_assignments.get()
    response = client.post("/account/tokens/", {"name": "finance", "assignment": assignment.pk})
    assert response.status_code == 302
    page = client.get("/account/").content.decode()
    secret = re.search(r"<code>(edp_[^<]+)</code>", page).group(1)
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200
    token = cast.buyer_a.api_tokens.get()
    assert client.post(f"/account/tokens/{token.pk}/revoke/").status_code == 302
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401
    # Nobody else can revoke it.
    client.post("/account/logout/")
    login(client, "buyer-b@example.org")
    assert client.post(f"/account/tokens/{token.pk}/revoke/").status_code == 404


def test_unverified_account_is_told_to_confirm_its_email(client, cast):
    cast.vendor_user_b.is_active = False
    cast.vendor_user_b.save()
    response = login(client, "sales@vendor-b.example")
    assert "Confirm your email address first" in response.content.decode()
    response = login(client, "sales@vendor-b.example", "wrong-password-1")
    assert "Confirm your email" not in response.content.decode()
