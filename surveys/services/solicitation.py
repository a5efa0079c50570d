"""From a survey to a draft solicitation in one step, and telling the declaring districts when it
is published (through sourcing's `solicitation_published` signal: sourcing never imports this)."""

from __future__ import annotations

import datetime as dt
from typing import Optional

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.acting import JOINERS, Actor, require_staff
from accounts.selectors import users_of_organisation
from audit.actions import AuditAction
from audit.services import audit_record
from catalog import musthaves
from catalog.models import Category
from core.locks import lock
from core.notify import notify
from sourcing.services.solicitations import SolicitationContent, solicitation_create
from surveys import selectors
from sourcing.models import Solicitation
from sourcing.states import SolicitationState
from surveys.models import Need, NeedLink, Survey, SurveySolicitation
from surveys.states import TRANSITIONS, SurveyState
from vendors.service_area import state_name

CRITERIA = [{"name": "Price", "weight": 40, "is_price": True},
            {"name": "Functionality", "weight": 30},
            {"name": "Implementation and support", "weight": 15},
            {"name": "Privacy and accessibility", "weight": 15}]
QUESTIONS_AFTER = dt.timedelta(days=21)
BIDS_AFTER = dt.timedelta(days=35)


def solicitation_plan(survey: Survey) -> dict:
    """What the solicitation will hold: lines (needs with committed demand, estimated quantity =
    committed units), requirements (must-haves shared by most respondents of a line's need, and
    the rules of the states whose members committed), and the declaring districts."""
    demand = selectors.survey_demand(survey)
    lines, requirements, states = [], [], set()
    shared: dict[str, list[str]] = {}
    for d in demand:
        if d.committed_total < 1:
            continue
        lines.append({"reference": d.need.reference, "description": f"{d.need.description} ({d.need.category})"[:500],
                      "unit": d.need.unit, "estimated_quantity": d.committed_total})
        states.update(d.committed_states)
        for code, _, _ in d.shared_must_haves:
            shared.setdefault(code, []).append(d.need.reference)
    for code, refs in shared.items():
        requirements.append({"code": f"must-{code.replace(':', '-')}",
                             "text": f"{musthaves.label(code)} (lines {', '.join(refs)})"})
    for state, rules in selectors.state_rules(states).items():
        for rule in rules:
            requirements.append({"code": f"rule-{rule.rule_id}"[:40],
                                 "text": f"Meets {rule.title} ({rule.citation}) for members in {state_name(state)}"[:500]})
    refs = {line["reference"] for line in lines}
    districts = sorted({row.district_id for row in selectors.demand_rows(survey) if row.need in refs})
    return {"lines": lines, "requirements": requirements, "districts": districts, "states": sorted(states)}


@transaction.atomic
def survey_solicitation_create(*, survey: Survey, category: Category, actor: Actor,
                               title: Optional[str] = None) -> SurveySolicitation:
    """Draft one solicitation from a survey's committed demand (once per survey: a second try
    is refused). Staff then review the draft and publish it as any other."""
    require_staff(actor, "create solicitations from needs surveys")
    survey = lock(Survey.objects.all()).get(pk=survey.pk)
    TRANSITIONS.check(survey.effective_state(), "solicit", subject=f"the survey {survey.title!r}")
    if SurveySolicitation.objects.filter(survey=survey).exists():
        raise ValidationError("A solicitation was already created from this survey.")
    plan = solicitation_plan(survey)
    if not plan["lines"]:
        raise ValidationError("No member has committed to any need yet: nothing to solicit.")
    now = timezone.now()
    content = SolicitationContent(
        title=(title or survey.title)[:200], category=category,
        description=(f"Estimated quantities are the committed demand of {len(plan['districts'])} member "
                     f"district(s) declared in the needs survey {survey.title!r} ({survey.cycle})."),
        lines=plan["lines"], requirements=plan["requirements"], criteria=CRITERIA)
    solicitation = solicitation_create(content=content, questions_deadline=now + QUESTIONS_AFTER,
                                       bid_deadline=now + BIDS_AFTER, actor=actor)
    link = SurveySolicitation.objects.create(survey=survey, solicitation=solicitation, created_at=now)
    link.districts.set(plan["districts"])
    audit_record(actor=actor, action=AuditAction.SURVEY_SOLICITATION_CREATED, obj=survey,
                 after={"solicitation": solicitation.number, "lines": plan["lines"],
                        "requirements": len(plan["requirements"]), "districts": plan["districts"]})
    return link


