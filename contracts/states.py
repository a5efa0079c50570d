"""Master-agreement and participation states, with every allowed transition in one place.

Agreements: pending_signature -> active -> terminated; `expired` is derived from the clock (an
active agreement past its end date). Renewals extend the end date of an active agreement.
Participation: prepared -> (approved, when the value is above the district's limit) -> active
(countersigned by the vendor); prepared/approved -> withdrawn; active -> ended.
"""

from __future__ import annotations

from django.db import models


class AgreementState(models.TextChoices):
    PENDING_SIGNATURE = "pending_signature", "Pending signature"
    ACTIVE = "active", "Active"
    EXPIRED = "expired", "Expired"  # derived
    TERMINATED = "terminated", "Terminated"


AGREEMENT_TRANSITIONS = {
    "activate": ((AgreementState.PENDING_SIGNATURE,), AgreementState.ACTIVE),
    "renew": ((AgreementState.ACTIVE,), AgreementState.ACTIVE),
    "terminate": ((AgreementState.PENDING_SIGNATURE, AgreementState.ACTIVE), AgreementState.TERMINATED),
}


class AmendmentState(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class ParticipationState(models.TextChoices):
    PREPARED = "prepared", "Prepared by the buyer"
    APPROVED = "approved", "Approved by the district"
    ACTIVE = "active", "Countersigned: active"
    WITHDRAWN = "withdrawn", "Withdrawn"
    ENDED = "ended", "Ended"


PARTICIPATION_TRANSITIONS = {
    "approve": ((ParticipationState.PREPARED,), ParticipationState.APPROVED),
    "countersign": ((ParticipationState.PREPARED, ParticipationState.APPROVED), ParticipationState.ACTIVE),
    "withdraw": ((ParticipationState.PREPARED, ParticipationState.APPROVED), ParticipationState.WITHDRAWN),
    "end": ((ParticipationState.ACTIVE,), ParticipationState.ENDED),
}


class AwardKind(models.TextChoices):
    MULTI_AWARD = "multi_award", "Multi-award"
    SINGLE_AWARD = "single_award", "Single award"
