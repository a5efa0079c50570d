"""Vendor self-registration with email verification, on the pages and through the API, and
vendor users adding colleagues."""

from __future__ import annotations

import json
import re
import time
from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.acting import Actor
from accounts.models import RoleAssignment, User
from audit.actions import AuditAction
from audit.models import AuditEvent
from catalog.services import category_ensure
from orgs.models import Organisation
from tests.cast import PASSWORD, SYSTEM
from vendors.models import Vendor
from vendors.services import (email_verify_token, vendor_email_verify, vendor_register,
                              vendor_user_invite)

NEW_PASSWORD = "violet-harbour-4417"
REGISTRATION = {
    "company_name": "Lumen Reading Co.", "legal_name": "Lumen Reading Company, Inc.",
    "website": "https://lumen.example", "contact_name": "Rosa Reyes",
    "email": "Rosa@Lumen.example", "password": NEW_PASSWORD, "password_again": NEW_PASSWORD,
}
VERIFY_LINK = re.compile(r"https?://[^/\s]+(/vendors/verify/[^/\s]+/)")


@pytest.fixture
def categories(db):
    return [category_ensure(code="reading", name="Reading intervention", actor=SYSTEM),
            category_ensure(code="devices", name="Devices: Chromebooks", actor=SYSTEM)]


def counts() -> dict:
    return {"organisations": Organisation.objects.count(), "vendors": Vendor.objects.count(),
            "users": User.objects.count(), "roles": RoleAssignment.objects.count(),
            "audit": AuditEvent.objects.count()}


def sign_in(client, email: str, password: str):
    return client.post("/account/login/", {"username": email, "password": password})


def register(client, **changes):
    data = {**REGISTRATION, **changes}
    return client.post("/vendors/register/", data)


def api_register(client, **changes):
    data = {k: v for k, v in REGISTRATION.items() if k != "password_again"}
    data.update(changes)
    return client.post("/api/v1/vendors/register", json.dumps(data),
                       content_type="application/json")


# --- The whole journey ------------------------------------------------------------------------

