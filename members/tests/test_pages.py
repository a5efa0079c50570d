"""Membership pages: a district applies and moves through the steps; staff work the queue."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.services import role_assign, user_create_or_update
from audit.actions import AuditAction
from audit.models import AuditEvent
from members.models import Membership
from members.services import DistrictRecord, district_upsert
from members.states import MembershipState
from tests.cast import PASSWORD, SYSTEM


def test_district_applies_and_staff_activates(client, cast):
    district, _ = district_upsert(record=DistrictRecord(name="Gamma Unified", state="CA",
                                                        state_leaid="CA-0100003"), actor=SYSTEM)
    for email, role in [("g-buyer@example.org", "district_buyer"),
                        ("g-approver@example.org", "district_approver")]:
        user, _ = user_create_or_update(email=email, password=PASSWORD, check_password=False,
                                        actor=SYSTEM)
        role_assign(user=user, organisation=district.organisation, role=role, actor=SYSTEM)

    client.login(email="g-buyer@example.org", password=PASSWORD)
    page = client.get("/membership/")
    assert "Apply to join" in page.content.decode()
    bad = client.post("/membership/", {"contact_name": "", "contact_email": "nope"})
    assert bad.status_code == 400 and "There is a problem" in bad.content.decode()
    assert not Membership.objects.filter(district=district).exists()
    assert client.post("/membership/", {"contact_name": "Gia", "contact_email": "gia@example.org"}).status_code == 302
    m = Membership.objects.get(district=district)

    not_pdf = SimpleUploadedFile("r.pdf", b"GIF89a...", content_type="application/pdf")
    response = client.post(f"/memberships/{m.pk}/approve_board/",
                           {"approve_board-resolution_document": not_pdf})
    assert response.status_code == 400 and "must be a PDF" in response.content.decode()
    pdf = SimpleUploadedFile("r.pdf", b"%PDF-1.4\nhello", content_type="application/pdf")
    response = client.post(f"/memberships/{m.pk}/approve_board/",
                           {"approve_board-resolution_document": pdf,
                            "approve_board-resolution_number": "2026-14"})
    assert response.status_code == 302
    download = client.get(f"/memberships/{m.pk}/resolution.pdf")
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    # The buyer may not sign; the approver may.
    assert client.post(f"/memberships/{m.pk}/sign_agreement/", {"sign_agreement-signed_by": "x"}).status_code == 403
    client.logout()
    client.login(email="g-approver@example.org", password=PASSWORD)
    assert client.post(f"/memberships/{m.pk}/sign_agreement/",
                       {"sign_agreement-signed_by": "Dr. Gamma"}).status_code == 302

    client.logout()
    client.login(email="staff@example.org", password=PASSWORD)
    queue = client.get("/memberships/").content.decode()
    assert "Gamma Unified" in queue
    detail = client.get(f"/memberships/{m.pk}/").content.decode()
    assert "Activate membership" in detail and "membership.sign_agreement" in detail
    assert client.post(f"/memberships/{m.pk}/activate/", {}).status_code == 302
    m.refresh_from_db()
    assert m.state == MembershipState.ACTIVE
    assert "Gamma Unified" in client.get("/members/").content.decode()
    assert AuditEvent.objects.filter(object_type="members.membership", object_id=str(m.pk)).count() == 4


def test_staff_records_an_application_and_browses_audit(client, cast):
    outsider, _ = district_upsert(record=DistrictRecord(name="Delta Elementary", state="CA",
                                                        state_leaid="CA-0100004"), actor=SYSTEM)
    client.login(email="staff@example.org", password=PASSWORD)
    found = client.get("/districts/?q=delta").content.decode()
    assert "Delta Elementary" in found
    response = client.post(f"/districts/{outsider.pk}/apply/")
    assert response.status_code == 302
    again = client.post(f"/districts/{outsider.pk}/apply/", follow=True)
    assert "already has a membership" in again.content.decode()
    trail = client.get("/audit/?object_type=members.membership").content.decode()
    assert "membership.applied" in trail and "staff@example.org" in trail


def test_vendor_edits_own_profile(client, cast):
    from catalog.services import category_ensure

    laptops = category_ensure(code="laptops", name="Laptops", actor=SYSTEM)
    client.login(email="sales@vendor-a.example", password=PASSWORD)
    response = client.post("/vendor/profile/", {
        "name": "Vendor A", "legal_name": "Vendor A Holdings, Inc.", "website": "vendor-a.example",
        "contact_email": "bids@vendor-a.example", "categories": [laptops.pk],
        "service_area": ["CA", "OR"]})  # the page ticks every state; a browser sends the ticked ones
    assert response.status_code == 302
    cast.vendor_a.refresh_from_db()
    assert cast.vendor_a.legal_name == "Vendor A Holdings, Inc."
    assert list(cast.vendor_a.categories.all()) == [laptops]
    event = AuditEvent.objects.filter(action=AuditAction.VENDOR_UPDATED).get()
    assert event.before["legal_name"] == "Vendor A, Inc." and event.after["categories"] == ["laptops"]
