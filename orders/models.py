"""Orders under master agreements, their lines priced by pooled volume, the volume events that
set prices, and the rebate ledger (true-ups and settlements)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from orders.states import OrderState


class Order(models.Model):
    number = models.CharField(max_length=40, unique=True)
    district = models.ForeignKey("members.District", on_delete=models.PROTECT, related_name="orders")
    agreement = models.ForeignKey("contracts.MasterAgreement", on_delete=models.PROTECT, related_name="orders")
    state = models.CharField(max_length=20, choices=OrderState.choices, default=OrderState.DRAFT, db_index=True)
    needs_approval = models.BooleanField(default=False)
    reference = models.CharField(max_length=100, blank=True, help_text="The district's own PO number.")
    total = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    # The mini-competition quote this order is billed under (orders.quotes) and what it takes
    # off the pooled price of the lines: total = sum of the lines' amounts - quote_credit.
    quote = models.ForeignKey("contracts.QuoteRequest", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="orders")
    quote_credit = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    # When it was priced and counted toward the pooled volume (at submission within the approval
    # limit, at approval above it); None while a draft or awaiting its approver.
    priced_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    fulfilled_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.TextField(blank=True)
    # Rejected by the district's approver while awaiting approval (never priced nor counted).
    rejected_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    rejected_at = models.DateTimeField(null=True, blank=True)
    reject_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["agreement", "state"]), models.Index(fields=["district", "created_at"]),
                   # the first and last pricing moment (orders.spend.spend_years: the fiscal-year pickers),
                   # without reading every order (~300 ms at 3.3 million orders)
                   models.Index(fields=["priced_at"], name="order_priced_at")]

    def __str__(self) -> str:
        return self.number

    @property
    def pooled_total(self):
        """The lines' pooled price, before any quote credit."""
        return self.total + self.quote_credit


class OrderLine(models.Model):
    """A product from the agreement's schedule, in whole units. The unit price is set when the
    order is submitted: the tier the consortium's volume on the line reaches, this line included."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    entry = models.ForeignKey("contracts.ScheduleEntry", on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="+")
    line_reference = models.CharField(max_length=40)
    quantity = models.PositiveIntegerField()
    list_price = models.DecimalField(max_digits=12, decimal_places=2)
    unit_price = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    volume_after = models.PositiveBigIntegerField(null=True, blank=True)
    # This line's share of the order's quote credit (orders.quotes): taken off up front, so it
    # counts against the true-ups the line earns later (orders.pricing).
    quote_credit = models.DecimalField(max_digits=14, decimal_places=2, default=0)

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["line_reference", "order"])]


class VolumeEvent(models.Model):
    """One change of an agreement line's pooled volume, numbered per line in the order it
    happened: the replay of these events reproduces every price and rebate."""

    class Kind(models.TextChoices):
        ORDER = "order", "Order submitted"
        CANCEL = "cancel", "Order cancelled"

    agreement = models.ForeignKey("contracts.MasterAgreement", on_delete=models.PROTECT, related_name="+")
    line_reference = models.CharField(max_length=40)
    seq = models.PositiveBigIntegerField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="volume_events")
    delta = models.BigIntegerField()
    volume_after = models.PositiveBigIntegerField()
    at = models.DateTimeField()

    class Meta:
        ordering = ["agreement", "line_reference", "seq"]
        constraints = [models.UniqueConstraint(fields=["agreement", "line_reference", "seq"],
                                               name="one_event_per_seq")]


class Settlement(models.Model):
    """How a vendor paid what it owed a member: a credit note or a payment."""

    class Method(models.TextChoices):
        CREDIT_NOTE = "credit_note", "Credit note"
        PAYMENT = "payment", "Payment"

    agreement = models.ForeignKey("contracts.MasterAgreement", on_delete=models.PROTECT, related_name="+")
    district = models.ForeignKey("members.District", on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    method = models.CharField(max_length=20, choices=Method.choices)
    reference = models.CharField(max_length=100)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()


class RebateEntry(models.Model):
    """The ledger of what vendors owe members. Orders are never rewritten: when the consortium's
    volume reaches a better tier, each earlier order line gets a true-up entry for the difference;
    a cancelled order's own true-ups are reversed; settlements are negative entries."""

    class Kind(models.TextChoices):
        TRUE_UP = "true_up", "True-up: a better tier was reached"
        REVERSAL = "reversal", "Reversed: the order was cancelled"
        SETTLEMENT = "settlement", "Settled by the vendor"

    district = models.ForeignKey("members.District", on_delete=models.PROTECT, related_name="rebates")
    agreement = models.ForeignKey("contracts.MasterAgreement", on_delete=models.PROTECT, related_name="rebates")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    order_line = models.ForeignKey(OrderLine, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="rebates")
    event = models.ForeignKey(VolumeEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="rebates")
    settlement = models.ForeignKey(Settlement, null=True, blank=True, on_delete=models.PROTECT, related_name="entries")
    unit_price_from = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    unit_price_to = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["district", "agreement"]), models.Index(fields=["order_line"])]
