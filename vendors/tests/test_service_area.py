"""The states a vendor serves: every state and DC by default, set on the profile page and
through the API, validated (codes of the 50 states and DC only, at least one), audited."""

from __future__ import annotations

import json
import re

import pytest
from django.core.exceptions import ValidationError

from audit.actions import AuditAction
from audit.models import AuditEvent
from tests.helpers import login, token
from vendors.models import Vendor
from vendors.service_area import SERVICE_CODES, service_area_clean, service_area_text
from vendors.services import vendor_service_area_set

PROFILE = {"name": "Vendor A", "legal_name": "Vendor A Inc.", "website": "", "contact_name": "",
           "contact_email": "", "contact_phone": ""}


def test_every_vendor_serves_every_state_and_dc_by_default(cast):
    assert len(SERVICE_CODES) == 51 and "DC" in SERVICE_CODES and "PR" not in SERVICE_CODES
    assert sorted(cast.vendor_a.service_area) == sorted(SERVICE_CODES)
    assert service_area_text(cast.vendor_a.service_area) == "every state and DC"
    assert service_area_text(["UT", "AZ", "NV"]) == "Arizona, Nevada and Utah"


@pytest.mark.parametrize("codes, message", [
    ([], "at least one"), (["ZZ"], "ZZ"), (["PR"], "PR"), (["CA\x00"], "CA\\0"), ("CA", "a list"),
    ([7], "7"), (["CA"] * 10 + ["XX"] * 20, "..."),
])
def test_bad_codes_are_refused(codes, message):
    with pytest.raises(ValidationError) as refused:
        service_area_clean(codes)
    assert message in " ".join(refused.value.message_dict["service_area"])


def test_the_profile_page_sets_the_states_served(client, cast):
    login(client, cast.vendor_user_a)
    page = client.get("/vendor/profile/").content.decode()
    assert "<legend>States you serve</legend>" in page
    assert re.search(r'value="DC" id="id_service_area_\d+" checked', page)
    answer = client.post("/vendor/profile/", {**PROFILE, "service_area": ["AZ", "NV"]})
    assert answer.status_code == 302
    cast.vendor_a.refresh_from_db()
    assert cast.vendor_a.service_area == ["AZ", "NV"]
    event = AuditEvent.objects.filter(action=AuditAction.VENDOR_UPDATED).latest("pk")
    assert event.after["service_area"] == ["AZ", "NV"] and len(event.before["service_area"]) == 51

    refused = client.post("/vendor/profile/", {**PROFILE})
    assert refused.status_code == 400 and "Choose at least one state you serve." in refused.content.decode()
    bogus = client.post("/vendor/profile/", {**PROFILE, "service_area": ["AZ", "ZZ"]})
    assert bogus.status_code == 400
    cast.vendor_a.refresh_from_db()
    assert cast.vendor_a.service_area == ["AZ", "NV"]


def test_the_api_reads_and_sets_the_states_served(client, cast):
    headers = token(cast.vendor_user_a)
    me = json.loads(client.get("/api/v1/vendors/me", **headers).content)
    assert len(me["service_area"]) == 51 and me["service_area_text"] == "every state and DC"
    put = client.put("/api/v1/vendors/me/service-area", json.dumps({"states": ["ut", "NV", "NV"]}),
                     content_type="application/json", **headers)
    assert put.status_code == 200, put.content
    body = json.loads(put.content)
    assert body["service_area"] == ["NV", "UT"] and body["service_area_text"] == "Nevada and Utah"
    for bad in ({"states": []}, {"states": ["ZZ"]}, {"states": ["CA\x00"]}, {"states": "CA"},
                {"states": ["CA"] * 61}, {"states": ["CALIFORNIA"]}):
        refused = client.put("/api/v1/vendors/me/service-area", json.dumps(bad),
                             content_type="application/json", **headers)
        assert refused.status_code == 422, (bad, refused.status_code)
    assert Vendor.objects.get(pk=cast.vendor_a.pk).service_area == ["NV", "UT"]
    staff = client.put("/api/v1/vendors/me/service-area", json.dumps({"states": ["CA"]}),
                       content_type="application/json", **token(cast.staff))
    assert staff.status_code == 403


def test_only_the_vendor_or_staff_may_set_it(cast):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        vendor_service_area_set(vendor=cast.vendor_a, states=["CA"], actor=cast.actor(cast.vendor_user_b))
    vendor_service_area_set(vendor=cast.vendor_a, states=["CA"], actor=cast.actor(cast.staff))
    assert Vendor.objects.get(pk=cast.vendor_a.pk).service_area == ["CA"]
