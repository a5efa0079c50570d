"""Awards, award notices with their standstill period, and protests."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from sourcing.states import AwardMethod


class Award(models.Model):
    """One version of a solicitation's award. A new version supersedes the last (after an upheld
    protest). The notice starts the standstill; the award is final when the standstill is over
    and no protest is open (derived from the clock)."""

    solicitation = models.ForeignKey("sourcing.Solicitation", on_delete=models.PROTECT,
                                     related_name="awards")
    version = models.PositiveSmallIntegerField()
    method = models.CharField(max_length=20, choices=AwardMethod.choices)
    notice_published_at = models.DateTimeField()
    standstill_ends_at = models.DateTimeField()
    superseded_at = models.DateTimeField(null=True, blank=True)
    rationale = models.TextField(blank=True)
    # Bulk buy: the award engine's result (allocations, baselines, savings), exact decimals.
    engine_result = models.JSONField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["version"]
        constraints = [models.UniqueConstraint(fields=["solicitation", "version"],
                                               name="unique_award_version")]


class AwardedBid(models.Model):
    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="awarded_bids")
    bid = models.ForeignKey("sourcing.Bid", on_delete=models.PROTECT, related_name="+")
    vendor = models.ForeignKey("vendors.Vendor", on_delete=models.PROTECT, related_name="+")
    total_score = models.DecimalField(max_digits=6, decimal_places=2)
    # Bulk buy: [{"line": ref, "quantity": n, "unit_price": "x.xx", "cost": "y.yy"}].
    allocations = models.JSONField(default=list, blank=True)


class Protest(models.Model):
    class State(models.TextChoices):
        OPEN = "open", "Open"
        UPHELD = "upheld", "Upheld: the award will be revised"
        DENIED = "denied", "Denied"

    award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="protests")
    vendor = models.ForeignKey("vendors.Vendor", on_delete=models.PROTECT, related_name="+")
    grounds = models.TextField()
    document = models.FileField(upload_to="protests/", blank=True)
    filed_at = models.DateTimeField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    decision_reasons = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
