"""The yearly rollup: one row per fiscal year x district x agreement (so vendor) x category, each
figure the SUM of that district's monthly rollup rows (analytics.MonthRollup) of the year, so the
consortium's year-wide views (savings dashboard, spend report) read about twelve times fewer
rows than the monthly rollup holds.

The figures are those of MonthRollup, summed over the year's months (so `saving_lines_fy_first`
and `prior_lines_fy_first` are the fiscal year's distinct line counts, `saving_lines_first` and
`prior_lines_first` the all-time ones; the per-month counts `saving_lines`, `prior_lines`
are summed too but mean nothing here). `vs_prior` and `prior_value` stay NULL where every month's
was NULL (no line with a known prior price).

How it stays right: `analytics.rollup.refresh_buckets`, after rewriting (district, month) buckets
of the monthly rollup, rewrites those districts' fiscal-year rows from their monthly rows in the
same transaction (`analytics.rollup_years.refresh_years`: DELETE + INSERT ... SELECT SUM ...
GROUP BY, in SQL; idempotent). `edpool rollup check|rebuild` compares every yearly row with the
sum of the monthly rows and repairs the (district, fiscal year) pairs that differ.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from analytics.models.rollup import RollupFigures


class YearRollup(RollupFigures):
    fiscal_year = models.PositiveSmallIntegerField(help_text="The calendar year the fiscal year ends in.")
    district = models.ForeignKey("members.District", on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=2)
    agreement = models.ForeignKey("contracts.MasterAgreement", on_delete=models.PROTECT, related_name="+")
    vendor = models.ForeignKey("vendors.Vendor", on_delete=models.PROTECT, related_name="+")
    category = models.ForeignKey("catalog.Category", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")

    class Meta:
        ordering = ["fiscal_year", "district_id", "agreement_id", "category_id"]
        constraints = [
            models.UniqueConstraint(fields=["fiscal_year", "district", "agreement", "category"],
                                    condition=Q(category__isnull=False), name="one_year_rollup_row"),
            models.UniqueConstraint(fields=["fiscal_year", "district", "agreement"],
                                    condition=Q(category__isnull=True), name="one_year_rollup_row_nocat"),
        ]
        indexes = [models.Index(fields=["district", "fiscal_year"], name="year_rollup_district_fy")]


class MonthRollupTotal(RollupFigures):
    """The consortium's month: the sums of every district's monthly rollup rows of a month, per
    category x vendor (a few thousand rows a year), for the consortium-wide by-month figures (the
    savings dashboard's chart, the spend report's by-month chart for staff, whole or narrowed to a
    category or vendor). Kept by `analytics.rollup_totals.update_totals` in the same transaction
    as the monthly buckets it sums (moved by their difference); `edpool rollup check|rebuild` prove
    and repair it."""

    month = models.DateField(help_text="First day of the month (consortium calendar).")
    fiscal_year = models.PositiveSmallIntegerField(help_text="The calendar year the month's fiscal year ends in.")
    vendor = models.ForeignKey("vendors.Vendor", on_delete=models.PROTECT, related_name="+")
    category = models.ForeignKey("catalog.Category", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")

    class Meta:
        ordering = ["month", "vendor_id", "category_id"]
        constraints = [
            models.UniqueConstraint(fields=["month", "vendor", "category"], condition=Q(category__isnull=False),
                                    name="one_month_total_row"),
            models.UniqueConstraint(fields=["month", "vendor"], condition=Q(category__isnull=True),
                                    name="one_month_total_row_nocat"),
        ]
        indexes = [models.Index(fields=["fiscal_year", "month"], name="month_total_fy")]
