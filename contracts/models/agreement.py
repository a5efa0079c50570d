"""Master agreements: one per awarded vendor, with a versioned price schedule."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Optional

from django.conf import settings
from django.db import models
from django.utils import timezone

from contracts.states import AgreementState, AmendmentState, AwardKind


class MasterAgreement(models.Model):
    number = models.CharField(max_length=40, unique=True)
    vendor = models.ForeignKey("vendors.Vendor", on_delete=models.PROTECT, related_name="agreements")
    solicitation = models.ForeignKey("sourcing.Solicitation", on_delete=models.PROTECT,
                                     related_name="agreements")
    award = models.ForeignKey("sourcing.Award", on_delete=models.PROTECT, related_name="agreements")
    bid = models.ForeignKey("sourcing.Bid", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=300)
    award_kind = models.CharField(max_length=20, choices=AwardKind.choices)
    state = models.CharField(max_length=20, choices=AgreementState.choices,
                             default=AgreementState.PENDING_SIGNATURE, db_index=True)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True, db_index=True)
    max_term_years = models.PositiveSmallIntegerField(
        help_text="The longest the agreement may run, renewals included (from the consortium's state rule).")
    renewal_options = models.PositiveSmallIntegerField(default=0)
    renewal_months = models.PositiveSmallIntegerField(default=12)
    renewals_used = models.PositiveSmallIntegerField(default=0)
    admin_fee_rate = models.DecimalField(max_digits=5, decimal_places=4,
                                         help_text="Fee on reported sales, e.g. 0.0200 for 2%.")
    vendor_signed_by = models.CharField(max_length=200, blank=True)
    consortium_signed_by = models.CharField(max_length=200, blank=True)
    signed_on = models.DateField(null=True, blank=True)
    terminated_on = models.DateField(null=True, blank=True)
    termination_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number} ({self.vendor})"

    def effective_state(self, today: Optional[dt.date] = None) -> str:
        today = today or timezone.localdate()
        if self.state == AgreementState.ACTIVE and self.end_date and today > self.end_date:
            return AgreementState.EXPIRED
        return self.state

    def usable_on(self, today: Optional[dt.date] = None) -> bool:
        today = today or timezone.localdate()
        return (self.effective_state(today) == AgreementState.ACTIVE and self.start_date is not None
                and self.start_date <= today)

    @property
    def renewals_left(self) -> int:
        """Renewal options not yet used (each extends the term by `renewal_months`)."""
        return max(0, self.renewal_options - self.renewals_used)

    @property
    def fee_percent(self) -> Decimal:
        return (self.admin_fee_rate * 100).normalize()


class ScheduleVersion(models.Model):
    """One version of an agreement's price schedule. Version 1 is built before signature; each
    approved amendment makes the next. Prices never change in place."""

    agreement = models.ForeignKey(MasterAgreement, on_delete=models.CASCADE, related_name="schedule_versions")
    number = models.PositiveSmallIntegerField()
    # The version in force; exactly one per agreement (the newest). Kept by the services.
    is_current = models.BooleanField(default=True, db_index=True)
    amendment = models.OneToOneField("contracts.Amendment", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="resulting_version")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["agreement", "number"], name="unique_schedule_version")]


class ScheduleEntry(models.Model):
    """A product on the schedule, mapped to an awarded line, with its volume tiers (all-units)."""

    version = models.ForeignKey(ScheduleVersion, on_delete=models.CASCADE, related_name="entries")
    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="schedule_entries")
    line_reference = models.CharField(max_length=40)
    line_description = models.CharField(max_length=500)
    unit = models.CharField(max_length=40)
    tiers = models.JSONField(help_text='[{"min_quantity": 1, "unit_price": "289.00"}, ...]')
    list_price = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["line_reference", "product__name"]
        constraints = [models.UniqueConstraint(fields=["version", "product"], name="one_entry_per_product")]


class Amendment(models.Model):
    class Kind(models.TextChoices):
        PRICE_CHANGE = "price_change", "Price change"
        ADD_PRODUCTS = "add_products", "Added products"
        REMOVE_PRODUCTS = "remove_products", "Removed products"

    agreement = models.ForeignKey(MasterAgreement, on_delete=models.CASCADE, related_name="amendments")
    number = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    summary = models.TextField()
    # {"set": [{"product": id, "line_reference": ref, "tiers": [...]}], "remove": [product ids]}
    changes = models.JSONField()
    state = models.CharField(max_length=10, choices=AmendmentState.choices, default=AmendmentState.PROPOSED)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["agreement", "number"], name="unique_amendment_number")]


class AgreementDocument(models.Model):
    agreement = models.ForeignKey(MasterAgreement, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(max_length=200)
    file = models.FileField(upload_to="agreements/")
    uploaded_at = models.DateTimeField(auto_now_add=True)


class AgreementNotice(models.Model):
    """A notice `edpool tick` sent, so running it again sends nothing twice."""

    class Kind(models.TextChoices):
        EXPIRY_180 = "expiry_180", "Expires in 180 days"
        EXPIRY_90 = "expiry_90", "Expires in 90 days"
        EXPIRY_30 = "expiry_30", "Expires in 30 days"
        SUCCESSOR = "successor", "Successor solicitation due"

    agreement = models.ForeignKey(MasterAgreement, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    for_date = models.DateField(help_text="The end date (or anniversary) the notice is about.")
    sent_at = models.DateTimeField()
    recipients = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agreement", "kind", "for_date"],
                                               name="one_notice_per_kind_and_date")]


class LineVolume(models.Model):
    """The consortium's cumulative quantity on one agreement line (all members' orders that count).
    It sets the tier everyone pays. Changed only by `contracts.services.volumes`, which orders
    call under a row lock so concurrent orders are priced as if placed one after another."""

    agreement = models.ForeignKey(MasterAgreement, on_delete=models.CASCADE, related_name="volumes")
    line_reference = models.CharField(max_length=40)
    quantity = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agreement", "line_reference"],
                                               name="one_volume_per_line")]
