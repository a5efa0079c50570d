"""Vendor evidence: data privacy agreements (and districts' joinders to general offers),
accessibility conformance reports and other attestations. Whether a piece of evidence is in force
is derived at read time from its dates (`timezone.localdate()`), never stored. Dates are
inclusive: a report or attestation "valid until" a day counts on that day; a DPA's `expires_on`
is the first day it no longer applies (its last valid day is the day before).

A vendor may withdraw a record (with a reason): it stays, marked withdrawn, for history and for
the decisions that used it, but it is never used again as evidence, whatever the date asked
about. A general offer may be closed early: no district adopts it from that day; joinders made
before stay in force."""

from __future__ import annotations

import datetime as dt
from typing import Optional

from django.db import models
from django.utils import timezone

# How long an accessibility report or attestation without its own expiry date counts (policy).
DEFAULT_EVIDENCE_VALIDITY_DAYS = 2 * 365


class DpaTemplate(models.TextChoices):
    NDPA = "ndpa", "National DPA (SDPC)"
    STATE_VARIANT = "state_variant", "State variant (e.g. CA-NDPA / CSDPA)"
    DISTRICT = "district", "District's own agreement"
    VENDOR = "vendor", "Vendor's agreement"


class DpaKind(models.TextChoices):
    SIGNED = "signed", "Signed agreement"
    JOINDER = "joinder", "Joinder to a general offer (Exhibit E)"


class DistrictSide(models.TextChoices):
    """How the district's side of an agreement was recorded (blank: proposed by the vendor)."""

    COUNTERSIGNED = "countersigned", "Countersigned by the district in EdPool"
    COPY_RECORDED = "copy_recorded", "District's signed copy recorded by consortium staff"
    JOINDER = "joinder", "Adopted by the district (joinder)"


class ReviewOutcome(models.TextChoices):
    KEPT = "kept", "Kept after review"
    ENDED = "ended", "Ended after review"


class DataPrivacyAgreement(models.Model):
    """A DPA between a vendor and a district, for one state. A `signed` agreement names the
    originating district; when the vendor made a general offer (NDPA Exhibit E) any other district
    of the same state may adopt it by a joinder, itself a `joinder` row pointing at the offer.
    EdPool tracks agreements; it does not host or alter template text.

    A vendor alone cannot make an agreement count: what it records is *proposed by the vendor*
    until the district's side is recorded (`district_signed_on`: the district countersigns in
    EdPool, staff record the district's signed copy, or the district adopts an offer by joinder).
    A joinder whose offering agreement the vendor withdraws is flagged for review
    (`review_required_at`) and counts as missing until the district or staff review it."""

    vendor = models.ForeignKey("vendors.Vendor", on_delete=models.PROTECT, related_name="dpas")
    state = models.CharField(max_length=2, db_index=True)
    kind = models.CharField(max_length=10, choices=DpaKind.choices, default=DpaKind.SIGNED)
    template = models.CharField(max_length=20, choices=DpaTemplate.choices)
    template_version = models.CharField(max_length=40, blank=True)
    state_variant = models.CharField(max_length=120, blank=True)
    # required terms (issue 15, compliance.engine.dpa_terms): the model it follows, e.g. the NDPA
    # v2 with the state's exhibit (which contains that state's terms), and/or terms it includes
    terms_model = models.CharField(max_length=20, blank=True)
    terms_included = models.JSONField(default=list, blank=True)
    district = models.ForeignKey("members.District", on_delete=models.PROTECT,
                                 related_name="dpas")
    offer = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                              related_name="joinders")
    products = models.ManyToManyField("catalog.Product", related_name="dpas", blank=True)
    signed_on = models.DateField()
    expires_on = models.DateField(null=True, blank=True)  # first day it no longer applies
    document = models.FileField(upload_to="compliance/dpas/", blank=True)
    general_offer = models.BooleanField(default=False)
    general_offer_until = models.DateField(null=True, blank=True)  # last day to adopt
    # closed early by the vendor: no adoption from this day on (joinders made before stay)
    general_offer_closed_on = models.DateField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.CharField(max_length=500, blank=True)
    # the district's side: null while proposed by the vendor
    district_signed_on = models.DateField(null=True, blank=True)
    district_side = models.CharField(max_length=20, choices=DistrictSide.choices, blank=True)
    district_document = models.FileField(upload_to="compliance/dpas/", blank=True)
    # a joinder whose offering agreement was withdrawn: counts as missing until reviewed
    review_required_at = models.DateTimeField(null=True, blank=True)
    review_reason = models.CharField(max_length=600, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_outcome = models.CharField(max_length=10, choices=ReviewOutcome.choices, blank=True)
    review_note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-signed_on", "-pk"]
        indexes = [models.Index(fields=["vendor", "state"]), models.Index(fields=["district", "state"])]
        constraints = [
            models.UniqueConstraint(fields=["offer", "district"], condition=models.Q(kind="joinder"),
                                    name="one_joinder_per_offer_and_district"),
        ]

    def __str__(self) -> str:
        what = "Joinder" if self.kind == DpaKind.JOINDER else "DPA"
        return f"{what} #{self.pk}: {self.vendor} / {self.district} ({self.state})"

    @property
    def terms_summary(self) -> str:
        """Human words for the required terms recorded: the model followed and/or the terms."""
        from compliance.engine.dpa_terms import DPA_MODELS, term_label

        parts = [DPA_MODELS[self.terms_model][0]] if self.terms_model in DPA_MODELS else []
        if self.terms_included:
            parts.append("includes: " + "; ".join(term_label(t) for t in self.terms_included))
        return ", ".join(parts) or "No model or required terms recorded"

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def proposed(self) -> bool:
        """Recorded by the vendor alone: counts for nothing until the district's side is."""
        return self.district_signed_on is None

    @property
    def review_pending(self) -> bool:
        return self.review_required_at is not None and self.reviewed_at is None

    def in_force_on(self, day: dt.date) -> bool:
        return (not self.withdrawn and not self.proposed and not self.review_pending
                and max(self.signed_on, self.district_signed_on) <= day
                and (self.expires_on is None or day < self.expires_on))

    def offer_terms_open_on(self, day: dt.date) -> bool:
        """The offer's own terms allow adopting it on `day` (whether or not the district has
        countersigned the agreement yet): the vendor may still close it early."""
        return (self.general_offer and not self.withdrawn and self.signed_on <= day
                and (self.expires_on is None or day < self.expires_on)
                and (self.general_offer_until is None or day <= self.general_offer_until)
                and (self.general_offer_closed_on is None or day < self.general_offer_closed_on))

    def offer_open_on(self, day: dt.date) -> bool:
        return self.offer_terms_open_on(day) and self.in_force_on(day)

    @property
    def offer_open_today(self) -> bool:
        return self.offer_open_on(timezone.localdate())

    @property
    def offer_closable_today(self) -> bool:
        return self.offer_terms_open_on(timezone.localdate())

    @property
    def status_today(self) -> str:
        return self.status_on(timezone.localdate())

    def status_on(self, day: dt.date) -> str:
        if self.withdrawn:
            return "withdrawn"
        if self.proposed:
            return "proposed by the vendor"
        if self.review_pending:
            return "under review"
        if day < max(self.signed_on, self.district_signed_on):
            return "not yet in force"
        if self.expires_on is not None and day >= self.expires_on:
            return "expired"
        return "in force"


class AccessibilityReport(models.Model):
    """An accessibility conformance report (VPAT / ACR) for one product."""

    class Standard(models.TextChoices):
        WCAG_20 = "WCAG 2.0", "WCAG 2.0"
        WCAG_21 = "WCAG 2.1", "WCAG 2.1"
        WCAG_22 = "WCAG 2.2", "WCAG 2.2"

    class Level(models.TextChoices):
        A = "A", "A"
        AA = "AA", "AA"
        AAA = "AAA", "AAA"

    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT,
                                related_name="accessibility_reports")
    standard = models.CharField(max_length=10, choices=Standard.choices)
    level = models.CharField(max_length=3, choices=Level.choices)
    report_format = models.CharField(max_length=60, default="VPAT 2.5 (ACR)")
    report_date = models.DateField()
    expires_on = models.DateField(null=True, blank=True)
    document = models.FileField(upload_to="compliance/acr/")
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-report_date", "-pk"]

    def __str__(self) -> str:
        return f"{self.standard} {self.level} report for {self.product} ({self.report_date})"

    @property
    def valid_until(self) -> dt.date:
        """The last day it counts (inclusive): its expiry date, else two years from its date."""
        return self.expires_on or (self.report_date + dt.timedelta(days=DEFAULT_EVIDENCE_VALIDITY_DAYS))

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    def in_force_on(self, day: dt.date) -> bool:
        return not self.withdrawn and self.report_date <= day <= self.valid_until

    def status_on(self, day: dt.date) -> str:
        return "withdrawn" if self.withdrawn else evidence_status(self.report_date, self.valid_until, day)

    @property
    def status_today(self) -> str:
        return self.status_on(timezone.localdate())


