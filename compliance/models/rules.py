"""Rules as data. Jurisdictions and rules are loaded from `compliance/data/rules/*.yaml` by
`edpool load-rules`; every distinct content of a rule is a `RuleVersion` row that is never edited:
a changed rule gets a new version and the old one is retired (its content stays)."""

from __future__ import annotations

from django.db import models


class Sureness(models.TextChoices):
    VERIFIED = "verified", "Verified (statute or official page read)"
    SECONDARY = "secondary", "Secondary (law firm, district or trade summary)"
    UNVERIFIED = "unverified", "Unverified (check before relying on it)"


class Jurisdiction(models.Model):
    """Federal ("US"), a state or DC (postal code), or the consortium itself ("EDPOOL")."""

    class Kind(models.TextChoices):
        FEDERAL = "federal", "Federal"
        STATE = "state", "State"
        CONSORTIUM = "consortium", "Consortium"

    code = models.CharField(max_length=8, unique=True)
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    details = models.JSONField(default=dict, blank=True)  # e.g. ndpa_state_variant

    class Meta:
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Rule(models.Model):
    """A rule's identity ("ca-ab1584"); what it says lives in its versions."""

    rule_id = models.SlugField(max_length=80, unique=True)
    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="rules")
    kind = models.CharField(max_length=30)

    class Meta:
        ordering = ["jurisdiction__code", "rule_id"]

    def __str__(self) -> str:
        return self.rule_id


class RuleLoad(models.Model):
    """One run of `load-rules` that changed something: which files (and their digests) it read."""

    loaded_at = models.DateTimeField()
    files = models.JSONField(default=list)  # [{"file", "version", "sha256"}]
    created = models.PositiveIntegerField(default=0)
    retired = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-loaded_at"]


class RuleVersion(models.Model):
    """One immutable version of a rule: what it requires, from when to when, and how sure it is.

    Only `retired_at`/`retired_by_load` are ever set after creation (when a later load no longer
    contains this content); `save()` refuses any other change."""

    rule = models.ForeignKey(Rule, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    kind = models.CharField(max_length=30)
    title = models.CharField(max_length=300)
    citation = models.CharField(max_length=500)
    effective_from = models.DateField(null=True, blank=True)  # None: always
    effective_to = models.DateField(null=True, blank=True)  # exclusive; None: open-ended
    sureness = models.CharField(max_length=12, choices=Sureness.choices)
    applies_if = models.JSONField(default=dict, blank=True)
    requires = models.JSONField(default=dict, blank=True)
    note = models.TextField(blank=True)
    source_url = models.URLField(max_length=500, blank=True)  # where the fact was read
    checked_on = models.DateField(null=True, blank=True)  # the day it was read
    source_file = models.CharField(max_length=200)
    data_version = models.CharField(max_length=40)
    content_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    load = models.ForeignKey(RuleLoad, on_delete=models.PROTECT, related_name="created_versions")
    retired_at = models.DateTimeField(null=True, blank=True)
    retired_by_load = models.ForeignKey(RuleLoad, on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="retired_versions")

    MUTABLE = ("retired_at", "retired_by_load")

    class Meta:
        ordering = ["rule__rule_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "number"], name="rule_version_number_unique"),
        ]
        indexes = [models.Index(fields=["retired_at", "effective_from", "effective_to"])]

    def __str__(self) -> str:
        return f"{self.rule.rule_id} v{self.number}"

    @property
    def label(self) -> str:
        return f"{self.rule.rule_id} v{self.number}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            fields = kwargs.get("update_fields")
            if not fields or set(fields) - {"retired_at", "retired_by_load"}:
                raise ValueError("Rule versions are immutable; load a changed rule as a new version.")
        return super().save(*args, **kwargs)

    def in_force_on(self, day) -> bool:
        return ((self.effective_from is None or self.effective_from <= day)
                and (self.effective_to is None or day < self.effective_to))
