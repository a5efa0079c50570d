"""Scheduled work for needs surveys, run by `edpool tick` (idempotent: each reminder once).

A few days before an open survey closes, every active member district that has not submitted
its answers gets one reminder: an inbox notice and an email to its buyers."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.acting import BUYER, Actor
from accounts.selectors import users_of_organisation
from audit.actions import AuditAction
from audit.services import audit_record
from core.notify import notify
from members.selectors import districts_by_ids
from surveys.models import Reminder, Survey
from surveys.selectors import members_without_response
from surveys.states import SurveyState

REMINDER_DAYS = 3
ACTOR = Actor.system("edpool tick")


def _remind(survey: Survey, district, now: dt.datetime) -> bool:
    emails = [a.user.email for a in users_of_organisation(district.organisation)
              .filter(role=BUYER, user__is_active=True)]
    try:
        with transaction.atomic():
            reminder = Reminder.objects.create(survey=survey, district=district, sent_at=now,
                                               recipients=len(set(emails)))
            notify(recipients=emails, subject=f"Needs survey closes soon: {survey.title}",
                   body=(f"{district.name} has not submitted its answers to “{survey.title}”. The survey "
                         f"closes on {timezone.localtime(survey.closes_at):%Y-%m-%d at %H:%M %Z}."),
                   link=reverse("surveys:detail", kwargs={"survey_id": survey.pk}))
            audit_record(actor=ACTOR, action=AuditAction.SURVEY_REMINDER_SENT, obj=survey,
                         after={"district": district.pk, "recipients": reminder.recipients})
    except IntegrityError:  # already sent, perhaps by a tick running at the same moment
        return False
    return True


def survey_reminders(today: dt.date) -> str:
    now = timezone.now()
    soon = now + dt.timedelta(days=REMINDER_DAYS)
    sent = 0
    for survey in Survey.objects.filter(state=SurveyState.PUBLISHED, opens_at__lte=now,
                                        closes_at__gt=now, closes_at__lte=soon):
        done = set(Reminder.objects.filter(survey=survey).values_list("district_id", flat=True))
        waiting = [d for d in members_without_response(survey) if d not in done]
        for district in districts_by_ids(waiting).values():
            sent += _remind(survey, district, now)
    return f"survey reminders sent: {sent}"
