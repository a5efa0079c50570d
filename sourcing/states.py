"""Solicitation states and every allowed transition, in one place.

Stored states change only through services. Two more states are *derived from the clock* when a
solicitation is read, never written by a job:
- published and now >= bid deadline                         -> closed (bids are open to evaluators)
- award_notice, standstill over and no protest still open     -> awarded (final)
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models


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


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    sources: tuple[str, ...]  # effective states (derived ones included)
    target: str


TRANSITIONS: dict[str, Transition] = {t.action: t for t in [
    Transition("publish", "Publish", (S.DRAFT,), S.PUBLISHED),
    Transition("start_evaluation", "Start evaluation", (S.CLOSED,), S.UNDER_EVALUATION),
    Transition("issue_award_notice", "Publish the award notice", (S.UNDER_EVALUATION,), S.AWARD_NOTICE),
    Transition("reopen_evaluation", "Revise the award (protest upheld)", (S.AWARD_NOTICE,), S.UNDER_EVALUATION),
    Transition("cancel", "Cancel the solicitation",
               (S.DRAFT, S.PUBLISHED, S.CLOSED, S.UNDER_EVALUATION, S.AWARD_NOTICE), S.CANCELLED),
]}

# States in which the public sees the solicitation at all.
PUBLIC_STATES = (S.PUBLISHED, S.CLOSED, S.UNDER_EVALUATION, S.AWARD_NOTICE, S.AWARDED, S.CANCELLED)


class Kind(models.TextChoices):
    RFP = "rfp", "Request for proposals (RFP)"
    RFQ = "rfq", "Request for quotations (RFQ)"
    IFB = "ifb", "Invitation for bids (IFB)"


class AwardMethod(models.TextChoices):
    MULTI_AWARD = "multi_award", "Multi-award: every responsive bid above the score threshold"
    BULK_BUY = "bulk_buy", "Bulk buy: quantities allocated at the lowest total cost"
