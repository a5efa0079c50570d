"""The approver rejects a participation agreement awaiting approval (above the district's limit),
with a reason: the buyer is told, the vendor is never asked to countersign."""

from __future__ import annotations

import json

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from audit.models import AuditEvent
from contracts.models import ParticipationAgreement
from contracts.services.participation import participation_countersign, participation_reject
from tests.helpers import login, token


@pytest.fixture
def waiting(cast, agreements):
    """District A's participation in vendor B's agreement, above its limit: waiting for approval."""
    return ParticipationAgreement.objects.create(
        district=cast.district_a, agreement=agreements[cast.vendor_b.pk], estimated_value=250000,
        needs_approval=True, prepared_by=cast.buyer_a, prepared_at=timezone.now())


def rejections(p) -> int:
    return AuditEvent.objects.filter(action="participation.rejected", object_id=str(p.pk)).count()


def test_rejected_with_a_reason_the_buyer_told_the_vendor_not_asked(cast, waiting, settings,
                                                                     django_capture_on_commit_callbacks):
    settings.SITE_URL = "https://edpool.example.org"
    with django_capture_on_commit_callbacks(execute=True):
        p = participation_reject(participation=waiting, reason="Use the state contract instead",
                                 actor=cast.actor(cast.approver_a))
    assert p.state == "rejected" and p.get_state_display() == "Rejected by the approver"
    assert p.closed_reason == "Use the state contract instead" and rejections(p) == 1
    [email] = mail.outbox
    assert email.to == [cast.buyer_a.email] and "Use the state contract instead" in email.body
    assert "$250,000.00 a year" in email.body
    assert "https://edpool.example.org/my/agreements/" in email.body
    with pytest.raises(ValidationError, match="Cannot countersign"):
        participation_countersign(participation=p, actor=cast.actor(cast.vendor_user_b))
    # no longer open: the district may prepare a new one
    assert not ParticipationAgreement.objects.filter(pk=p.pk, state__in=["prepared", "approved", "active"]).exists()


def test_only_the_districts_approver_with_a_reason_and_only_above_the_limit(cast, waiting):
    for who in (cast.buyer_a, cast.approver_b, cast.vendor_user_b):
        with pytest.raises(PermissionDenied):
            participation_reject(participation=waiting, reason="No", actor=cast.actor(who))
    for reason in ("", "  ", "a\x00b"):
        with pytest.raises(ValidationError) as exc:
            participation_reject(participation=waiting, reason=reason, actor=cast.actor(cast.approver_a))
        assert "reason" in exc.value.message_dict
    ParticipationAgreement.objects.filter(pk=waiting.pk).update(needs_approval=False)
    with pytest.raises(ValidationError, match="needs no approval"):
        participation_reject(participation=waiting, reason="No", actor=cast.actor(cast.approver_a))
    waiting.refresh_from_db()
    assert waiting.state == "prepared" and rejections(waiting) == 0


def test_the_approvals_page_and_the_api_agree(client, cast, waiting, agreements):
    other = ParticipationAgreement.objects.create(
        district=cast.district_a, agreement=agreements[cast.vendor_a.pk], estimated_value=90000,
        needs_approval=True, prepared_by=cast.buyer_a, prepared_at=timezone.now())
    login(client, cast.approver_a)
    page = client.get("/approvals/").content.decode()
    assert "$250,000.00" in page and "$90,000.00" in page and "Bea Buyer" in page
    url = f"/approvals/participations/{waiting.pk}/reject/"
    assert "Give the reason" in client.post(url, {"reason": ""}, follow=True).content.decode()
    assert client.post(url, {"reason": "Too dear"}).url == "/approvals/"
    assert "Cannot reject" in client.post(url, {"reason": "Too dear"}, follow=True).content.decode()
    assert "$250,000.00" not in client.get("/approvals/").content.decode()
    post = lambda pid, body, who: client.post(f"/api/v1/participations/{pid}/reject", data=json.dumps(body),
                                              content_type="application/json", **token(who))
    assert post(other.pk, {"reason": "x"}, cast.buyer_a).status_code == 403
    assert post(other.pk, {"reason": "x"}, cast.approver_b).status_code == 404
    assert post(other.pk, {}, cast.approver_a).status_code == 422
    done = post(other.pk, {"reason": "Too dear"}, cast.approver_a)
    assert done.status_code == 200 and done.json()["state"] == "rejected"
    assert done.json()["closed_reason"] == "Too dear"
    waiting.refresh_from_db()
    other.refresh_from_db()
    assert (waiting.state, waiting.closed_reason) == (other.state, other.closed_reason) == ("rejected", "Too dear")
    assert rejections(waiting) == rejections(other) == 1
    login(client, cast.approver_b)
    assert client.post(f"/approvals/participations/{other.pk}/approve/").status_code == 404
