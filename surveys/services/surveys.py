"""Staff write needs surveys: draft, change (while a draft), publish, close early."""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterable, Optional

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.acting import Actor, require_staff
from audit.actions import AuditAction
from audit.services import audit_record
from catalog.choices import GRADE_BANDS, PRODUCT_FAMILIES
from catalog.selectors import category_list
from core.limits import SHORT_TEXT_MAX, LONG_TEXT_MAX, check_text
from core.locks import lock
from surveys.models import Need, Survey
from surveys.states import TRANSITIONS, SurveyState as S

MAX_NEEDS = 50
# The longest window a survey may stay open (a buying cycle is a year).
WINDOW_MAX = dt.timedelta(days=366)
KINDS = dict(PRODUCT_FAMILIES)
BANDS = [code for code, _ in GRADE_BANDS]


def _state_of(survey: Survey) -> dict[str, Any]:
    return {"title": survey.title, "cycle": survey.cycle, "state": survey.state,
            "opens_at": survey.opens_at, "closes_at": survey.closes_at,
            "needs": [{"reference": n.reference, "category": n.category.code, "kind": n.kind,
                       "grade_bands": n.grade_bands, "description": n.description, "unit": n.unit}
                      for n in survey.needs.select_related("category")]}


def clean_needs(needs: Iterable[dict[str, Any]]) -> list[Need]:
    """Needs as given (category by code or object, kind, grade bands, description, unit), checked;
    a ValidationError names each field as `needs[i].field` (from 1)."""
    categories = {c.code: c for c in category_list()}
    errors: dict[str, str] = {}
    rows: list[Need] = []
    needs = list(needs or [])
    if not needs:
        errors["needs"] = "Ask about at least one need."
    if len(needs) > MAX_NEEDS:
        raise ValidationError({"needs": f"At most {MAX_NEEDS} needs in one survey."})
    for i, need in enumerate(needs, start=1):
        key = f"needs[{i}]"
        category = need.get("category")
        code = getattr(category, "code", category)
        if code not in categories:
            errors[f"{key}.category"] = "Choose a category from the catalog."
        kind = need.get("kind")
        if kind not in KINDS:
            errors[f"{key}.kind"] = f"Choose one of: {', '.join(KINDS.values())}."
        bands = list(dict.fromkeys(need.get("grade_bands") or []))
        if not bands or any(b not in BANDS for b in bands):
            errors[f"{key}.grade_bands"] = "Choose at least one grade band from the list."
        try:
            description = check_text(need.get("description"), field=f"{key}.description",
                                     max_length=SHORT_TEXT_MAX, required=True)
            unit = check_text(need.get("unit") or "each", field=f"{key}.unit", max_length=40) or "each"
        except ValidationError as exc:
            errors.update({k: " ".join(v) for k, v in exc.message_dict.items()})
            description, unit = "", "each"
        rows.append(Need(position=i, reference=f"N{i}", category=categories.get(code), kind=kind or "",
                         grade_bands=[b for b in BANDS if b in bands], description=description, unit=unit))
    if errors:
        raise ValidationError(errors)
    return rows


def _check_fields(title: str, cycle: str, description: str, opens_at: Optional[dt.datetime],
                  closes_at: Optional[dt.datetime]) -> tuple[str, str, str]:
    errors: dict[str, list[str]] = {}
    out = []
    for name, value, limit in (("title", title, 200), ("cycle", cycle, 40), ("description", description, LONG_TEXT_MAX)):
        try:
            out.append(check_text(value, field=name, max_length=limit, required=name != "description"))
        except ValidationError as exc:
            errors.update(exc.message_dict)
            out.append("")
    for name, value in (("opens_at", opens_at), ("closes_at", closes_at)):
        if not isinstance(value, dt.datetime) or timezone.is_naive(value):
            errors[name] = ["A date and time with its time zone is required."]
    if not errors.get("opens_at") and not errors.get("closes_at"):
        if closes_at <= opens_at:
            errors["closes_at"] = ["The survey must close after it opens."]
        elif closes_at - opens_at > WINDOW_MAX:
            errors["closes_at"] = ["A survey stays open at most a year."]
    if errors:
        raise ValidationError(errors)
    return out[0], out[1], out[2]


