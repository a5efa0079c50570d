"""Vendors' quarterly sales reports (versioned), their reconciliation with members' orders, the
administrative-fee invoices, and the reminders `edpool tick` sent."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from reports.quarters import Quarter


class SalesReport(models.Model):
    """A vendor's sales under one agreement in one calendar quarter. A correction is a new
    version; the newest is the report, older versions stay as history."""

    agreement = models.ForeignKey("contracts.MasterAgreement", on_delete=models.PROTECT,
                                  related_name="sales_reports")
    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    current_version = models.PositiveSmallIntegerField(default=1)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-year", "-quarter", "agreement__number"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "year", "quarter"], name="one_sales_report_per_quarter"),
            models.CheckConstraint(condition=Q(quarter__gte=1) & Q(quarter__lte=4), name="sales_report_quarter_1_4"),
        ]

    def __str__(self) -> str:
        return f"{self.agreement.number} {self.period.label}"

    @property
    def period(self) -> Quarter:
        return Quarter(self.year, self.quarter)

    @property
    def current(self) -> "SalesReportVersion":
        return self.versions.get(number=self.current_version)


class SalesReportVersion(models.Model):
    class Source(models.TextChoices):
        FORM = "form", "Web form"
        CSV = "csv", "CSV upload"
        API = "api", "API"

    report = models.ForeignKey(SalesReport, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField()
    source = models.CharField(max_length=10, choices=Source.choices)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField()
    line_count = models.PositiveIntegerField(default=0)
    total_quantity = models.PositiveBigIntegerField(default=0)
    total_amount = models.DecimalField(max_digits=16, decimal_places=2, default=0)

    class Meta:
        ordering = ["report", "-number"]
        constraints = [models.UniqueConstraint(fields=["report", "number"], name="one_sales_report_version_number")]


class SalesReportLine(models.Model):
    """One reported sale: a district, a product on the agreement's schedule, whole units, the unit
    price and the amount (quantity x unit price, in cents), and optionally EdPool's order number."""

    version = models.ForeignKey(SalesReportVersion, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField(help_text="Line number within the version, from 1.")
    district = models.ForeignKey("members.District", on_delete=models.PROTECT, related_name="+")
    district_given = models.CharField(max_length=300, help_text="The district as the vendor named it.")
    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField()
    unit_price = models.DecimalField(max_digits=12, decimal_places=2)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    order_number = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["version", "position"]
        constraints = [models.UniqueConstraint(fields=["version", "position"], name="one_sales_line_per_position")]


class ReconciliationItem(models.Model):
    """One finding of reconciling a report version with the quarter's orders (see
    reports.reconcile for the matching rule). Matched findings are resolved from the start;
    the others are open until consortium staff resolve them with a note."""

    class Kind(models.TextChoices):
        MATCHED = "matched", "Matched"
        QUANTITY_MISMATCH = "quantity_mismatch", "Quantity mismatch"
        PRICE_MISMATCH = "price_mismatch", "Price mismatch"
        REPORTED_NOT_ORDERED = "reported_not_ordered", "Reported, not ordered in EdPool"
        ORDERED_NOT_REPORTED = "ordered_not_reported", "Ordered, not reported"

    class State(models.TextChoices):
        OPEN = "open", "Open"
        RESOLVED = "resolved", "Resolved"

    report = models.ForeignKey(SalesReport, on_delete=models.CASCADE, related_name="items")
    version = models.ForeignKey(SalesReportVersion, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN, db_index=True)
    district = models.ForeignKey("members.District", on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="+")
    order = models.ForeignKey("orders.Order", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                              help_text="The order a reported line named by its number.")
    report_lines = models.CharField(max_length=1000, blank=True, help_text="Reported line numbers.")
    order_numbers = models.CharField(max_length=2000, blank=True)
    reported_quantity = models.PositiveBigIntegerField(default=0)
    reported_amount = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    ordered_quantity = models.PositiveBigIntegerField(default=0)
    ordered_amount = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    reported_unit_price = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    expected_unit_price = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    detail = models.TextField(blank=True)
    resolution_note = models.TextField(blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    resolved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["version", "pk"]
        indexes = [models.Index(fields=["report", "version", "state"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.district} / {self.product}"


class FeeInvoice(models.Model):
    """The administrative fee a vendor owes for one agreement and quarter, from the reconciled
    report (see reports.reconcile for the rule): issued by staff, then paid."""

    class State(models.TextChoices):
        ISSUED = "issued", "Issued"
        PAID = "paid", "Paid"

    number = models.CharField(max_length=60, unique=True)
    report = models.OneToOneField(SalesReport, on_delete=models.PROTECT, related_name="invoice")
    agreement = models.ForeignKey("contracts.MasterAgreement", on_delete=models.PROTECT, related_name="fee_invoices")
    report_version = models.PositiveSmallIntegerField()
    sales_amount = models.DecimalField(max_digits=16, decimal_places=2)
    fee_rate = models.DecimalField(max_digits=5, decimal_places=4)
    fee_amount = models.DecimalField(max_digits=14, decimal_places=2)
    state = models.CharField(max_length=10, choices=State.choices, default=State.ISSUED, db_index=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField()
    due_on = models.DateField()
    paid_on = models.DateField(null=True, blank=True)
    payment_reference = models.CharField(max_length=100, blank=True)
    paid_recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="+")
    paid_recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_at", "-pk"]

    def __str__(self) -> str:
        return self.number

    @property
    def fee_percent(self):
        return (self.fee_rate * 100).normalize()


class ReportReminder(models.Model):
    """A reminder `edpool tick` sent about a missing report, so nothing is sent twice."""

    class Kind(models.TextChoices):
        BEFORE_DUE = "before_due", "Due in 15 days"
        DUE = "due", "Due date reached"

    agreement = models.ForeignKey("contracts.MasterAgreement", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    sent_at = models.DateTimeField()
    recipients = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agreement", "year", "quarter", "kind"],
                                               name="one_report_reminder_per_kind")]