def test_register_verify_then_sign_in_on_the_pages(client, cast, categories,
                                                   django_capture_on_commit_callbacks):
    page = client.get("/vendors/register/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<legend>Categories you sell in" in html and 'type="checkbox"' in html

    with django_capture_on_commit_callbacks(execute=True):
        response = register(client, categories=[categories[0].pk])
    assert response.status_code == 302 and response.url == "/vendors/register/check-your-email/"
    done = client.get(response.url)
    assert done.status_code == 200 and "rosa@lumen.example" in done.content.decode()

    vendor = Vendor.objects.get(organisation__name="Lumen Reading Co.")
    assert vendor.legal_name == "Lumen Reading Company, Inc."
    assert vendor.contact_email == "rosa@lumen.example"
    assert [c.code for c in vendor.categories.all()] == ["reading"]
    user = User.objects.get(email="rosa@lumen.example")
    assert user.full_name == "Rosa Reyes" and not user.is_active
    assert RoleAssignment.objects.filter(user=user, organisation=vendor.organisation,
                                         role="vendor_user").exists()
    assert AuditEvent.objects.filter(action=AuditAction.VENDOR_REGISTERED, object_id=str(vendor.pk)).exists()

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["rosa@lumen.example"]
    link = VERIFY_LINK.search(message.body).group(1)

    # Not before the address is confirmed.
    refused = sign_in(client, "rosa@lumen.example", NEW_PASSWORD)
    assert refused.status_code == 200 and "_auth_user_id" not in client.session

    confirmed = client.get(link)
    assert confirmed.status_code == 200 and "Email address confirmed" in confirmed.content.decode()
    user.refresh_from_db()
    assert user.is_active
    assert AuditEvent.objects.filter(action=AuditAction.USER_EMAIL_VERIFIED, object_id=str(user.pk)).count() == 1
    again = client.get(link)  # opening the link twice is fine, and records nothing new
    assert again.status_code == 200
    assert AuditEvent.objects.filter(action=AuditAction.USER_EMAIL_VERIFIED, object_id=str(user.pk)).count() == 1

    assert sign_in(client, "rosa@lumen.example", NEW_PASSWORD).status_code == 302
    profile = client.get("/vendor/profile/")
    assert profile.status_code == 200
    assert "Lumen Reading Co.: company profile" in profile.content.decode()


def test_register_verify_then_use_the_api(client, cast, categories,
                                          django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_register(client, categories=["devices", "reading"])
    assert response.status_code == 201, response.content
    body = response.json()
    vendor = Vendor.objects.get(pk=body["vendor_id"])
    assert body["email"] == "rosa@lumen.example" and "verification" in body["message"]
    token = VERIFY_LINK.search(mail.outbox[0].body).group(1).split("/")[-2]

    credentials = json.dumps({"email": "rosa@lumen.example", "password": NEW_PASSWORD})
    before = client.post("/api/v1/auth/token", credentials, content_type="application/json")
    assert before.status_code == 403

    verified = client.post("/api/v1/vendors/verify", json.dumps({"token": token}),
                           content_type="application/json")
    assert verified.status_code == 200 and verified.json()["active"] is True

    issued = client.post("/api/v1/auth/token", credentials, content_type="application/json")
    assert issued.status_code == 201
    me = client.get("/api/v1/vendors/me", HTTP_AUTHORIZATION=f"Bearer {issued.json()['token']}")
    assert me.status_code == 200
    data = me.json()
    assert data["vendor_id"] == vendor.pk and data["name"] == "Lumen Reading Co."
    assert {c["code"] for c in data["categories"]} == {"devices", "reading"}
    assert data["users"] == [{"email": "rosa@lumen.example", "full_name": "Rosa Reyes",
                              "active": True, "has_password": True}]


def test_vendors_me_is_only_for_vendor_users(client, cast):
    assert client.get("/api/v1/vendors/me").status_code == 401
    sign_in(client, cast.buyer_a.email, PASSWORD)
    assert client.get("/api/v1/vendors/me").status_code == 403


def test_home_page_offers_registration_to_visitors_only(client, cast):
    assert "/vendors/register/" in client.get("/").content.decode()
    sign_in(client, cast.buyer_a.email, PASSWORD)
    assert "/vendors/register/" not in client.get("/").content.decode()


# --- Refusals: nothing is created ---------------------------------------------------------------

def test_email_that_already_has_an_account_is_refused(client, cast,
                                                      django_capture_on_commit_callbacks):
    start = counts()
    with django_capture_on_commit_callbacks(execute=True):
        page = register(client, email="SALES@vendor-a.example")
        api = api_register(client, email="sales@vendor-a.example")
    assert page.status_code == 400
    assert "An account with this email address already exists" in page.content.decode()
    assert api.status_code == 422 and "email" in api.json()["errors"]
    assert counts() == start and mail.outbox == []


def test_company_name_already_registered_is_refused(client, cast,
                                                    django_capture_on_commit_callbacks):
    start = counts()
    with django_capture_on_commit_callbacks(execute=True):
        page = register(client, company_name="  vendor a ")
        api = api_register(client, company_name="VENDOR A")
    assert page.status_code == 400 and "is already registered" in page.content.decode()
    assert api.status_code == 422 and "company_name" in api.json()["errors"]
    assert counts() == start and mail.outbox == []


@pytest.mark.parametrize("password", ["short1", "password1234", "12345678901234", "rosa@lumen.example"])
def test_weak_password_is_refused(client, cast, password):
    start = counts()
    page = register(client, password=password, password_again=password)
    assert page.status_code == 400 and 'id="id_password_error"' in page.content.decode()
    api = api_register(client, password=password)
    assert api.status_code == 422 and "password" in api.json()["errors"]
    assert counts() == start


def test_passwords_must_match_and_fields_are_named(client, cast):
    start = counts()
    page = register(client, password_again="something-else-entirely", company_name="")
    html = page.content.decode()
    assert page.status_code == 400
    assert 'href="#id_password_again"' in html and 'href="#id_company_name"' in html
    assert counts() == start


def test_service_names_every_bad_field(cast):
    with pytest.raises(ValidationError) as caught:
        vendor_register(company_name=" ", legal_name="", contact_name="", email="not-an-email",
                        password="x", categories=[], website="not a url",
                        actor=Actor.system("test"))
    assert set(caught.value.message_dict) == {"company_name", "contact_name", "email", "password",
                                              "website"}


def test_unknown_category_code_is_refused(client, cast, categories):
    start = counts()
    response = api_register(client, categories=["reading", "no-such-thing"])
    assert response.status_code == 422 and "no-such-thing" in response.json()["detail"]
    assert counts() == start


def test_a_failure_half_way_leaves_nothing_behind(cast, monkeypatch,
                                                  django_capture_on_commit_callbacks):
    start = counts()

    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr("vendors.services.role_assign", broken)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        vendor_register(company_name="Half Way Ltd", legal_name="", contact_name="Hal",
                        email="hal@halfway.example", password=NEW_PASSWORD, categories=[],
                        actor=Actor.system("test"))
    assert counts() == start and mail.outbox == []


# --- Verification links -------------------------------------------------------------------------

def _registered_user():
    vendor_register(company_name="Lumen Reading Co.", legal_name="", contact_name="Rosa Reyes",
                    email="rosa@lumen.example", password=NEW_PASSWORD, categories=[],
                    actor=Actor.system("test"))
    return User.objects.get(email="rosa@lumen.example")


def test_bad_and_tampered_tokens_are_refused(client, cast):
    user = _registered_user()
    token = email_verify_token(user)
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    for bad in ["bogus-token", tampered]:
        page = client.get(f"/vendors/verify/{bad}/")
        assert page.status_code == 400
        assert "This verification link is not valid" in page.content.decode()
        api = client.post("/api/v1/vendors/verify", json.dumps({"token": bad}),
                          content_type="application/json")
        assert api.status_code == 422 and "token" in api.json()["errors"]
    user.refresh_from_db()
    assert not user.is_active


def test_expired_token_is_refused(client, cast):
    user = _registered_user()
    with mock.patch("time.time", return_value=time.time() - 4 * 24 * 3600):
        old = email_verify_token(user)
    page = client.get(f"/vendors/verify/{old}/")
    assert page.status_code == 400 and "expired" in page.content.decode()
    user.refresh_from_db()
    assert not user.is_active
    with mock.patch("time.time", return_value=time.time() - 2 * 24 * 3600):
        recent = email_verify_token(user)
    assert client.get(f"/vendors/verify/{recent}/").status_code == 200


def test_token_for_another_address_or_a_switched_off_account_does_nothing(cast):
    user = _registered_user()
    token = email_verify_token(user)
    user.email = "someone-else@lumen.example"
    user.save()
    with pytest.raises(ValidationError):
        vendor_email_verify(token=token, actor=SYSTEM)
    user.email = "rosa@lumen.example"
    user.save()
    assert vendor_email_verify(token=token, actor=SYSTEM).is_active
    # Staff switch the account off later: the old link must not switch it back on.
    User.objects.filter(pk=user.pk).update(is_active=False)
    with pytest.raises(ValidationError) as caught:
        vendor_email_verify(token=token, actor=SYSTEM)
    assert "switched off" in str(caught.value)
    user.refresh_from_db()
    assert not user.is_active


# --- Colleagues ---------------------------------------------------------------------------------

def test_vendor_user_adds_a_colleague_who_sets_a_password(client, cast,
                                                          django_capture_on_commit_callbacks):
    sign_in(client, cast.vendor_user_a.email, PASSWORD)
    profile = client.get("/vendor/profile/")
    assert "Add a colleague" in profile.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/vendor/profile/colleagues/", {
            "colleague-full_name": "Cal Colleague", "colleague-email": "Cal@Vendor-A.example"})
    assert response.status_code == 302 and response.url == "/vendor/profile/"

    colleague = User.objects.get(email="cal@vendor-a.example")
    assert colleague.is_active and not colleague.has_usable_password()
    assert RoleAssignment.objects.filter(user=colleague, role="vendor_user",
                                         organisation=cast.vendor_a.organisation).exists()
    assert AuditEvent.objects.filter(action=AuditAction.VENDOR_USER_INVITED,
                                     object_id=str(cast.vendor_a.pk)).exists()
    listed = client.get("/vendor/profile/").content.decode()
    assert "cal@vendor-a.example" in listed and "has not chosen a password yet" in listed

    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["cal@vendor-a.example"]
    link = re.search(r"https?://[^/\s]+(/account/password/reset/\S+)", mail.outbox[0].body).group(1)
    client.post("/account/logout/")
    form_url = client.get(link).url
    set_password = client.post(form_url, {"new_password1": "amber-lantern-9921",
                                          "new_password2": "amber-lantern-9921"})
    assert set_password.status_code == 302
    assert sign_in(client, "cal@vendor-a.example", "amber-lantern-9921").status_code == 302
    assert "Vendor A: company profile" in client.get("/vendor/profile/").content.decode()


