"""Order states and every allowed transition, in one place.

draft -> submitted -> (approved, when above the district's approval limit) -> acknowledged by the
vendor -> fulfilled; cancelled (with a reason) from any state before fulfilled.
"""

from __future__ import annotations

from django.db import models


class OrderState(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    APPROVED = "approved", "Approved"
    ACKNOWLEDGED = "acknowledged", "Acknowledged by the vendor"
    FULFILLED = "fulfilled", "Fulfilled"
    CANCELLED = "cancelled", "Cancelled"


S = OrderState
TRANSITIONS = {
    "submit": ((S.DRAFT,), S.SUBMITTED),
    "approve": ((S.SUBMITTED,), S.APPROVED),
    "acknowledge": ((S.SUBMITTED, S.APPROVED), S.ACKNOWLEDGED),
    "fulfil": ((S.ACKNOWLEDGED,), S.FULFILLED),
    "cancel": ((S.DRAFT, S.SUBMITTED, S.APPROVED, S.ACKNOWLEDGED), S.CANCELLED),
}
# Orders whose quantities count toward the consortium's volume (placed and not cancelled).
COUNTING = (S.SUBMITTED, S.APPROVED, S.ACKNOWLEDGED, S.FULFILLED)
