"""The membership state machine: every transition from every state, and who may take it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from audit.actions import AuditAction, membership_step
from audit.models import AuditEvent
from core.clock import today
from members.models import Membership
from members.services import (MEMBERSHIP_STEPS, membership_activate, membership_allowed_transitions,
                              membership_apply, membership_approve_board, membership_sign_agreement,
                              membership_suspend, membership_withdraw)
from members.states import TRANSITIONS, MembershipState
from members.models import District
from members.services import DistrictRecord, district_upsert
from tests.cast import SYSTEM
from tests.helpers import pdf

S = MembershipState


def inputs_for(action: str) -> dict:
    return {
        "approve_board": {"resolution_document": pdf(), "resolution_number": "R-1"},
        "sign_agreement": {"signed_by": "Dr. Jane Doe, Superintendent"},
        "suspend": {"reason": "Unpaid dues"},
        "withdraw": {"reason": "Board voted to leave"},
    }.get(action, {})


@pytest.fixture
def newcomer(cast) -> District:
    district, _ = district_upsert(record=DistrictRecord(
        name="Gamma Elementary", state="CA", state_leaid="CA-0100003"), actor=SYSTEM)
    return district


def membership_in(state: str, district: District) -> Membership:
    return Membership.objects.create(district=district, state=state,
                                     applied_at=dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc))


EXPECTED = {  # (from state, action) -> to state; every other pair must be refused
    (S.APPLIED, "approve_board"): S.BOARD_APPROVED,
    (S.BOARD_APPROVED, "sign_agreement"): S.AGREEMENT_SIGNED,
    (S.AGREEMENT_SIGNED, "activate"): S.ACTIVE,
    (S.ACTIVE, "suspend"): S.SUSPENDED,
    (S.SUSPENDED, "reinstate"): S.ACTIVE,
    (S.APPLIED, "withdraw"): S.WITHDRAWN,
    (S.BOARD_APPROVED, "withdraw"): S.WITHDRAWN,
    (S.AGREEMENT_SIGNED, "withdraw"): S.WITHDRAWN,
    (S.ACTIVE, "withdraw"): S.WITHDRAWN,
    (S.SUSPENDED, "withdraw"): S.WITHDRAWN,
}


def test_the_table_is_the_rule_and_every_state_is_reachable():
    assert TRANSITIONS.moves() == EXPECTED
    assert TRANSITIONS.unreachable() == []


def test_one_service_per_step():
    assert list(MEMBERSHIP_STEPS) == list(TRANSITIONS)


@pytest.mark.parametrize("state", S.values)
@pytest.mark.parametrize("action", list(TRANSITIONS))
def test_every_transition_from_every_state(cast, newcomer, state, action):
    membership = membership_in(state, newcomer)
    expected = EXPECTED.get((state, action))
    staff = cast.actor(cast.staff)
    if expected is None:
        with pytest.raises(ValidationError) as exc:
            MEMBERSHIP_STEPS[action](membership=membership, actor=staff, **inputs_for(action))
        assert "Cannot" in str(exc.value)
        membership.refresh_from_db()
        assert membership.state == state
        assert not AuditEvent.objects.filter(action=membership_step(action)).exists()
    else:
        result = MEMBERSHIP_STEPS[action](membership=membership, actor=staff, **inputs_for(action))
        assert result.state == expected
        event = AuditEvent.objects.get(action=membership_step(action))
        assert event.before["state"] == state and event.after["state"] == expected
        assert event.actor_email == "staff@example.org"


def test_full_lifecycle_by_the_district_and_staff(cast, newcomer):
    from accounts.services import role_assign, user_create_or_update

    buyer, _ = user_create_or_update(email="g-buyer@example.org", actor=SYSTEM)
    approver, _ = user_create_or_update(email="g-approver@example.org", actor=SYSTEM)
    role_assign(user=buyer, organisation=newcomer.organisation, role="district_buyer", actor=SYSTEM)
    role_assign(user=approver, organisation=newcomer.organisation, role="district_approver", actor=SYSTEM)
    b, a, staff = cast.actor(buyer), cast.actor(approver), cast.actor(cast.staff)

    m = membership_apply(district=newcomer, contact_name="G", contact_email="g@example.org", actor=b)
    assert m.state == S.APPLIED
    assert [t.action for t in membership_allowed_transitions(membership=m, actor=b)] == ["approve_board"]
    m = membership_approve_board(membership=m, actor=b, **inputs_for("approve_board"))
    assert m.resolution_document.read().startswith(b"%PDF")
    with pytest.raises(PermissionDenied):  # only the approver signs
        membership_sign_agreement(membership=m, actor=b, signed_by="x")
    m = membership_sign_agreement(membership=m, actor=a, signed_by="Dr. G")
    with pytest.raises(PermissionDenied):  # only staff activate
        membership_activate(membership=m, actor=a)
    m = membership_activate(membership=m, actor=staff)
    assert m.state == S.ACTIVE and m.member_since == today()
    actions = list(AuditEvent.objects.filter(object_type="members.membership", object_id=str(m.pk))
                   .values_list("action", flat=True))
    assert actions == [AuditAction.MEMBERSHIP_APPLIED, AuditAction.MEMBERSHIP_APPROVE_BOARD,
                       AuditAction.MEMBERSHIP_SIGN_AGREEMENT, AuditAction.MEMBERSHIP_ACTIVATE]


def test_other_district_cannot_act(cast):
    m = cast.membership_a
    with pytest.raises(PermissionDenied):
        membership_withdraw(membership=m, actor=cast.actor(cast.approver_b),
                              reason="hostile")
    with pytest.raises(PermissionDenied):
        membership_suspend(membership=m, actor=cast.actor(cast.vendor_user_a),
                              reason="x")
    m.refresh_from_db()
    assert m.state == S.ACTIVE


def test_vendor_cannot_apply_for_a_district(cast, newcomer):
    with pytest.raises(PermissionDenied):
        membership_apply(district=newcomer, actor=cast.actor(cast.vendor_user_a))


def test_resolution_must_be_a_pdf_by_content(cast, newcomer):
    m = membership_in(S.APPLIED, newcomer)
    fake = SimpleUploadedFile("resolution.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    with pytest.raises(ValidationError) as exc:
        membership_approve_board(membership=m, actor=cast.actor(cast.staff),
                              resolution_document=fake)
    assert "resolution_document" in exc.value.message_dict
    m.refresh_from_db()
    assert m.state == S.APPLIED and not m.resolution_document


def test_resolution_is_required(cast, newcomer):
    m = membership_in(S.APPLIED, newcomer)
    with pytest.raises(ValidationError, match="board resolution"):
        membership_approve_board(membership=m, actor=cast.actor(cast.staff), resolution_document=None)


def test_reasons_and_dates_are_checked(cast, newcomer):
    staff = cast.actor(cast.staff)
    m = membership_in(S.ACTIVE, newcomer)
    with pytest.raises(ValidationError, match="reason"):
        membership_suspend(membership=m, actor=staff, reason="  ")
    with pytest.raises(ValidationError, match="future"):
        membership_withdraw(membership=m, actor=staff, reason="x",
                              on_date=today() + dt.timedelta(days=3))
    with pytest.raises(ValidationError, match="before the application"):
        membership_withdraw(membership=m, actor=staff, reason="x",
                              on_date=dt.date(2020, 1, 1))


def test_one_open_membership_per_district_and_reapply_after_withdrawal(cast):
    staff = cast.actor(cast.staff)
    with pytest.raises(ValidationError, match="already has a membership"):
        membership_apply(district=cast.district_a, actor=staff)
    membership_withdraw(membership=cast.membership_a, actor=staff,
                          reason="Left")
    again = membership_apply(district=cast.district_a, actor=cast.actor(cast.buyer_a))
    assert again.state == S.APPLIED
    assert cast.district_a.memberships.count() == 2


def test_dates_are_the_consortium_days_at_night(cast, newcomer, clock):
    """At 03:30 UTC on 2 December it is still 1 December in Los Angeles: the membership starts on
    the 1st, and the 2nd is still in the future."""
    clock.set(dt.datetime(2026, 12, 2, 3, 30, tzinfo=dt.timezone.utc))
    staff = cast.actor(cast.staff)
    m = membership_activate(membership=membership_in(S.AGREEMENT_SIGNED, newcomer), actor=staff)
    assert m.member_since == dt.date(2026, 12, 1) == today()
    with pytest.raises(ValidationError, match="future"):
        membership_withdraw(membership=m, actor=staff, reason="x",
                              on_date=dt.date(2026, 12, 2))
    m = membership_withdraw(membership=m, actor=staff, reason="x",
                              on_date=dt.date(2026, 12, 1))
    assert m.state == S.WITHDRAWN
