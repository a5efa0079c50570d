"""Member districts (LEAs) and their membership of the consortium."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q

from members.states import MembershipState


class District(models.Model):
    """A local education agency: a district, charter school, county office or service agency.

    `state_leaid` is the state's own identifier in NCES's ST_LEAID form ("CA-0110017": the state
    code, a dash and, in California, the 7-digit CDS district code), so state directories and NCES
    files join on it. `nces_leaid` is the 7-digit NCES LEAID.
    """

    organisation = models.OneToOneField("orgs.Organisation", on_delete=models.PROTECT,
                                        related_name="district")
    state = models.CharField(max_length=2, db_index=True)
    nces_leaid = models.CharField("NCES LEAID", max_length=7, null=True, blank=True, unique=True)
    state_leaid = models.CharField("state LEA id", max_length=30, null=True, blank=True,
                                   unique=True)
    lea_type = models.CharField("LEA type", max_length=100, blank=True)
    county = models.CharField(max_length=100, blank=True)
    city = models.CharField(max_length=100, blank=True)
    zip_code = models.CharField(max_length=10, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    directory_status = models.CharField(max_length=30, blank=True)
    enrollment = models.PositiveIntegerField(null=True, blank=True)
    enrollment_year = models.PositiveSmallIntegerField(null=True, blank=True)
    enrollment_source = models.CharField(max_length=300, blank=True)
    enrollment_is_estimate = models.BooleanField(default=False)
    # Population of the district's area (e.g. Census SAIPE), used for the ADA Title II date.
    population = models.PositiveIntegerField(null=True, blank=True)
    population_year = models.PositiveSmallIntegerField(null=True, blank=True)
    population_source = models.CharField(max_length=300, blank=True)
    approval_limit = models.DecimalField(
        max_digits=14, decimal_places=2, default=Decimal("50000.00"),
        help_text="Participation agreements and orders above this value need the district "
                  "approver's approval.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organisation__name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(nces_leaid__isnull=False) | Q(state_leaid__isnull=False),
                name="district_has_an_identifier",
            ),
        ]

    def __str__(self) -> str:
        return self.organisation.name

    @property
    def name(self) -> str:
        return self.organisation.name

    @property
    def cds_code(self) -> str:
        """California's 7-digit County-District code, when this is a California LEA."""
        if self.state == "CA" and self.state_leaid and self.state_leaid.startswith("CA-"):
            return self.state_leaid[3:]
        return ""


class Membership(models.Model):
    """A district's membership of the consortium, from application to withdrawal.

    The state changes only through the step services of `members.services` (one per step:
    `membership_approve_board`, ..., `membership_withdraw`), which follow the table in
    `members.states`. A district has at most one membership that is not withdrawn;
    a withdrawn district may apply again (a new row), and its history stays.
    """

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="memberships")
    state = models.CharField(max_length=20, choices=MembershipState.choices,
                             default=MembershipState.APPLIED, db_index=True)
    applied_at = models.DateTimeField()
    contact_name = models.CharField(max_length=200, blank=True)
    contact_email = models.EmailField(blank=True)
    application_note = models.TextField(blank=True)
    board_approved_on = models.DateField(null=True, blank=True)
    resolution_number = models.CharField(max_length=60, blank=True)
    resolution_document = models.FileField(upload_to="memberships/resolutions/", blank=True)
    agreement_signed_on = models.DateField(null=True, blank=True)
    agreement_signed_by = models.CharField(max_length=200, blank=True)
    member_since = models.DateField(null=True, blank=True)
    suspended_reason = models.TextField(blank=True)
    withdrawn_on = models.DateField(null=True, blank=True)
    withdrawn_reason = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-applied_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["district"], condition=~Q(state=MembershipState.WITHDRAWN),
                name="one_open_membership_per_district",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.district.name}: {self.get_state_display()}"
