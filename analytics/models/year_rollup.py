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

from analytics.models.rollup import MONEY


class YearRollup(models.Model):
    fiscal_year = models.PositiveSmallIntegerField(help_text="The calendar year the fiscal year ends in.")
    district = models.ForeignKey("members.District", on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=2)
    agreement = models.ForeignKey("contracts.MasterAgreement", on_delete=models.PROTECT, related_name="+")
    vendor = models.ForeignKey("vendors.Vendor", on_delete=models.PROTECT, related_name="+")
    category = models.ForeignKey("catalog.Category", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    spend = models.DecimalField(default=0, **MONEY)
    units = models.BigIntegerField(default=0)
    lines = models.PositiveIntegerField(default=0)
    orders = models.PositiveIntegerField(default=0)
    orders_first = models.PositiveIntegerField(default=0)
    earned = models.DecimalField(default=0, **MONEY)
    s_lines = models.PositiveIntegerField(default=0)
    quantity = models.BigIntegerField(default=0)
    paid = models.DecimalField(default=0, **MONEY)
    rebate = models.DecimalField(default=0, **MONEY)
    list_value = models.DecimalField(default=0, **MONEY)
    alone_value = models.DecimalField(default=0, **MONEY)
    vs_list = models.DecimalField(default=0, **MONEY)
    vs_alone = models.DecimalField(default=0, **MONEY)
    vs_prior = models.DecimalField(null=True, blank=True, **MONEY)
    prior_paid = models.DecimalField(default=0, **MONEY)
    prior_value = models.DecimalField(null=True, blank=True, **MONEY)
    saving_lines = models.PositiveIntegerField(default=0)
    saving_lines_fy_first = models.PositiveIntegerField(default=0)
    saving_lines_first = models.PositiveIntegerField(default=0)
    prior_lines = models.PositiveIntegerField(default=0)
    prior_lines_fy_first = models.PositiveIntegerField(default=0)
    prior_lines_first = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["fiscal_year", "district_id", "agreement_id", "category_id"]
        constraints = [
            models.UniqueConstraint(fields=["fiscal_year", "district", "agreement", "category"],
                                    condition=Q(category__isnull=False), name="one_year_rollup_row"),
            models.UniqueConstraint(fields=["fiscal_year", "district", "agreement"],
                                    condition=Q(category__isnull=True), name="one_year_rollup_row_nocat"),
        ]
        indexes = [models.Index(fields=["district", "fiscal_year"], name="year_rollup_district_fy")]
