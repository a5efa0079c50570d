"""A member joining a master agreement: its mini-competition (multi-award), the vendor's quote,
and the participation agreement (with, in the same step, a DPA joinder where needed)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from contracts.states import ParticipationState


class MiniCompetition(models.Model):
    """A member scores the vendors of a multi-award solicitation on its own quantities (price
    first), asks the chosen vendor for a quote and plan, and records its choice and reasons."""

    class State(models.TextChoices):
        OPEN = "open", "Scoring and quotes"
        DECIDED = "decided", "Decided"

    district = models.ForeignKey("members.District", on_delete=models.PROTECT, related_name="mini_competitions")
    solicitation = models.ForeignKey("sourcing.Solicitation", on_delete=models.PROTECT, related_name="+")
    quantities = models.JSONField(help_text="{line reference: the district's own quantity}")
    price_weight = models.DecimalField(max_digits=5, decimal_places=2, default=60)
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    chosen_agreement = models.ForeignKey("contracts.MasterAgreement", null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="+")
    choice_reasons = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)


class MiniCompetitionScore(models.Model):
    competition = models.ForeignKey(MiniCompetition, on_delete=models.CASCADE, related_name="scores")
    agreement = models.ForeignKey("contracts.MasterAgreement", on_delete=models.PROTECT, related_name="+")
    price_total = models.DecimalField(max_digits=14, decimal_places=2)
    price_score = models.DecimalField(max_digits=6, decimal_places=2)
    other_score = models.DecimalField(max_digits=6, decimal_places=2, default=0,
                                      help_text="The district's own score for the other criteria.")
    notes = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["competition", "agreement"], name="one_score_per_vendor")]

    @property
    def total(self):
        return self.price_score + self.other_score


class QuoteRequest(models.Model):
    competition = models.ForeignKey(MiniCompetition, on_delete=models.CASCADE, related_name="quotes")
    agreement = models.ForeignKey("contracts.MasterAgreement", on_delete=models.PROTECT, related_name="quote_requests")
    message = models.TextField(blank=True)
    requested_at = models.DateTimeField()
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    quote_total = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    implementation_plan = models.TextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")


class ParticipationAgreement(models.Model):
    """A member's own agreement with the vendor on the master agreement's terms."""

    district = models.ForeignKey("members.District", on_delete=models.PROTECT, related_name="participations")
    agreement = models.ForeignKey("contracts.MasterAgreement", on_delete=models.PROTECT, related_name="participations")
    mini_competition = models.ForeignKey(MiniCompetition, null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="participations")
    estimated_value = models.DecimalField(max_digits=14, decimal_places=2,
                                          help_text="Estimated spend in a year under this agreement.")
    state = models.CharField(max_length=20, choices=ParticipationState.choices,
                             default=ParticipationState.PREPARED, db_index=True)
    needs_approval = models.BooleanField(default=False)
    prepared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    prepared_at = models.DateTimeField()
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    countersigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="+")
    countersigned_at = models.DateTimeField(null=True, blank=True)
    closed_reason = models.TextField(blank=True)
    # What compliance required at joining, and the DPA adopted in the same step.
    compliance_decisions = models.ManyToManyField("compliance.ComplianceDecision", blank=True,
                                                  related_name="+")
    dpa_joinder = models.ForeignKey("compliance.DataPrivacyAgreement", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    steps_confirmed = models.JSONField(default=list, blank=True)
    # The district board's finding (e.g. of best interest, Cal. Pub. Contract Code 20118) for
    # using this agreement, recorded at joining; a participation in force with one satisfies
    # the state rules that require it.
    board_finding_on = models.DateField(null=True, blank=True,
                                        help_text="Date of the board's finding for this agreement.")
    board_finding_reference = models.CharField(max_length=200, blank=True,
                                               help_text="e.g. the board resolution number.")

    @property
    def board_finding_label(self) -> str:
        if self.board_finding_on is None:
            return ""
        return f"{self.board_finding_reference}, {self.board_finding_on:%Y-%m-%d}"

    class Meta:
        ordering = ["-prepared_at"]
        constraints = [models.UniqueConstraint(
            fields=["district", "agreement"],
            condition=Q(state__in=["prepared", "approved", "active"]),
            name="one_open_participation")]


class PriorPrice(models.Model):
    """What a district paid per unit for a product before the consortium's agreement, as it stated
    it when joining (the savings "vs the price paid before" baseline, analytics.savings). One per
    participation and product; never edited (a new participation states its own)."""

    class Source(models.TextChoices):
        JOIN = "join", "Stated when joining the agreement"

    participation = models.ForeignKey(ParticipationAgreement, on_delete=models.CASCADE, related_name="prior_prices")
    district = models.ForeignKey("members.District", on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="+")
    unit_price = models.DecimalField(max_digits=12, decimal_places=2)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.JOIN)
    stated_on = models.DateField()

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["participation", "product"], name="one_prior_price_per_product")]
        indexes = [models.Index(fields=["district", "product"])]
