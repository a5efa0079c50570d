"""District buyers answer a needs survey: one response per district, one answer per need, saved
as a draft or submitted, changeable until the window closes (by the server's clock: at the
closing second a change is refused). The same rules for the page, the CSV file and the API."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any, Callable, Iterable, Optional

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.acting import BUYER, Actor, acts_as
from audit.actions import AuditAction
from audit.services import audit_record
from catalog import musthaves
from core.bounds import QUANTITY_MAX, UNIT_PRICE_MAX
from core.limits import DATE_MAX, DATE_MIN, SHORT_TEXT_MAX, check_int, check_money, check_text, parse_int
from core.locks import lock
from members.selectors import district_for_actor, district_is_member
from surveys.models import Answer, Need, Response, Survey
from surveys.states import Commitment, FundingSource, ResponseState, SurveyState

MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
COMMITMENTS = {**{c.value: c.value for c in Commitment}, **{c.label.lower(): c.value for c in Commitment}}
FUNDING = {**{f.value: f.value for f in FundingSource}, **{f.label.lower(): f.value for f in FundingSource}}


def _month(value: Any, field: str) -> dt.date:
    if isinstance(value, dt.date):
        day = value.replace(day=1)
    else:
        match = MONTH.match(str(value or "").strip())
        if not match or not 1 <= int(match.group(2)) <= 12:
            raise ValidationError({field: "A month as YYYY-MM (e.g. 2027-07) is required."})
        day = dt.date(int(match.group(1)), int(match.group(2)), 1)
    if not dt.date(2000, 1, 1) <= day <= DATE_MAX:
        raise ValidationError({field: "A month from 2000-01 to 2199-12."})
    return day


def _date(value: Any, field: str) -> Optional[dt.date]:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        day = value
    else:
        try:
            day = dt.date.fromisoformat(str(value).strip()[:10]) if len(str(value).strip()) == 10 else None
        except ValueError:
            day = None
        if day is None:
            raise ValidationError({field: "A date as YYYY-MM-DD is required."})
    if not DATE_MIN <= day <= DATE_MAX:
        raise ValidationError({field: f"A date from {DATE_MIN} to {DATE_MAX}."})
    return day


def _money(value: Any, field: str) -> Optional[Decimal]:
    if value in (None, ""):
        return None
    return check_money(value, field=field, maximum=UNIT_PRICE_MAX)


def _quantity(value: Any, field: str) -> int:
    if value in (None, ""):
        return 0
    if isinstance(value, str):
        return parse_int(value, field=field, minimum=0, maximum=QUANTITY_MAX, what="a whole number of units")
    return check_int(value, field=field, minimum=0, maximum=QUANTITY_MAX, what="a whole number of units")


def _must_haves(value: Any, field: str) -> list[str]:
    if isinstance(value, str):
        value = re.split(r"[;\s,]+", value)
    try:
        return musthaves.clean(value or [])
    except ValueError as exc:
        raise ValidationError({field: str(exc)})


def clean_answer(need: Need, data: dict[str, Any], key: str) -> Answer:
    """One answer for `need` from raw values (API, form or CSV); every problem is named
    `<key>.<field>` in one ValidationError."""
    errors: dict[str, list[str]] = {}

    def take(field: str, parse: Callable[[Any, str], Any], default=None):
        try:
            return parse(data.get(field), f"{key}.{field}")
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                errors.setdefault(name, []).extend(messages)
            return default

    commitment = COMMITMENTS.get(str(data.get("commitment") or "").strip().lower())
    if commitment is None:
        errors[f"{key}.commitment"] = ["Say whether the district is committed or interested."]
    funding = FUNDING.get(str(data.get("funding_source") or "").strip().lower())
    if funding is None:
        errors[f"{key}.funding_source"] = [f"Choose one of: {', '.join(FundingSource.labels)}."]
    raw = data.get("quantities") or {}
    if not isinstance(raw, dict):
        raw = {}
    quantities: dict[str, int] = {}
    for band, value in raw.items():
        try:
            q = _quantity(value, f"{key}.quantities.{band}")
        except ValidationError as exc:
            errors.update(exc.message_dict)
            continue
        if q and band not in need.grade_bands:
            errors[f"{key}.quantities.{band}"] = [
                f"{need.reference} asks about grade bands {', '.join(need.grade_bands)} only."]
        elif q:
            quantities[band] = q
    if not any(f"{key}.quantities" in name for name in errors):
        total = sum(quantities.values())
        if total < 1:
            errors[f"{key}.quantities"] = ["Give a quantity of at least 1 in one grade band."]
        elif total > QUANTITY_MAX:
            errors[f"{key}.quantities"] = [f"At most {QUANTITY_MAX:,} units in all."]
    needed_by = take("needed_by", _month)
    budget_min = take("budget_min", _money)
    budget_max = take("budget_max", _money)
    if budget_min is not None and budget_max is not None and budget_min > budget_max:
        errors[f"{key}.budget_max"] = ["The highest budget per unit must be at least the lowest."]
    must_haves = take("must_haves", _must_haves, [])
    current_product = take("current_product", lambda v, f: check_text(v, field=f, max_length=SHORT_TEXT_MAX), "")
    current_price = take("current_price", _money)
    contract_end = take("current_contract_end", _date)
    if errors:
        raise ValidationError(errors)
    return Answer(need=need, commitment=commitment, quantities={b: quantities[b] for b in need.grade_bands if b in quantities},
                  needed_by=needed_by, budget_min=budget_min, budget_max=budget_max, funding_source=funding,
                  must_haves=must_haves, current_product=current_product, current_price=current_price,
                  current_contract_end=contract_end)


def clean_answers(survey: Survey, rows: Iterable[dict[str, Any]],
                  key: Callable[[int], str] = lambda i: f"answers[{i}]") -> list[Answer]:
    """Every row names its need by reference (`need`); a need answered twice, an unknown need
    and every field's problem are refused together."""
    needs = {n.reference: n for n in survey.needs.all()}
    errors: dict[str, list[str]] = {}
    answers, seen = [], set()
    for i, row in enumerate(rows):
        ref = str(row.get("need") or "").strip().upper()
        if ref not in needs:
            errors[f"{key(i)}.need"] = [f"No need {ref or '(blank)'} in this survey; the needs are "
                                        f"{', '.join(needs)}."]
            continue
        if ref in seen:
            errors[f"{key(i)}.need"] = [f"{ref} is answered twice."]
            continue
        seen.add(ref)
        try:
            answers.append(clean_answer(needs[ref], row, key(i)))
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    return answers