def test_adding_a_colleague_with_an_existing_account_is_refused(client, cast):
    start = counts()
    sign_in(client, cast.vendor_user_a.email, PASSWORD)
    response = client.post("/vendor/profile/colleagues/", {
        "colleague-full_name": "Bea", "colleague-email": cast.buyer_a.email})
    assert response.status_code == 400
    assert 'href="#id_colleague-email"' in response.content.decode()
    assert counts() == start


def test_only_the_vendors_own_users_add_colleagues(client, cast):
    with pytest.raises(PermissionDenied):
        vendor_user_invite(vendor=cast.vendor_a, email="intruder@example.org", full_name="In",
                           actor=cast.actor(cast.vendor_user_b))
    with pytest.raises(PermissionDenied):
        vendor_user_invite(vendor=cast.vendor_a, email="intruder@example.org", full_name="In",
                           actor=cast.actor(cast.staff))
    data = {"colleague-full_name": "In Truder", "colleague-email": "intruder@example.org"}
    assert client.post("/vendor/profile/colleagues/", data).status_code == 302  # to sign in
    sign_in(client, cast.buyer_a.email, PASSWORD)
    assert client.post("/vendor/profile/colleagues/", data).status_code == 403
    assert not User.objects.filter(email="intruder@example.org").exists()

    # Vendor B's user can only ever add to Vendor B.
    client.post("/account/logout/")
    sign_in(client, cast.vendor_user_b.email, PASSWORD)
    assert client.post("/vendor/profile/colleagues/", data).status_code == 302
    added = User.objects.get(email="intruder@example.org")
    assert [a.organisation_id for a in added.role_assignments.all()] == [cast.vendor_b.organisation_id]


# --- Abuse ------------------------------------------------------------------------------------

def test_registration_is_rate_limited_per_address(client, cast):
    for _ in range(10):
        assert register(client, company_name="").status_code == 400
    start = counts()
    limited = register(client)
    assert limited.status_code == 429 and "Too many registrations" in limited.content.decode()
    api = api_register(client)
    assert api.status_code == 429
    assert counts() == start
    # Another address is not affected.
    elsewhere = client.post("/api/v1/vendors/register",
                            json.dumps({k: v for k, v in REGISTRATION.items()
                                        if k != "password_again"}),
                            content_type="application/json", REMOTE_ADDR="203.0.113.9")
    assert elsewhere.status_code == 201
