"""Organisations: the consortium itself, member districts (LEAs) and vendors.

An organisation is what a person acts for. Details that belong to one kind live in the app that
owns that kind: `members.District` for LEAs, `vendors.Vendor` for companies.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
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
    # Sealed-bid rules are typed columns rather than keys of `settings`: they protect bidders, so
    # the database and the admin form validate them and a missing key cannot silently mean 0.
    addendum_notice_hours = models.PositiveSmallIntegerField(
        "minimum notice after an addendum (hours)", default=72,
        validators=[MinValueValidator(1), MaxValueValidator(720)],
        help_text="An addendum published closer than this to the bid deadline moves the deadline "
                  "to this many hours after the addendum, so every bidder has time to re-confirm.")
    bid_count_public = models.BooleanField(
        "publish the number of bids before the deadline", default=False,
        help_text="Off: how many bids arrived is shown to nobody until the bids open at the "
                  "deadline. On: the count is public while bids are sealed.")

    def __str__(self) -> str:
        return self.short_name or self.organisation.name