class AttestationKind(models.TextChoices):
    COPPA = "coppa", "COPPA compliance"
    NIST_CSF = "nist_csf", "NIST Cybersecurity Framework alignment"
    SOC2 = "soc2", "SOC 2 report"
    ISO27001 = "iso27001", "ISO/IEC 27001 certificate"
    OTHER = "other", "Other attestation"


class Attestation(models.Model):
    """A vendor's attestation (COPPA, a security framework, SOC 2 ...), for the whole company or
    one product."""

    vendor = models.ForeignKey("vendors.Vendor", on_delete=models.PROTECT,
                               related_name="attestations")
    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, null=True,
                                blank=True, related_name="attestations")
    kind = models.CharField(max_length=20, choices=AttestationKind.choices)
    framework = models.CharField(max_length=120, blank=True)
    attested_on = models.DateField()
    expires_on = models.DateField(null=True, blank=True)
    document = models.FileField(upload_to="compliance/attestations/")
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-attested_on", "-pk"]

    def __str__(self) -> str:
        scope = f" for {self.product}" if self.product_id else ""
        return f"{self.get_kind_display()} by {self.vendor}{scope} ({self.attested_on})"

    @property
    def valid_until(self) -> dt.date:
        """The last day it counts (inclusive): its expiry date, else two years from its date."""
        return self.expires_on or (self.attested_on + dt.timedelta(days=DEFAULT_EVIDENCE_VALIDITY_DAYS))

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    def in_force_on(self, day: dt.date) -> bool:
        return not self.withdrawn and self.attested_on <= day <= self.valid_until

    def status_on(self, day: dt.date) -> str:
        return "withdrawn" if self.withdrawn else evidence_status(self.attested_on, self.valid_until, day)


def evidence_status(valid_from: dt.date, valid_until: Optional[dt.date], day: dt.date) -> str:
    """Dates are inclusive: evidence valid until a day still counts on that day."""
    if day < valid_from:
        return "not yet in force"
    if valid_until is not None and day > valid_until:
        return "expired"
    return "in force"
