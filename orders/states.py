"""Order states and every allowed transition, in one place.

draft -> submitted (within the district's approval limit: priced and counted at once)
      -> awaiting approval (above it: nothing priced or counted) -> approved (priced and counted)
-> acknowledged by the vendor -> fulfilled; cancelled (with a reason) from any state before
fulfilled.
"""

from __future__ import annotations

from django.db import models

from core.transitions import Transition, Transitions


class OrderState(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    AWAITING_APPROVAL = "awaiting_approval", "Awaiting the approver"
    APPROVED = "approved", "Approved"
    ACKNOWLEDGED = "acknowledged", "Acknowledged by the vendor"
    FULFILLED = "fulfilled", "Fulfilled"
    CANCELLED = "cancelled", "Cancelled"


S = OrderState
TRANSITIONS = Transitions(noun="order", states=OrderState.choices, initial=(S.DRAFT,), steps={
    "submit": Transition((S.DRAFT,), S.SUBMITTED, "Submit"),
    "submit_for_approval": Transition((S.DRAFT,), S.AWAITING_APPROVAL, "Submit for approval"),
    # (SUBMITTED: orders placed above the limit before approval came first, already counted)
    "approve": Transition((S.AWAITING_APPROVAL, S.SUBMITTED), S.APPROVED, "Approve"),
    "acknowledge": Transition((S.SUBMITTED, S.APPROVED), S.ACKNOWLEDGED, "Acknowledge"),
    "fulfil": Transition((S.ACKNOWLEDGED,), S.FULFILLED, "Mark fulfilled"),
    "cancel": Transition((S.DRAFT, S.AWAITING_APPROVAL, S.SUBMITTED, S.APPROVED, S.ACKNOWLEDGED),
                         S.CANCELLED, "Cancel"),
})
# Orders whose quantities count toward the consortium's volume (priced and not cancelled); an
# order awaiting its approver counts nothing.
COUNTING = (S.SUBMITTED, S.APPROVED, S.ACKNOWLEDGED, S.FULFILLED)
