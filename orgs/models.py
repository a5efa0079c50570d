"""Organisations: the consortium itself, member districts (LEAs) and vendors.

An organisation is what a person acts for. Details that belong to one kind live in the app that
owns that kind: `members.District` for LEAs, `vendors.Vendor` for companies.
"""

from __future__ import annotations

from django.db import models

from orgs.states import US_STATES


class OrganisationKind(models.TextChoices):
    CONSORTIUM = "consortium", "Consortium"
    DISTRICT = "district", "District (LEA)"
    VENDOR = "vendor", "Vendor"


class Organisation(models.Model):
    kind = models.CharField(max_length=20, choices=OrganisationKind.choices, db_index=True)
    name = models.CharField(max_length=300)
    slug = models.SlugField(max_length=120, unique=True)
    state = models.CharField(max_length=2, choices=US_STATES, blank=True,
                             help_text="Two-letter US state (home state for the consortium).")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["kind", "name"])]

    def __str__(self) -> str:
        return self.name


class ConsortiumProfile(models.Model):
    """The consortium running this EdPool: its home state and its settings."""

    organisation = models.OneToOneField(Organisation, on_delete=models.PROTECT,
                                        related_name="consortium_profile")
    short_name = models.CharField(max_length=60, blank=True)
    website = models.URLField(blank=True)
    contact_email = models.EmailField(blank=True)
    # Settings later capabilities read, e.g. {"default_admin_fee_rate": "0.02"}.
    settings = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return self.short_name or self.organisation.name
