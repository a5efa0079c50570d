from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.acting import Actor
from accounts.models import User
from audit.actions import AuditAction
from audit.models import AuditEvent
from sourcing.lifecycle import effective_state
from sourcing.services.solicitations import (addendum_publish, solicitation_cancel,
                                             solicitation_create, solicitation_publish,
                                             solicitation_start_evaluation)
from sourcing.states import SolicitationState as S
from tests.helpers import content
from tests.cast import SYSTEM


def test_draft_content_is_validated(cast, category, clock):
    now = clock.now()
    bad = content(category, criteria=[{"name": "Price", "weight": 50, "is_price": True},
                                      {"name": "Fit", "weight": 40}],
                  lines=[{"reference": "A", "description": "x", "estimated_quantity": 0},
                         {"reference": "A", "description": "", "estimated_quantity": 5}])
    with pytest.raises(ValidationError) as exc:
        solicitation_create(content=bad, questions_deadline=now, bid_deadline=now,
                            actor=cast.actor(cast.staff))
    errors = exc.value.message_dict
    assert "lines[1].estimated_quantity" in errors and "lines[2].reference" in errors
    assert "lines[2].description" in errors and "add up to 90" in errors["criteria.weight"][0]


def test_only_staff_draft(cast, category, clock):
    with pytest.raises(PermissionDenied):
        solicitation_create(content=content(category), questions_deadline=clock.now(),
                            bid_deadline=clock.now(), actor=cast.actor(cast.buyer_a))


def test_publish_checks_schedule_and_notifies_category_vendors(cast, draft, category, clock,
                                                               django_capture_on_commit_callbacks):
    from vendors.services import vendor_update

    vendor_update(vendor=cast.vendor_a, name="Vendor A", legal_name="Vendor A, Inc.",
                  contact_email="bids@vendor-a.example", categories=[category],
                  actor=cast.actor(cast.staff))
    with django_capture_on_commit_callbacks(execute=True):
        published = solicitation_publish(solicitation=draft, actor=cast.actor(cast.staff))
    assert published.state == S.PUBLISHED and effective_state(published) == S.PUBLISHED
    # The profile's contact email is not verified: only the vendor's active users are emailed.
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == ["sales@vendor-a.example"]
    assert "SOL-" in mail.outbox[0].subject
    assert AuditEvent.objects.filter(action=AuditAction.SOLICITATION_PUBLISHED).count() == 1


def test_publish_refuses_a_past_deadline(cast, draft, clock):
    clock.advance(days=11)
    with pytest.raises(ValidationError, match="must be in the future"):
        solicitation_publish(solicitation=draft, actor=cast.actor(cast.staff))


def test_closed_is_derived_from_the_clock(cast, open_solicitation, clock):
    clock.set(open_solicitation.bid_deadline - dt.timedelta(microseconds=1))
    assert effective_state(open_solicitation) == S.PUBLISHED
    clock.set(open_solicitation.bid_deadline)
    assert effective_state(open_solicitation) == S.CLOSED
    open_solicitation.refresh_from_db()
    assert open_solicitation.state == S.PUBLISHED  # nothing was written


def test_evaluation_starts_only_after_the_deadline(cast, open_solicitation, clock):
    staff = cast.actor(cast.staff)
    with pytest.raises(ValidationError, match="open for bids"):
        solicitation_start_evaluation(solicitation=open_solicitation, actor=staff)
    clock.set(open_solicitation.bid_deadline)
    assert solicitation_start_evaluation(solicitation=open_solicitation, actor=staff).state == S.UNDER_EVALUATION


def test_addenda_are_numbered_and_change_the_deadline(cast, open_solicitation, clock):
    staff = cast.actor(cast.staff)
    new_deadline = open_solicitation.bid_deadline + dt.timedelta(days=3)
    a1 = addendum_publish(solicitation=open_solicitation, summary="Deadline extended by 3 days",
                          changes={"bid_deadline": new_deadline}, actor=staff)
    a2 = addendum_publish(solicitation=open_solicitation, summary="Quantity revised",
                          lines=[{"reference": "CB-11", "description": "11-inch Chromebook",
                                  "unit": "device", "estimated_quantity": 1500}], actor=staff)
    assert (a1.number, a2.number) == (1, 2)
    open_solicitation.refresh_from_db()
    assert open_solicitation.bid_deadline == new_deadline
    assert list(open_solicitation.lines.values_list("estimated_quantity", flat=True)) == [1500]
    assert a1.changes["bid_deadline"]["after"] != a1.changes["bid_deadline"]["before"]
    with pytest.raises(ValidationError, match="cannot be changed by addendum"):
        addendum_publish(solicitation=open_solicitation, summary="x", changes={"state": "draft"},
                         actor=staff)
    clock.set(new_deadline)
    with pytest.raises(ValidationError, match="only while the solicitation is open"):
        addendum_publish(solicitation=open_solicitation, summary="late", actor=staff)


def test_cancel_needs_a_reason_and_not_after_award(cast, open_solicitation):
    staff = cast.actor(cast.staff)
    with pytest.raises(ValidationError, match="public reason"):
        solicitation_cancel(solicitation=open_solicitation, reason=" ", actor=staff)
    cancelled = solicitation_cancel(solicitation=open_solicitation, reason="Funding withdrawn",
                                    actor=staff)
    assert cancelled.state == S.CANCELLED and cancelled.cancellation_reason == "Funding withdrawn"
    with pytest.raises(ValidationError, match="Cannot cancel"):
        solicitation_cancel(solicitation=cancelled, reason="again", actor=staff)


def test_notices_go_only_to_verified_addresses(cast, draft, category, clock,
                                               django_capture_on_commit_callbacks):
    """A self-registered vendor's address is unverified until its emailed link is opened: no
    new-solicitation or addendum notice goes there before."""
    from sourcing.services.solicitations import addendum_publish, solicitation_follow
    from vendors.services import email_verify_token, vendor_email_verify, vendor_register, vendor_update

    staff = cast.actor(cast.staff)
    with django_capture_on_commit_callbacks(execute=True):
        vendor = vendor_register(company_name="Lumen Reading Co.", legal_name="", contact_name="Rosa",
                                 email="rosa@lumen.example", password="a-Long-pass-phrase-2026",
                                 categories=[category], actor=SYSTEM)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        published = solicitation_publish(solicitation=draft, actor=staff)
    assert "rosa@lumen.example" not in {m.to[0] for m in mail.outbox}

    rosa = User.objects.get(email="rosa@lumen.example")
    vendor_email_verify(token=email_verify_token(rosa), actor=SYSTEM)
    rosa.refresh_from_db()
    rosa_actor = Actor.from_assignment(rosa.role_assignments.get())
    solicitation_follow(solicitation=published, actor=rosa_actor)
    # A contact address typed into the profile is not verified either.
    vendor_update(vendor=vendor, name="Lumen Reading Co.", legal_name=vendor.legal_name,
                  contact_email="bids@lumen.example", categories=[category], actor=rosa_actor)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        addendum_publish(solicitation=published, summary="Clarified the warranty", actor=staff)
    assert [m.to for m in mail.outbox] == [["rosa@lumen.example"]]
    assert vendor.contact_email == "bids@lumen.example"