def _summary(response: Response, answers: list[Answer]) -> dict[str, Any]:
    return {"state": response.state, "answers": [
        {"need": a.need.reference, "commitment": a.commitment, "quantities": a.quantities,
         "needed_by": a.needed_by, "budget_min": a.budget_min, "budget_max": a.budget_max,
         "funding_source": a.funding_source, "must_haves": a.must_haves,
         "current_product": a.current_product, "current_price": a.current_price,
         "current_contract_end": a.current_contract_end} for a in answers]}


def require_answering_district(actor: Actor):
    """The member district a buyer answers for; anyone else is refused."""
    if not acts_as(actor, BUYER):
        raise PermissionDenied("Only a district's buyer answers needs surveys.")
    district = district_for_actor(actor)
    if not district_is_member(district):
        raise PermissionDenied("Only member districts answer needs surveys: apply for membership first.")
    return district


@transaction.atomic
def response_save(*, survey: Survey, answers: list[dict[str, Any]], submit: bool = False,
                  actor: Actor) -> Response:
    """Replace the acting district's answers (needs left out are not answered). `submit` makes
    the response count in the pooled demand; a submitted response stays submitted when changed."""
    district = require_answering_district(actor)
    survey = lock(Survey.objects.all()).get(pk=survey.pk)
    now = timezone.now()
    state = survey.effective_state(now)
    if state == SurveyState.SCHEDULED:
        raise ValidationError(f"The survey opens on {timezone.localtime(survey.opens_at):%Y-%m-%d at %H:%M %Z}: "
                              f"answers are taken from then.")
    if state != SurveyState.OPEN:
        raise ValidationError("The survey is closed: answers can no longer be changed.")
    cleaned = clean_answers(survey, answers)
    if submit and not cleaned:
        raise ValidationError({"answers": "Answer at least one need before submitting."})
    response = Response.objects.filter(survey=survey, district=district).first()
    before = None
    if response is None:
        response = Response(survey=survey, district=district)
    else:
        before = _summary(response, list(response.answers.select_related("need")))
    was_submitted = response.state == ResponseState.SUBMITTED
    if submit:
        response.state = ResponseState.SUBMITTED
        response.submitted_at = now
    response.updated_at, response.updated_by = now, actor.user
    response.save()
    response.answers.all().delete()
    for answer in cleaned:
        answer.response = response
    Answer.objects.bulk_create(cleaned)
    action = AuditAction.SURVEY_ANSWERS_SUBMITTED if submit and not was_submitted else AuditAction.SURVEY_ANSWERS_SAVED
    audit_record(actor=actor, action=action, obj=response, before=before, after=_summary(response, cleaned))
    return response
