"""Surveys and answers: window edges, permissions, validation, audit."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from audit.models import AuditEvent
from members.states import MembershipState
from surveys.models import Answer, Response
from surveys.services.answers import response_save
from surveys.services.surveys import survey_close, survey_update
from surveys.states import SurveyState
from surveys.tests.conftest import answer


def test_a_published_survey_is_open_inside_its_window(survey, clock):
    assert survey.effective_state() == SurveyState.OPEN
    clock.set(survey.opens_at - dt.timedelta(seconds=1))
    assert survey.effective_state() == SurveyState.SCHEDULED
    clock.set(survey.closes_at)
    assert survey.effective_state() == SurveyState.CLOSED


def test_only_staff_draft_and_change_surveys(cast, survey_draft):
    with pytest.raises(PermissionDenied):
        survey_update(survey=survey_draft, title="x", cycle="x", opens_at=survey_draft.opens_at,
                      closes_at=survey_draft.closes_at, needs=[], actor=cast.actor(cast.buyer_a))


def test_a_survey_refuses_bad_needs_and_windows_naming_fields(cast, survey_draft):
    with pytest.raises(ValidationError) as refused:
        survey_update(survey=survey_draft, title="", cycle="2027", opens_at=survey_draft.closes_at,
                      closes_at=survey_draft.opens_at,
                      needs=[{"category": "nope", "kind": "car", "grade_bands": ["13"], "description": "x\x00"}],
                      actor=cast.actor(cast.staff))
    errors = refused.value.message_dict
    assert {"title", "closes_at", "needs[1].category", "needs[1].kind", "needs[1].grade_bands",
            "needs[1].description"} <= set(errors)


def test_a_published_survey_cannot_be_changed(cast, survey):
    with pytest.raises(ValidationError, match="Cannot change the survey"):
        survey_update(survey=survey, title="New", cycle="x", opens_at=survey.opens_at,
                      closes_at=survey.closes_at, needs=[], actor=cast.actor(cast.staff))


def test_a_buyer_saves_then_submits_and_it_is_audited(cast, survey):
    actor = cast.actor(cast.buyer_a)
    response = response_save(survey=survey, answers=[answer()], actor=actor)
    assert response.state == "draft" and response.district == cast.district_a
    response = response_save(survey=survey, answers=[answer(), answer("N2", "interested", quantities={"6-8": 30})],
                             submit=True, actor=actor)
    assert response.state == "submitted"
    assert Answer.objects.filter(response=response).count() == 2
    assert AuditEvent.objects.filter(action="survey.answers_submitted").count() == 1
    # a change after submitting keeps it submitted, answers replaced
    response = response_save(survey=survey, answers=[answer(quantities={"K-2": 7})], actor=actor)
    assert response.state == "submitted"
    assert [a.quantities for a in response.answers.all()] == [{"K-2": 7}]


def test_answers_change_until_the_closing_second_not_at_it(cast, survey, clock):
    actor = cast.actor(cast.buyer_a)
    clock.set(survey.closes_at - dt.timedelta(microseconds=1))
    response_save(survey=survey, answers=[answer()], actor=actor)
    clock.set(survey.closes_at)
    with pytest.raises(ValidationError, match="closed"):
        response_save(survey=survey, answers=[answer(quantities={"K-2": 1})], actor=actor)
    assert Answer.objects.get().quantities == {"K-2": 100, "3-5": 50}


def test_no_answer_before_it_opens_or_after_staff_close_it(cast, survey, clock):
    clock.set(survey.opens_at - dt.timedelta(seconds=1))
    with pytest.raises(ValidationError):
        response_save(survey=survey, answers=[answer()], actor=cast.actor(cast.buyer_a))
    clock.set(survey.opens_at + dt.timedelta(hours=1))
    survey_close(survey=survey, actor=cast.actor(cast.staff))
    with pytest.raises(ValidationError):
        response_save(survey=survey, answers=[answer()], actor=cast.actor(cast.buyer_a))
    assert not Response.objects.exists()


@pytest.mark.parametrize("who", ["staff", "approver_a", "evaluator", "vendor_user_a"])
def test_only_buyers_answer(cast, survey, who):
    with pytest.raises((PermissionDenied, Http404)):
        response_save(survey=survey, answers=[answer()], actor=cast.actor(getattr(cast, who)))
    assert not Response.objects.exists()


def test_a_non_member_district_is_refused(cast, survey):
    cast.membership_b.state = MembershipState.WITHDRAWN
    cast.membership_b.save()
    with pytest.raises(PermissionDenied, match="member"):
        response_save(survey=survey, answers=[answer()], actor=cast.actor(cast.buyer_b))


@pytest.mark.parametrize("bad, field", [
    ({"quantities": {"K-2": 0}}, "answers[0].quantities"),
    ({"quantities": {"K-2": 1_000_001}}, "answers[0].quantities.K-2"),
    ({"quantities": {"9-12": 5}}, "answers[0].quantities.9-12"),
    ({"quantities": {"K-2": -3}}, "answers[0].quantities.K-2"),
    ({"budget_min": "400", "budget_max": "300"}, "answers[0].budget_max"),
    ({"budget_min": "1e400"}, "answers[0].budget_min"),
    ({"current_price": "0.001"}, "answers[0].current_price"),
    ({"needed_by": "2027-13"}, "answers[0].needed_by"),
    ({"current_contract_end": "99999-01-01"}, "answers[0].current_contract_end"),
    ({"must_haves": ["grade:K-99"]}, "answers[0].must_haves"),
    ({"commitment": "maybe"}, "answers[0].commitment"),
    ({"funding_source": "lottery"}, "answers[0].funding_source"),
    ({"current_product": "x\x00y"}, "answers[0].current_product"),
    ({"current_product": "x" * 301}, "answers[0].current_product"),
    ({"need": "N9"}, "answers[0].need"),
])
def test_bad_answers_are_refused_by_field_and_nothing_changes(cast, survey, bad, field):
    with pytest.raises(ValidationError) as refused:
        response_save(survey=survey, answers=[answer(**bad)], actor=cast.actor(cast.buyer_a))
    assert field in refused.value.message_dict
    assert not Response.objects.exists()


def test_a_need_answered_twice_is_refused(cast, survey):
    with pytest.raises(ValidationError, match="twice"):
        response_save(survey=survey, answers=[answer(), answer()], actor=cast.actor(cast.buyer_a))


def test_the_state_table_is_consistent():
    from surveys.states import TRANSITIONS

    assert TRANSITIONS.unreachable() == []
    assert TRANSITIONS.moves()[("open", "close")] == "closed"
    assert ("closed", "answer") in TRANSITIONS.refused()


def test_a_closed_survey_says_so_in_the_page(client, cast, survey, clock):
    from tests.helpers import login

    clock.set(survey.closes_at)
    login(client, cast.buyer_a)
    page = client.post(f"/surveys/{survey.pk}/answers/", {"submit": "1"}).content.decode()
    assert "The survey is closed: answers can no longer be changed." in page
    assert not Response.objects.exists()


def test_too_many_needs_are_refused(cast, survey_draft):
    need = {"category": "chromebooks", "kind": "device", "grade_bands": ["K-2"], "description": "x"}
    with pytest.raises(ValidationError, match="At most 50 needs"):
        survey_update(survey=survey_draft, title="t", cycle="c", opens_at=survey_draft.opens_at,
                      closes_at=survey_draft.closes_at, needs=[need] * 51, actor=cast.actor(cast.staff))
    assert survey_draft.needs.count() == 2


def test_the_survey_form_puts_a_needs_error_on_its_row(client, cast, devices):
    from tests.helpers import login

    login(client, cast.staff)
    response = client.post("/surveys/new/", {
        "title": "Networks", "cycle": "2028-29", "opens_at": "2030-01-05T09:00", "closes_at": "2030-02-05T17:00",
        "need_2_description": "Access points", "need_2_category": "chromebooks", "need_2_kind": "device"})
    assert response.status_code == 400
    assert "need_2_grade_bands" in response.context["form"].errors
