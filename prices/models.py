"""Outside prices: a price a member (or the consortium's staff) saw elsewhere for a product on
the catalog or an equivalent one, with where and when it was seen. Nothing is ever deleted: a
price recorded by mistake is withdrawn (kept, with who withdrew it and when)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class SourceKind(models.TextChoices):
    COOPERATIVE = "cooperative", "Another cooperative's contract"
    STATE_CONTRACT = "state_contract", "A state contract"
    VENDOR_QUOTE = "vendor_quote", "A vendor quote"
    OTHER = "other", "Other"


class Match(models.TextChoices):
    SAME = "same", "The same product"
    EQUIVALENT = "equivalent", "An equivalent product"


class OutsidePrice(models.Model):
    district = models.ForeignKey("members.District", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", help_text="The member that saw it (empty: staff).")
    product = models.ForeignKey("catalog.Product", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+", help_text="The catalog product it compares with.")
    description = models.CharField(max_length=300, help_text="What was priced, as the source names it.")
    match = models.CharField(max_length=12, choices=Match.choices, default=Match.SAME)
    unit_price = models.DecimalField(max_digits=12, decimal_places=2)
    quantity = models.PositiveIntegerField()
    seen_on = models.DateField()
    source_kind = models.CharField(max_length=20, choices=SourceKind.choices)
    source_name = models.CharField(max_length=200)
    source_url = models.URLField(max_length=500, blank=True)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    confirmed_far = models.BooleanField(default=False, help_text="Recorded although far from the pool's price, "
                                                                 "confirmed by the person recording it.")
    # The same member (or the consortium), product (or description), source, date and price: one
    # price not withdrawn per key (prices.services.duplicate_key), enforced by the database too.
    duplicate_key = models.CharField(max_length=64, null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-seen_on", "-pk"]
        indexes = [models.Index(fields=["product", "withdrawn_at"], name="prices_outside_product")]
        constraints = [models.UniqueConstraint(
            fields=["duplicate_key"], condition=models.Q(withdrawn_at__isnull=True, duplicate_key__isnull=False),
            name="prices_outside_once")]

    def __str__(self) -> str:
        return f"{self.description} at ${self.unit_price:,.2f} ({self.source_name}, {self.seen_on})"
