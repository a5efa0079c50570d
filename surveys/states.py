"""Survey and response states, and the vocabularies of an answer.

A survey is drafted, then published (staff may also close it early). Whether a published survey
is open is derived from the clock: before `opens_at` it is scheduled, from `opens_at` up to (not
including) `closes_at` it is open, from `closes_at` on it is closed.

    draft -> published (scheduled -> open -> closed, by the clock) -> closed (early, by staff)
"""

from __future__ import annotations

import datetime as dt

from django.db import models

from core.transitions import Transition, Transitions


class SurveyState(models.TextChoices):
    DRAFT = "draft", "Draft"
    SCHEDULED = "scheduled", "Published, not open yet"
    OPEN = "open", "Open for answers"
    CLOSED = "closed", "Closed"
    PUBLISHED = "published", "Published"  # stored; shown as scheduled, open or closed


S = SurveyState
TRANSITIONS = Transitions(
    noun="survey", states=SurveyState.choices, initial=(S.DRAFT,),
    derived={S.SCHEDULED: S.PUBLISHED, S.OPEN: S.PUBLISHED},
    steps={
        "update": Transition((S.DRAFT,), S.DRAFT, "Change the survey"),
        "publish": Transition((S.DRAFT,), S.PUBLISHED, "Publish the survey"),
        "close": Transition((S.SCHEDULED, S.OPEN), S.CLOSED, "Close the survey now"),
        "answer": Transition((S.OPEN,), S.OPEN, "Answer the survey"),
        "solicit": Transition((S.OPEN, S.CLOSED), S.CLOSED, "Create a solicitation from the survey"),
    })


def effective_state(stored: str, opens_at: dt.datetime, closes_at: dt.datetime,
                    now: dt.datetime) -> str:
    """What a survey is now: draft, scheduled, open or closed."""
    if stored == S.DRAFT:
        return S.DRAFT
    if stored == S.CLOSED or now >= closes_at:
        return S.CLOSED
    if now < opens_at:
        return S.SCHEDULED
    return S.OPEN


class ResponseState(models.TextChoices):
    DRAFT = "draft", "Draft, not submitted"
    SUBMITTED = "submitted", "Submitted"


class Commitment(models.TextChoices):
    COMMITTED = "committed", "Committed"
    INTERESTED = "interested", "Interested"


class FundingSource(models.TextChoices):
    GENERAL_FUND = "general_fund", "General fund"
    TITLE_IV_A = "title_iv_a", "Title IV-A"
    E_RATE = "e_rate", "E-Rate"
    STATE_GRANT = "state_grant", "State grant"
    OTHER = "other", "Other"


# District size bands for response rates (by enrollment).
SIZE_BANDS = [(0, 999, "Under 1,000 students"), (1000, 4999, "1,000 to 4,999 students"),
              (5000, 24999, "5,000 to 24,999 students"), (25000, None, "25,000 students or more")]
UNKNOWN_SIZE = "Enrollment not known"


def size_band(enrollment) -> str:
    if enrollment is None:
        return UNKNOWN_SIZE
    for low, high, label in SIZE_BANDS:
        if enrollment >= low and (high is None or enrollment <= high):
            return label
    return UNKNOWN_SIZE
