"""Awards, award notices with their standstill period, and protests."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from sourcing.states import AwardMethod


class AwardPlanRecord(models.Model):
    """An award plan staff computed before confirming (a bulk buy's award-engine run, or a
    multi-award for the record). The award notice awards exactly the latest plan, and only while
    the inputs it was computed from are unchanged (`inputs_digest`, see sourcing.award_plans)."""

    solicitation = models.ForeignKey("sourcing.Solicitation", on_delete=models.PROTECT,
                                     related_name="award_plans")
    method = models.CharField(max_length=20, choices=AwardMethod.choices)
    inputs_digest = models.CharField(max_length=64)  # SHA-256 of sourcing.award_plans.plan_inputs
    digest = models.CharField(max_length=64)  # SHA-256 naming the plan: its inputs and what it awards
    # [{"bid_id", "vendor_id", "vendor", "total_score", "allocations": [{"line", "quantity",
    # "unit_price", "cost"}]}]
    winners = models.JSONField(default=list, blank=True)
    problems = models.JSONField(default=list, blank=True)
    vendor_names = models.JSONField(default=dict, blank=True)  # engine vendor id -> legal name
    # Bulk buy: the award engine's result (allocations, baselines, savings), exact decimals.
    engine_result = models.JSONField(null=True, blank=True)
    computed_at = models.DateTimeField()
    computed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT,
                                    related_name="+")

    class Meta:
        ordering = ["computed_at", "pk"]


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
    # The stored plan this award confirmed (bulk buy); a multi-award is computed at the notice.
    plan = models.ForeignKey(AwardPlanRecord, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="awards")
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
