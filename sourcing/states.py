"""Solicitation states and every allowed transition, in one place.

Stored states change only through services. Two more states are *derived from the clock* when a
solicitation is read, never written by a job:
- published and now >= bid deadline                         -> closed (bids are open to evaluators)
- award_notice, standstill over and no protest still open     -> awarded (final)
"""

from __future__ import annotations

from django.db import models

from core.transitions import Transition, Transitions


class SolicitationState(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Open for bids"
    CLOSED = "closed", "Closed: bids opened"  # derived
    UNDER_EVALUATION = "under_evaluation", "Under evaluation"
    AWARD_NOTICE = "award_notice", "Award notice: standstill"
    AWARDED = "awarded", "Awarded"  # derived
    CANCELLED = "cancelled", "Cancelled"


STORED_STATES = ("draft", "published", "under_evaluation", "award_notice", "cancelled")
S = SolicitationState


TRANSITIONS = Transitions(
    noun="solicitation", states=SolicitationState.choices, initial=(S.DRAFT,),
    # sources are effective states (derived ones included)
    derived={S.CLOSED: S.PUBLISHED, S.AWARDED: S.AWARD_NOTICE}, steps={
        "publish": Transition((S.DRAFT,), S.PUBLISHED, "Publish"),
        "start_evaluation": Transition((S.CLOSED,), S.UNDER_EVALUATION, "Start evaluation"),
        "issue_award_notice": Transition((S.UNDER_EVALUATION,), S.AWARD_NOTICE,
                                         "Publish the award notice"),
        "reopen_evaluation": Transition((S.AWARD_NOTICE,), S.UNDER_EVALUATION,
                                        "Revise the award (protest upheld)"),
        "cancel": Transition((S.DRAFT, S.PUBLISHED, S.CLOSED, S.UNDER_EVALUATION, S.AWARD_NOTICE),
                             S.CANCELLED, "Cancel the solicitation"),
    })

# States in which the public sees the solicitation at all.
PUBLIC_STATES = (S.PUBLISHED, S.CLOSED, S.UNDER_EVALUATION, S.AWARD_NOTICE, S.AWARDED, S.CANCELLED)


class Kind(models.TextChoices):
    RFP = "rfp", "Request for proposals (RFP)"
    RFQ = "rfq", "Request for quotations (RFQ)"
    IFB = "ifb", "Invitation for bids (IFB)"


class AwardMethod(models.TextChoices):
    MULTI_AWARD = "multi_award", "Multi-award: every responsive bid above the score threshold"
    BULK_BUY = "bulk_buy", "Bulk buy: quantities allocated at the lowest total cost"
