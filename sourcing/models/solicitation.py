"""A solicitation (RFP/RFQ/IFB) with its lines, requirements, criteria, documents, Q&A, addenda."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone

from sourcing.states import AwardMethod, Kind, SolicitationState


class Solicitation(models.Model):
    number = models.CharField(max_length=40, unique=True)
    kind = models.CharField(max_length=3, choices=Kind.choices, default=Kind.RFP)
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    category = models.ForeignKey("catalog.Category", on_delete=models.PROTECT,
                                 related_name="solicitations")
    # Stored state; `effective_state()` adds the states derived from the clock.
    state = models.CharField(max_length=20, choices=SolicitationState.choices,
                             default=SolicitationState.DRAFT, db_index=True)
    questions_deadline = models.DateTimeField()
    bid_deadline = models.DateTimeField(db_index=True)
    standstill_days = models.PositiveSmallIntegerField(default=7)
    award_method = models.CharField(max_length=20, choices=AwardMethod.choices,
                                    default=AwardMethod.MULTI_AWARD)
    score_threshold = models.DecimalField(max_digits=6, decimal_places=2, default=Decimal("70"),
                                          help_text="Multi-award: minimum total score (of 100).")
    max_vendor_share = models.DecimalField(max_digits=5, decimal_places=4, null=True, blank=True,
                                           help_text="Bulk buy: most of the spend one vendor may get (0-1).")
    max_vendors_per_line = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+")
    published_at = models.DateTimeField(null=True, blank=True)
    evaluation_started_at = models.DateTimeField(null=True, blank=True)
    # When the bids were opened: the first read of the bids after the deadline, recorded once
    # with who opened them (`sourcing.services.opening.bids_open`).
    bids_opened_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancellation_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-bid_deadline"]

    def __str__(self) -> str:
        return f"{self.number}: {self.title}"

    @property
    def bids_open_at(self) -> dt.datetime:
        """When the bids open, all at once: `BID_OPENING_DELAY_SECONDS` after the deadline, so that
        every bid the server received before the deadline is stored before anyone reads any."""
        return self.bid_deadline + dt.timedelta(seconds=settings.BID_OPENING_DELAY_SECONDS)

    def bids_opened(self, now: dt.datetime | None = None) -> bool:
        """Derived from the clock."""
        now = now or timezone.now()
        return self.state != SolicitationState.DRAFT and now >= self.bids_open_at

    def accepting_questions(self, now: dt.datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.state == SolicitationState.PUBLISHED and now < self.questions_deadline


class SolicitationLine(models.Model):
    solicitation = models.ForeignKey(Solicitation, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField()
    reference = models.CharField(max_length=40)
    description = models.CharField(max_length=500)
    unit = models.CharField(max_length=40, default="each")
    estimated_quantity = models.PositiveIntegerField()

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["solicitation", "reference"],
                                               name="unique_line_reference")]

    def __str__(self) -> str:
        return f"{self.reference}: {self.description}"


class Requirement(models.Model):
    """A mandatory yes/no attestation every bidder must make."""

    solicitation = models.ForeignKey(Solicitation, on_delete=models.CASCADE, related_name="requirements")
    position = models.PositiveSmallIntegerField()
    code = models.SlugField(max_length=40)
    text = models.CharField(max_length=500)

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["solicitation", "code"],
                                               name="unique_requirement_code")]

    def __str__(self) -> str:
        return self.text


class Criterion(models.Model):
    solicitation = models.ForeignKey(Solicitation, on_delete=models.CASCADE, related_name="criteria")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=120)
    weight = models.DecimalField(max_digits=5, decimal_places=2)
    is_price = models.BooleanField(default=False)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return f"{self.name} ({self.weight})"


class Addendum(models.Model):
    """A published change to an open solicitation. Bids submitted before it need re-confirming."""

    solicitation = models.ForeignKey(Solicitation, on_delete=models.CASCADE, related_name="addenda")
    number = models.PositiveSmallIntegerField()
    summary = models.TextField()
    changes = models.JSONField(default=dict)
    published_at = models.DateTimeField()
    # The bid deadline before and after this addendum (empty on addenda older than these fields).
    # `deadline_extended`: the addendum came closer to the deadline than the consortium's minimum
    # notice (`notice_hours`), so the deadline moved to that long after the addendum.
    bid_deadline_before = models.DateTimeField(null=True, blank=True)
    bid_deadline_after = models.DateTimeField(null=True, blank=True)
    deadline_extended = models.BooleanField(default=False)
    notice_hours = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["solicitation", "number"],
                                               name="unique_addendum_number")]

    def __str__(self) -> str:
        return f"Addendum {self.number}"

    @property
    def deadline_moved(self) -> bool:
        return (self.bid_deadline_before is not None and self.bid_deadline_after is not None
                and self.bid_deadline_before != self.bid_deadline_after)

    def deadline_note(self) -> str:
        """What this addendum did to the bid deadline, in words (local time)."""
        if self.bid_deadline_after is None:
            return ""
        fmt = "%Y-%m-%d %H:%M %Z"
        after = timezone.localtime(self.bid_deadline_after).strftime(fmt)
        if not self.deadline_moved:
            return f"The bid deadline is unchanged: {after}."
        before = timezone.localtime(self.bid_deadline_before).strftime(fmt)
        note = f"The bid deadline moves from {before} to {after}"
        if self.deadline_extended:
            note += (f", so that bidders have at least {self.notice_hours} hours after this addendum "
                     f"to re-confirm or replace their bids (the consortium's minimum notice)")
        return note + "."


class SolicitationDocument(models.Model):
    solicitation = models.ForeignKey(Solicitation, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(max_length=200)
    file = models.FileField(upload_to="solicitations/")
    addendum = models.ForeignKey(Addendum, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="documents")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at"]


class Question(models.Model):
    """A vendor's question. The answer is published to every bidder without naming the asker."""

    solicitation = models.ForeignKey(Solicitation, on_delete=models.CASCADE, related_name="questions")
    vendor = models.ForeignKey("vendors.Vendor", on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    asked_at = models.DateTimeField()
    answer = models.TextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["asked_at"]


class VendorFollow(models.Model):
    """A vendor following a solicitation gets its addenda and answers by email."""

    solicitation = models.ForeignKey(Solicitation, on_delete=models.CASCADE, related_name="follows")
    vendor = models.ForeignKey("vendors.Vendor", on_delete=models.CASCADE, related_name="follows")
    followed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["solicitation", "vendor"],
                                               name="unique_follow")]
