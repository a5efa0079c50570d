"""Evaluation committees, conflict-of-interest declarations and scores."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class EvaluatorSeat(models.Model):
    """An evaluator seated on a solicitation's committee. No proposal is shown until they have
    declared no conflict of interest; a declared conflict removes them."""

    class Declaration(models.TextChoices):
        PENDING = "pending", "Declaration not yet signed"
        NO_CONFLICT = "no_conflict", "Signed: no conflict of interest"
        CONFLICT = "conflict", "Declared a conflict: removed from the committee"

    solicitation = models.ForeignKey("sourcing.Solicitation", on_delete=models.CASCADE,
                                     related_name="seats")
    evaluator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    district = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    seated_at = models.DateTimeField()
    declaration = models.CharField(max_length=20, choices=Declaration.choices,
                                   default=Declaration.PENDING)
    declared_at = models.DateTimeField(null=True, blank=True)
    conflict_details = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["solicitation", "evaluator"],
                                               name="one_seat_per_evaluator")]

    @property
    def may_see_proposals(self) -> bool:
        return self.declaration == self.Declaration.NO_CONFLICT


class DeclaredBidder(models.Model):
    """One line of a signed conflict-of-interest declaration: a bidder the evaluator was shown
    (company name only, once bids opened) and whether they have a relationship with it. Every
    bidder gets a line, so the record shows whom the declaration covered."""

    seat = models.ForeignKey(EvaluatorSeat, on_delete=models.CASCADE, related_name="declared_bidders")
    vendor = models.ForeignKey("vendors.Vendor", on_delete=models.PROTECT, related_name="+")
    vendor_name = models.CharField(max_length=300)  # the name shown when signing
    has_relationship = models.BooleanField()
    details = models.TextField(blank=True)

    class Meta:
        ordering = ["vendor_name", "pk"]
        constraints = [models.UniqueConstraint(fields=["seat", "vendor"],
                                               name="one_declaration_line_per_bidder")]


class Score(models.Model):
    """One evaluator's independent score of one bid on one non-price criterion (0-10)."""

    seat = models.ForeignKey(EvaluatorSeat, on_delete=models.CASCADE, related_name="scores")
    bid = models.ForeignKey("sourcing.Bid", on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey("sourcing.Criterion", on_delete=models.CASCADE, related_name="+")
    points = models.DecimalField(max_digits=4, decimal_places=2)
    comment = models.TextField(blank=True)
    scored_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["seat", "bid", "criterion"],
                                               name="one_score_per_evaluator")]


class ConsensusScore(models.Model):
    """The committee's agreed score of one bid on one non-price criterion (0-10), with comments."""

    bid = models.ForeignKey("sourcing.Bid", on_delete=models.CASCADE, related_name="consensus")
    criterion = models.ForeignKey("sourcing.Criterion", on_delete=models.CASCADE, related_name="+")
    points = models.DecimalField(max_digits=4, decimal_places=2)
    comment = models.TextField(blank=True)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["bid", "criterion"], name="one_consensus")]