def declaring_districts_tell(*, solicitation, actor: Actor) -> int:
    """When a solicitation made from a survey is published: an inbox notice and email to the
    buyers and approvers of each district that declared its needs (once)."""
    link = SurveySolicitation.objects.filter(solicitation=solicitation, told_at__isnull=True).select_related("survey").first()
    if link is None:
        return 0
    recipients = [a.user.email for d in link.districts.select_related("organisation")
                  for a in users_of_organisation(d.organisation).filter(role__in=JOINERS, user__is_active=True)]
    sent = notify(recipients=recipients,
                  subject=f"Published: {solicitation.number} {solicitation.title}",
                  body=(f"The solicitation built from your answers to the needs survey "
                        f"“{link.survey.title}” is published. Vendors bid until "
                        f"{timezone.localtime(solicitation.bid_deadline):%Y-%m-%d %H:%M %Z}."),
                  link=reverse("sourcing:detail", kwargs={"solicitation_id": solicitation.pk}))
    link.told_at = timezone.now()
    link.save(update_fields=["told_at"])
    audit_record(actor=actor, action=AuditAction.SURVEY_DISTRICTS_TOLD, obj=link.survey,
                 after={"solicitation": solicitation.number, "districts": link.districts.count(),
                        "recipients": sent})
    return sent


@transaction.atomic
def need_solicitation_link(*, need: Need, solicitation: Solicitation, line_reference: str,
                           actor: Actor) -> NeedLink:
    """Link an existing solicitation's line to a survey's need, so that declared vs bought counts
    the units ordered under it. Once per need; refused when the survey is a draft (its needs may
    still change), when the need is already linked or solicited by the survey's own solicitation,
    when the solicitation is cancelled or of another category than the need (what it buys is not
    what was asked), when the line is not one of the solicitation's, or when that line already
    stands for another need of the same survey (its orders would be counted twice)."""
    require_staff(actor, "link solicitations to needs surveys")
    survey = lock(Survey.objects.all()).get(pk=need.survey_id)
    need = Need.objects.select_related("category").get(pk=need.pk)
    solicitation = Solicitation.objects.select_related("category").get(pk=solicitation.pk)
    line_reference = (line_reference or "").strip()
    if survey.state == SurveyState.DRAFT:
        raise ValidationError("The survey is a draft: publish it first (its needs may still change).")
    existing = NeedLink.objects.filter(need=need).select_related("solicitation").first()
    if existing is not None:
        raise ValidationError(f"{need.reference} is already linked to {existing.solicitation.number}, "
                              f"line {existing.line_reference}.")
    own = SurveySolicitation.objects.filter(survey=survey).select_related("solicitation").first()
    if own is not None and own.solicitation.lines.filter(reference=need.reference).exists():
        raise ValidationError(f"{need.reference} is already solicited by {own.solicitation.number}, "
                              f"created from this survey.")
    if solicitation.state == SolicitationState.CANCELLED:
        raise ValidationError({"line": f"{solicitation.number} is cancelled: nothing will be bought under it."})
    if solicitation.category_id != need.category_id:
        raise ValidationError({"line": f"{solicitation.number} buys {solicitation.category.name}; "
                                       f"{need.reference} asks for {need.category.name}."})
    # (checked before any query: PostgreSQL refuses NUL bytes in a text parameter with an error)
    if (not line_reference or len(line_reference) > 40 or not line_reference.isprintable()
            or not solicitation.lines.filter(reference=line_reference).exists()):
        raise ValidationError({"line": f"{solicitation.number} has no line {line_reference[:40]!r}."})
    taken = (NeedLink.objects.filter(need__survey=survey, solicitation=solicitation, line_reference=line_reference)
             .select_related("need").first())
    if taken is not None or (own is not None and own.solicitation_id == solicitation.pk
                             and survey.needs.filter(reference=line_reference).exists()):
        other = taken.need.reference if taken is not None else line_reference
        raise ValidationError({"line": f"Line {line_reference} of {solicitation.number} already stands for "
                                       f"{other} of this survey."})
    link = NeedLink.objects.create(need=need, solicitation=solicitation, line_reference=line_reference,
                                   linked_at=timezone.now(), linked_by=actor.user)
    audit_record(actor=actor, action=AuditAction.SURVEY_NEED_LINKED, obj=survey,
                 after={"need": need.reference, "solicitation": solicitation.number,
                        "line": line_reference})
    return link
