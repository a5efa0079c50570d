"""Sealed bids. Until the deadline the content exists only encrypted (see sourcing.sealing)."""

from __future__ import annotations

from django.db import models


class Bid(models.Model):
    """One vendor's bid on one solicitation (replaced in place; every version leaves a receipt).

    `sealed` holds the encrypted canonical JSON of the bid (lines, tiers, attestations); it is
    decrypted only after the bid deadline. `addenda_confirmed` is the number of the last addendum
    the vendor has confirmed its bid against.
    """

    class State(models.TextChoices):
        SUBMITTED = "submitted", "Submitted"
        WITHDRAWN = "withdrawn", "Withdrawn"

    solicitation = models.ForeignKey("sourcing.Solicitation", on_delete=models.PROTECT,
                                     related_name="bids")
    vendor = models.ForeignKey("vendors.Vendor", on_delete=models.PROTECT, related_name="bids")
    state = models.CharField(max_length=20, choices=State.choices, default=State.SUBMITTED)
    revision = models.PositiveIntegerField(default=1)
    submitted_at = models.DateTimeField()
    sealed = models.BinaryField()
    digest = models.CharField(max_length=64)
    addenda_confirmed = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["solicitation", "vendor"],
                                               name="one_bid_per_vendor")]

    def __str__(self) -> str:
        return f"Bid {self.pk} on {self.solicitation_id}"


class BidDocument(models.Model):
    """A PDF attached to a bid. Its bytes are stored encrypted in the media folder under a random
    name; its title, the vendor's file name and the SHA-256 of its bytes are sealed together in
    `sealed_meta` (canonical JSON, see `sourcing.sealing`), so neither a database copy nor the
    media folder shows what a bidder sent. `size` stays in clear."""

    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="documents")
    revision = models.PositiveIntegerField()
    sealed_meta = models.BinaryField(default=b"")
    sealed_file = models.FileField(upload_to="bids/")
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField()


class BidReceipt(models.Model):
    """What the vendor can later prove: when the server took which version of its bid."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", "Submitted"
        REPLACED = "replaced", "Replaced"
        CONFIRMED = "confirmed", "Re-confirmed after an addendum"
        WITHDRAWN = "withdrawn", "Withdrawn"

    bid = models.ForeignKey(Bid, on_delete=models.PROTECT, related_name="receipts")
    action = models.CharField(max_length=20, choices=Action.choices)
    revision = models.PositiveIntegerField()
    received_at = models.DateTimeField()
    digest = models.CharField(max_length=64)
    addenda_confirmed = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["received_at", "pk"]
