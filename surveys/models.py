"""Needs surveys: a survey asks about needs; each member district keeps one response per survey,
with one answer per need it answers. A survey turned into a solicitation keeps the link and the
districts that declared the needs (told when the solicitation is published)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from surveys.states import Commitment, FundingSource, ResponseState, SurveyState, effective_state


class Survey(models.Model):
    title = models.CharField(max_length=200)
    cycle = models.CharField("buying cycle", max_length=40)  # e.g. "2027-28"
    description = models.TextField(blank=True)
    state = models.CharField(max_length=12, choices=SurveyState.choices, default=SurveyState.DRAFT)
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    published_at = models.DateTimeField(null=True, blank=True)
    closed_early_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opens_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    def effective_state(self, now=None) -> str:
        return effective_state(self.state, self.opens_at, self.closes_at, now or timezone.now())

    def get_effective_state_display(self) -> str:
        return SurveyState(self.effective_state()).label


class Need(models.Model):
    """One thing the survey asks about; `reference` (N1, N2 ...) names it in CSV files and
    becomes the solicitation line's reference."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="needs")
    position = models.PositiveSmallIntegerField()
    reference = models.CharField(max_length=10)
    category = models.ForeignKey("catalog.Category", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20)  # catalog.choices.PRODUCT_FAMILIES
    grade_bands = models.JSONField(default=list)  # catalog.choices.GRADE_BANDS codes
    description = models.CharField(max_length=300)
    unit = models.CharField(max_length=40, default="each")

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["survey", "reference"], name="unique_need_reference")]

    def __str__(self) -> str:
        return f"{self.reference}: {self.description}"


class Response(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    district = models.ForeignKey("members.District", on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=12, choices=ResponseState.choices, default=ResponseState.DRAFT)
    submitted_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField()
    updated_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        ordering = ["district__organisation__name"]
        constraints = [models.UniqueConstraint(fields=["survey", "district"], name="one_response_per_district")]


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="answers")
    commitment = models.CharField(max_length=12, choices=Commitment.choices)
    quantities = models.JSONField(default=dict)  # grade band -> whole number of units
    needed_by = models.DateField()  # the first day of the month it is needed
    budget_min = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    budget_max = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    funding_source = models.CharField(max_length=20, choices=FundingSource.choices)
    must_haves = models.JSONField(default=list)  # catalog.musthaves codes
    current_product = models.CharField(max_length=300, blank=True)
    current_price = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    current_contract_end = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["need__position"]
        constraints = [models.UniqueConstraint(fields=["response", "need"], name="one_answer_per_need")]

    @property
    def total(self) -> int:
        return sum(self.quantities.values())


class Reminder(models.Model):
    """A reminder sent to a district about a survey: once (the unique constraint)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="reminders")
    district = models.ForeignKey("members.District", on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField()
    recipients = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["survey", "district"], name="one_reminder_per_district")]


class SurveySolicitation(models.Model):
    """The solicitation created from a survey (one per survey) and the districts that declared
    the needs it solicits; `told_at` once they were told of its publication."""

    survey = models.OneToOneField(Survey, on_delete=models.PROTECT, related_name="solicitation_link")
    solicitation = models.OneToOneField("sourcing.Solicitation", on_delete=models.PROTECT,
                                        related_name="+")
    districts = models.ManyToManyField("members.District", related_name="+")
    created_at = models.DateTimeField()
    told_at = models.DateTimeField(null=True, blank=True)


class NeedLink(models.Model):
    """A line of an existing solicitation (one not created from the survey) that buys what a
    survey's need declared, linked by staff so that declared vs bought counts the units ordered
    under it. One per need; the solicitation is of the need's category."""

    need = models.OneToOneField(Need, on_delete=models.CASCADE, related_name="link")
    solicitation = models.ForeignKey("sourcing.Solicitation", on_delete=models.PROTECT, related_name="+")
    line_reference = models.CharField(max_length=40)
    linked_at = models.DateTimeField()
    linked_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")

    def __str__(self) -> str:
        return f"{self.need.reference} -> {self.line_reference}"
