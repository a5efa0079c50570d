"""Recorded compliance decisions: a verdict computed for a purpose, with the rule versions it used."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ComplianceDecision(models.Model):
    class Verdict(models.TextChoices):
        ALLOWED = "allowed", "Allowed"
        STEPS = "allowed_after_steps", "Allowed after steps"
        NOT_RESEARCHED = "not_researched", "Not researched"
        BLOCKED = "blocked", "Blocked"

    district = models.ForeignKey("members.District", on_delete=models.PROTECT,
                                 related_name="compliance_decisions")
    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT,
                                related_name="compliance_decisions")
    on_date = models.DateField()
    award_kind = models.CharField(max_length=20, blank=True)
    annual_value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    purpose = models.CharField(max_length=300)
    verdict = models.CharField(max_length=20, choices=Verdict.choices)
    summary = models.TextField()
    reasons = models.JSONField(default=list)  # the full explanation, as computed then
    rule_versions = models.ManyToManyField("compliance.RuleVersion", related_name="decisions")
    decided_at = models.DateTimeField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="+")
    decided_by_label = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-decided_at", "-pk"]

    def __str__(self) -> str:
        return f"Decision #{self.pk}: {self.product} for {self.district} ({self.get_verdict_display()})"
