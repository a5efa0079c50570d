"""API for needs surveys: the surveys, the acting district's answers (GET/PUT), and the pooled
demand (staff)."""


from ninja import Router

from accounts.access import api_roles
from accounts.acting import BUYER, DISTRICT_ROLES, STAFF
from accounts.api_auth import API_AUTH
from catalog import musthaves
from core.api_types import Id
from members.selectors import district_for_actor
from surveys import selectors
from surveys.api_schemas import SurveyAnswersIn, SurveyAnswersOut, SurveyDemandOut, SurveyOut
from surveys.models import Survey
from surveys.services.answers import require_answering_district, response_save
from surveys.states import TRANSITIONS

router = Router(tags=["surveys"])
READERS = (STAFF, *DISTRICT_ROLES)


def _money(value):
    return None if value is None else str(value)


def survey_out(s: Survey) -> dict:
    state = s.effective_state()
    return {"id": s.pk, "title": s.title, "cycle": s.cycle, "description": s.description, "state": state,
            "state_label": TRANSITIONS.label_of(state), "opens_at": s.opens_at, "closes_at": s.closes_at,
            "needs": [{"reference": n.reference, "description": n.description, "category": n.category.code,
                       "category_name": n.category.name, "kind": n.kind, "grade_bands": n.grade_bands,
                       "unit": n.unit} for n in s.needs.select_related("category")]}


def answers_out(survey: Survey, district) -> dict:
    response = selectors.response_of(survey, district)
    if response is None:
        return {"survey_id": survey.pk, "district_id": district.pk, "state": "not_started", "answers": []}
    return {"survey_id": survey.pk, "district_id": district.pk, "state": response.state,
            "submitted_at": response.submitted_at, "updated_at": response.updated_at,
            "answers": [{"need": a.need.reference, "commitment": a.commitment, "quantities": a.quantities,
                         "needed_by": f"{a.needed_by:%Y-%m}", "budget_min": _money(a.budget_min),
                         "budget_max": _money(a.budget_max), "funding_source": a.funding_source,
                         "must_haves": a.must_haves, "current_product": a.current_product,
                         "current_price": _money(a.current_price),
                         "current_contract_end": a.current_contract_end} for a in response.answers.all()]}


@router.get("/surveys", response=list[SurveyOut], auth=API_AUTH)
@api_roles(*READERS)
def surveys(request):
    """Staff: every survey; district people: published surveys."""
    return [survey_out(s) for s in selectors.surveys_for_actor(request.actor)[:200]]


@router.get("/surveys/{survey_id}", response=SurveyOut, auth=API_AUTH)
@api_roles(*READERS)
def survey(request, survey_id: Id):
    return survey_out(selectors.survey_get_for_actor(survey_id=survey_id, actor=request.actor))


@router.get("/surveys/{survey_id}/answers", response=SurveyAnswersOut, auth=API_AUTH)
@api_roles(*DISTRICT_ROLES)
def answers(request, survey_id: Id):
    """The acting district's answers (state `not_started` before any)."""
    survey = selectors.survey_get_for_actor(survey_id=survey_id, actor=request.actor)
    return answers_out(survey, district_for_actor(request.actor))


@router.put("/surveys/{survey_id}/answers", response=SurveyAnswersOut, auth=API_AUTH)
@api_roles(BUYER)
def answers_put(request, survey_id: Id, payload: SurveyAnswersIn):
    """Replace the acting district's answers (needs left out are not answered); `submit: true`
    makes them count in the pooled demand. Refused (422) outside the survey's window."""
    survey = selectors.survey_get_for_actor(survey_id=survey_id, actor=request.actor)
    district = require_answering_district(request.actor)
    response_save(survey=survey, answers=[a.model_dump() for a in payload.answers], submit=payload.submit,
                  actor=request.actor)
    return answers_out(survey, district)


@router.get("/surveys/{survey_id}/demand", response=SurveyDemandOut, auth=API_AUTH)
@api_roles(STAFF)
def demand(request, survey_id: Id):
    """The pooled demand per need, and the rules of the states behind it."""
    survey = selectors.survey_get_for_actor(survey_id=survey_id, actor=request.actor)
    needs = selectors.survey_demand(survey)
    rules = selectors.state_rules({s for d in needs for s in d.states})
    return {"survey_id": survey.pk, "respondents": selectors.submitted_responses(survey).count(),
            "needs": [{"need": d.need.reference, "description": d.need.description, "committed": d.committed,
                       "interested": d.interested, "committed_total": d.committed_total,
                       "interested_total": d.interested_total, "committed_districts": d.committed_districts,
                       "interested_districts": d.interested_districts, "states": d.states,
                       "budget_median": _money(d.budget_median), "budget_low": _money(d.budget_low),
                       "budget_high": _money(d.budget_high),
                       "must_haves": [{"code": c, "label": musthaves.label(c), "answers": n,
                                       "share_percent": str(share), "shared_by_most": share > 50}
                                      for c, n, share in d.must_haves],
                       "contract_ends_by_quarter": d.contract_ends} for d in needs],
            "state_rules": [{"state": state, "rule_id": r.rule_id, "title": r.title, "citation": r.citation,
                             "kind": r.kind} for state, items in rules.items() for r in items]}
