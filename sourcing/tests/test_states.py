"""The solicitation state machine: the table spelled out, and every step it refuses refused by its
service (nothing saved, nothing audited). Effective states count: a published solicitation past
its deadline is closed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditEvent
from sourcing.lifecycle import effective_state
from sourcing.models import Solicitation
from sourcing.services.awards import award_issue_notice
from sourcing.services.solicitations import (solicitation_cancel, solicitation_publish,
                                             solicitation_start_evaluation)
from sourcing.states import TRANSITIONS, SolicitationState as S

EXPECTED = {
    (S.DRAFT, "publish"): S.PUBLISHED,
    (S.CLOSED, "start_evaluation"): S.UNDER_EVALUATION,
    (S.UNDER_EVALUATION, "issue_award_notice"): S.AWARD_NOTICE,
    (S.AWARD_NOTICE, "reopen_evaluation"): S.UNDER_EVALUATION,
    **{(state, "cancel"): S.CANCELLED
       for state in (S.DRAFT, S.PUBLISHED, S.CLOSED, S.UNDER_EVALUATION, S.AWARD_NOTICE)},
}
SERVICES = {
    "publish": lambda s, actor: solicitation_publish(solicitation=s, actor=actor),
    "start_evaluation": lambda s, actor: solicitation_start_evaluation(solicitation=s, actor=actor),
    "issue_award_notice": lambda s, actor: award_issue_notice(solicitation=s, rationale="Best value",
                                                             actor=actor),
    "cancel": lambda s, actor: solicitation_cancel(solicitation=s, reason="Withdrawn", actor=actor),
    # reopen_evaluation is taken by upholding a protest: see test_evaluation_award
}


def test_the_table_is_the_rule():
    assert TRANSITIONS.moves() == EXPECTED


def test_every_state_is_reachable():
    assert TRANSITIONS.unreachable() == []  # closed and awarded: derived from the clock


# Awarded (an award notice whose standstill is over) is left to the award tests.
@pytest.mark.parametrize("state", [s for s in S.values if s != S.AWARDED])
def test_every_refused_step_is_refused_by_its_service(cast, draft, clock, state):
    stored = S.PUBLISHED if state == S.CLOSED else state
    Solicitation.objects.filter(pk=draft.pk).update(state=stored)
    if state == S.CLOSED:
        clock.set(draft.bid_deadline + dt.timedelta(minutes=1))
    draft.refresh_from_db()
    assert effective_state(draft) == state
    staff, audited = cast.actor(cast.staff), AuditEvent.objects.count()
    refused = [a for refused_state, a in TRANSITIONS.refused() if refused_state == state and a in SERVICES]
    assert refused
    for action in refused:
        with pytest.raises(ValidationError) as exc:
            SERVICES[action](draft, staff)
        message = " ".join(exc.value.messages)
        assert message.startswith("Cannot ") and f"the solicitation is {S(state).label.lower()}." in message
        draft.refresh_from_db()
        assert draft.state == stored
    assert AuditEvent.objects.count() == audited


@pytest.mark.parametrize("state, offered", [
    (S.DRAFT, {"publish", "cancel"}),
    (S.PUBLISHED, {"cancel"}),
    (S.CLOSED, {"start_evaluation", "cancel"}),
    (S.CANCELLED, set()),
])
def test_the_manage_page_offers_the_steps_of_the_table(client, cast, draft, clock, state, offered):
    from tests.cast import PASSWORD

    stored = S.PUBLISHED if state == S.CLOSED else state
    Solicitation.objects.filter(pk=draft.pk).update(state=stored)
    if state == S.CLOSED:
        clock.set(draft.bid_deadline + dt.timedelta(minutes=1))
    assert client.login(email=cast.staff.email, password=PASSWORD)
    page = client.get(f"/solicitations/{draft.pk}/manage/").content.decode()
    buttons = {"publish": "Publish: open for bids", "start_evaluation": "Start the evaluation",
               "cancel": 'id="h-cancel"'}
    assert {action for action, text in buttons.items() if text in page} == offered
