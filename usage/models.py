"""Licence usage a district reports: one figure per product and month, imported in batches.

A batch (`UsageImport`) comes from a CSV upload or the API, for the importing district only, all
or nothing. A later batch that covers a month replaces everything the district had reported for
that month (the earlier batch stays as history; the audit event says what was replaced).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class UsageImport(models.Model):
    class Source(models.TextChoices):
        CSV = "csv", "CSV upload"
        API = "api", "API"

    district = models.ForeignKey("members.District", on_delete=models.PROTECT, related_name="+")
    source = models.CharField(max_length=10, choices=Source.choices)
    file_name = models.CharField(max_length=300, blank=True)
    rows = models.PositiveIntegerField()
    months = models.JSONField(help_text='The months the batch covers: ["2026-09", ...]')
    replaced = models.PositiveIntegerField(default=0, help_text="Figures of earlier batches it replaced.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["district", "created_at"])]

    def __str__(self) -> str:
        return f"Usage import {self.pk} ({self.rows} rows)"


class UsageRecord(models.Model):
    """What a district used of one product in one month (`month` is its first day). At least one
    of the two figures is given; "used" is licences used, or active users when that is all."""

    district = models.ForeignKey("members.District", on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="+")
    month = models.DateField()
    active_users = models.PositiveIntegerField(null=True, blank=True)
    licences_used = models.PositiveIntegerField(null=True, blank=True)
    batch = models.ForeignKey(UsageImport, on_delete=models.PROTECT, related_name="records")

    class Meta:
        ordering = ["month", "product_id"]
        constraints = [
            models.UniqueConstraint(fields=["district", "product", "month"], name="usage_one_figure_per_month"),
            models.CheckConstraint(condition=models.Q(active_users__isnull=False)
                                   | models.Q(licences_used__isnull=False), name="usage_some_figure"),
        ]
        indexes = [models.Index(fields=["product", "month"])]

    @property
    def used(self) -> int:
        return self.licences_used if self.licences_used is not None else self.active_users

    def __str__(self) -> str:
        return f"{self.product_id} {self.month:%Y-%m}"
