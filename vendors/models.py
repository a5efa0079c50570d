"""Vendors: the companies that answer solicitations and sell under master agreements."""

from __future__ import annotations

from django.db import models

from vendors.service_area import all_service_states


class Vendor(models.Model):
    organisation = models.OneToOneField("orgs.Organisation", on_delete=models.PROTECT,
                                        related_name="vendor")
    legal_name = models.CharField(max_length=300)
    website = models.URLField(blank=True)
    contact_name = models.CharField(max_length=200, blank=True)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    categories = models.ManyToManyField("catalog.Category", blank=True, related_name="vendors")
    # The states (two-letter codes, 50 states and DC) the vendor serves: every one unless it says
    # otherwise (vendors.service_area).
    service_area = models.JSONField(default=all_service_states,
                                    help_text="Two-letter codes of the US states (and DC) the vendor serves.")
    registered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["legal_name"]

    def __str__(self) -> str:
        return self.legal_name
