"""Master-agreement and participation states, with every allowed transition in one place.

Agreements: pending_signature -> active -> terminated; `expired` is derived from the clock (an
active agreement past its end date). Renewals extend the end date of an active agreement.
Participation: prepared -> (approved, when the value is above the district's limit) -> active
(countersigned by the vendor); prepared/approved -> withdrawn; active -> ended.
"""

from __future__ import annotations

from django.db import models

from core.transitions import Transition, Transitions


class AgreementState(models.TextChoices):
    PENDING_SIGNATURE = "pending_signature", "Pending signature"
    ACTIVE = "active", "Active"
    EXPIRED = "expired", "Expired"  # derived
    TERMINATED = "terminated", "Terminated"


A = AgreementState
AGREEMENT_TRANSITIONS = Transitions(
    noun="agreement", states=AgreementState.choices, initial=(A.PENDING_SIGNATURE,),
    derived={A.EXPIRED: A.ACTIVE}, steps={
        "activate": Transition((A.PENDING_SIGNATURE,), A.ACTIVE, "Activate"),
        "renew": Transition((A.ACTIVE,), A.ACTIVE, "Renew"),
        "terminate": Transition((A.PENDING_SIGNATURE, A.ACTIVE), A.TERMINATED, "Terminate"),
    })


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


P = ParticipationState
PARTICIPATION_TRANSITIONS = Transitions(
    noun="participation", states=ParticipationState.choices, initial=(P.PREPARED,), steps={
        "approve": Transition((P.PREPARED,), P.APPROVED, "Approve"),
        "countersign": Transition((P.PREPARED, P.APPROVED), P.ACTIVE, "Countersign"),
        "withdraw": Transition((P.PREPARED, P.APPROVED), P.WITHDRAWN, "Withdraw"),
        "end": Transition((P.ACTIVE,), P.ENDED, "End"),
    })


class AwardKind(models.TextChoices):
    MULTI_AWARD = "multi_award", "Multi-award"
    SINGLE_AWARD = "single_award", "Single award"