def _cleaned(title, cycle, description, opens_at, closes_at, needs):
    """The survey's fields and its needs' rows, checked together: every problem named at once."""
    errors: dict[str, list[str]] = {}
    try:
        title, cycle, description = _check_fields(title, cycle, description, opens_at, closes_at)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        rows = clean_needs(needs)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    return title, cycle, description, rows


@transaction.atomic
def survey_create(*, title: str, cycle: str, opens_at: dt.datetime, closes_at: dt.datetime,
                  needs: list[dict[str, Any]], description: str = "", actor: Actor) -> Survey:
    """Draft a survey with the needs it asks about."""
    require_staff(actor, "draft needs surveys")
    title, cycle, description, rows = _cleaned(title, cycle, description, opens_at, closes_at, needs)
    survey = Survey.objects.create(title=title, cycle=cycle, description=description,
                                   opens_at=opens_at, closes_at=closes_at)
    for row in rows:
        row.survey = survey
    Need.objects.bulk_create(rows)
    audit_record(actor=actor, action=AuditAction.SURVEY_CREATED, obj=survey, after=_state_of(survey))
    return survey


@transaction.atomic
def survey_update(*, survey: Survey, title: str, cycle: str, opens_at: dt.datetime,
                  closes_at: dt.datetime, needs: list[dict[str, Any]], description: str = "",
                  actor: Actor) -> Survey:
    """Change a draft (its needs are replaced); once published, a survey's questions stay."""
    require_staff(actor, "change needs surveys")
    survey = lock(Survey.objects.all()).get(pk=survey.pk)
    TRANSITIONS.check(survey.effective_state(), "update", subject=f"the survey {survey.title!r}")
    title, cycle, description, rows = _cleaned(title, cycle, description, opens_at, closes_at, needs)
    before = _state_of(survey)
    survey.title, survey.cycle, survey.description = title, cycle, description
    survey.opens_at, survey.closes_at = opens_at, closes_at
    survey.save()
    survey.needs.all().delete()
    for row in rows:
        row.survey = survey
    Need.objects.bulk_create(rows)
    audit_record(actor=actor, action=AuditAction.SURVEY_UPDATED, obj=survey, before=before,
                 after=_state_of(survey))
    return survey


@transaction.atomic
def survey_publish(*, survey: Survey, actor: Actor) -> Survey:
    """Publish a draft: members may answer from `opens_at` until `closes_at`."""
    require_staff(actor, "publish needs surveys")
    survey = lock(Survey.objects.all()).get(pk=survey.pk)
    now = timezone.now()
    target = TRANSITIONS.check(survey.effective_state(now), "publish", subject=f"the survey {survey.title!r}")
    if survey.closes_at <= now:
        raise ValidationError({"closes_at": "The survey's window has already ended: change its dates first."})
    if not survey.needs.exists():
        raise ValidationError({"needs": "Ask about at least one need before publishing."})
    survey.state, survey.published_at = target, now
    survey.save(update_fields=["state", "published_at"])
    audit_record(actor=actor, action=AuditAction.SURVEY_PUBLISHED, obj=survey,
                 before={"state": S.DRAFT}, after={"state": survey.state, "published_at": now})
    return survey


@transaction.atomic
def survey_close(*, survey: Survey, actor: Actor) -> Survey:
    """Close a published survey now (before its closing time): no answer changes after this."""
    require_staff(actor, "close needs surveys")
    survey = lock(Survey.objects.all()).get(pk=survey.pk)
    now = timezone.now()
    target = TRANSITIONS.check(survey.effective_state(now), "close", subject=f"the survey {survey.title!r}")
    before = {"state": survey.state, "closes_at": survey.closes_at}
    survey.state, survey.closed_early_at, survey.closes_at = target, now, min(survey.closes_at, now)
    survey.save(update_fields=["state", "closed_early_at", "closes_at"])
    audit_record(actor=actor, action=AuditAction.SURVEY_CLOSED, obj=survey, before=before,
                 after={"state": survey.state, "closes_at": survey.closes_at})
    return survey
