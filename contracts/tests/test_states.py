"""The master-agreement and participation state machines: the tables spelled out, and every step
they refuse refused by its service (nothing saved, nothing audited)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from audit.models import AuditEvent
from contracts.models import MasterAgreement, ParticipationAgreement
from contracts.services.agreements import agreement_activate, agreement_renew, agreement_terminate
from contracts.services.participation import (participation_approve, participation_countersign,
                                              participation_withdraw)
from contracts.states import (AGREEMENT_TRANSITIONS, PARTICIPATION_TRANSITIONS, AgreementState as A,
                              ParticipationState as P)

AGREEMENT_EXPECTED = {
    (A.PENDING_SIGNATURE, "activate"): A.ACTIVE,
    (A.ACTIVE, "renew"): A.ACTIVE,
    (A.PENDING_SIGNATURE, "terminate"): A.TERMINATED,
    (A.ACTIVE, "terminate"): A.TERMINATED,
}
PARTICIPATION_EXPECTED = {
    (P.PREPARED, "approve"): P.APPROVED,
    (P.PREPARED, "countersign"): P.ACTIVE,
    (P.APPROVED, "countersign"): P.ACTIVE,
    (P.PREPARED, "withdraw"): P.WITHDRAWN,
    (P.APPROVED, "withdraw"): P.WITHDRAWN,
    (P.ACTIVE, "end"): P.ENDED,
}


def test_the_tables_are_the_rules():
    assert AGREEMENT_TRANSITIONS.moves() == AGREEMENT_EXPECTED
    assert PARTICIPATION_TRANSITIONS.moves() == PARTICIPATION_EXPECTED


def test_every_state_is_reachable():
    assert AGREEMENT_TRANSITIONS.unreachable() == []  # expired: derived from an active one
    assert PARTICIPATION_TRANSITIONS.unreachable() == []


def refused_in(table, state: str) -> list[str]:
    actions = [action for refused_state, action in table.refused() if refused_state == state]
    assert actions, "every state refuses something"
    return actions


def assert_refusal(exc, state_label: str) -> None:
    message = " ".join(exc.value.messages)
    assert message.startswith("Cannot ") and f" is {state_label.lower()}." in message, message


@pytest.mark.parametrize("state", A.values)
def test_every_refused_agreement_step_is_refused_by_its_service(cast, agreements, state):
    agreement = agreements[cast.vendor_a.pk]
    stored = {A.EXPIRED: {"state": A.ACTIVE, "end_date": timezone.localdate() - dt.timedelta(days=1)}}
    MasterAgreement.objects.filter(pk=agreement.pk).update(**stored.get(state, {"state": state}))
    agreement.refresh_from_db()
    assert agreement.effective_state() == state
    staff, audited = cast.actor(cast.staff), AuditEvent.objects.count()
    for action in refused_in(AGREEMENT_TRANSITIONS, state):
        with pytest.raises(ValidationError) as exc:
            if action == "activate":
                agreement_activate(agreement=agreement, start_date=timezone.localdate(), term_months=12,
                                   renewal_options=0, renewal_months=12, vendor_signed_by="V",
                                   consortium_signed_by="C", actor=staff)
            elif action == "renew":
                agreement_renew(agreement=agreement, actor=staff)
            else:
                agreement_terminate(agreement=agreement, reason="Breach", actor=staff)
        assert_refusal(exc, A(state).label)
        assert f"agreement {agreement.number} is" in str(exc.value)
        agreement.refresh_from_db()
        assert agreement.effective_state() == state
    assert AuditEvent.objects.count() == audited


@pytest.mark.parametrize("state", P.values)
def test_every_refused_participation_step_is_refused_by_its_service(cast, agreements, state):
    participation = ParticipationAgreement.objects.create(
        district=cast.district_a, agreement=agreements[cast.vendor_a.pk], estimated_value=1000,
        state=state, prepared_by=cast.buyer_a, prepared_at=timezone.now())
    audited = AuditEvent.objects.count()
    for action in refused_in(PARTICIPATION_TRANSITIONS, state):
        if action == "end":
            continue  # no service ends a participation yet: the table lists the step for the day one does
        with pytest.raises(ValidationError) as exc:
            if action == "approve":
                participation_approve(participation=participation, actor=cast.actor(cast.approver_a))
            elif action == "countersign":
                participation_countersign(participation=participation, actor=cast.actor(cast.vendor_user_a))
            else:
                participation_withdraw(participation=participation, reason="No longer needed",
                                       actor=cast.actor(cast.buyer_a))
        assert_refusal(exc, P(state).label)
        participation.refresh_from_db()
        assert participation.state == state
    assert AuditEvent.objects.count() == audited
