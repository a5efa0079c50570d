"""The monthly rollup: one row per month x district x agreement (so vendor) x category, summing
what the consortium views read, so that they add up tens of thousands of rows a year instead of
millions of order lines (issue 16: consortium dashboard < 2 s at 10 million order lines).

Each row holds two families of figures, each from its own source, never mixed:
- spend (the spend report, `orders.spend` definitions): counted order lines' `amount -
  quote_credit` dated by the order's `priced_at` month, units, lines, orders; and the rebates
  earned (true-ups less reversals, `RebateEntry.created_at` month);
- savings (the savings dashboard and statements): the sums of `LineSaving` rows of the month.

Distinct counts cannot be summed across rows; the rollup keeps what makes them exact:
- `orders`: orders with a counted line in this row (exact when one category is asked for: an
  order belongs to one month, district and agreement); `orders_first`: the same orders counted
  only in the row of their lowest category (exact summed over all categories);
- `saving_lines`: distinct lines with a savings row here (exact per month); `saving_lines_fy_first`:
  lines whose first savings row in the fiscal year is in this month (exact summed over a fiscal
  year); `saving_lines_first`: lines whose first savings row ever is here (exact over all time);
  `prior_lines*` the same for lines whose prior price is known;
- buying members are counted from the `district` column (COUNT DISTINCT over rows with lines).

How it stays right: `analytics.rollup.refresh_buckets` recomputes whole (district, month) buckets
from the source rows, and `analytics.savings.refresh_line_savings` (called by the Order post-save
hook in the same transaction as the order's change, and by the prior-price task) calls it with
every bucket the lines' old and new rows, orders and rebate entries fall in: so a bucket is always
a pure function of the orders. `edpool rollup check|rebuild` proves or repairs it.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

MONEY = dict(max_digits=18, decimal_places=2)


class RollupFigures(models.Model):
    """The figure columns of the rollups: MonthRollup's own, and their sums in YearRollup and
    MonthRollupTotal."""

    # Spend (orders.spend definitions).
    spend = models.DecimalField(default=0, **MONEY)
    units = models.BigIntegerField(default=0)
    lines = models.PositiveIntegerField(default=0)
    orders = models.PositiveIntegerField(default=0)
    orders_first = models.PositiveIntegerField(default=0)
    earned = models.DecimalField(default=0, **MONEY)
    # Savings (sums of analytics.LineSaving rows).
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
        abstract = True


class MonthRollup(RollupFigures):
    month = models.DateField(help_text="First day of the month (consortium calendar).")
    fiscal_year = models.PositiveSmallIntegerField(help_text="The calendar year the month's fiscal year ends in.")
    district = models.ForeignKey("members.District", on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=2)
    agreement = models.ForeignKey("contracts.MasterAgreement", on_delete=models.PROTECT, related_name="+")
    vendor = models.ForeignKey("vendors.Vendor", on_delete=models.PROTECT, related_name="+")
    # None only for rebate entries not tied to an order line.
    category = models.ForeignKey("catalog.Category", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    # (the figures are RollupFigures's; s_lines is restated for its help text, which the migrations carry)
    s_lines = models.PositiveIntegerField(default=0, help_text="Purchase rows.")

    class Meta:
        ordering = ["month", "district_id", "agreement_id", "category_id"]
        constraints = [
            models.UniqueConstraint(fields=["month", "district", "agreement", "category"],
                                    condition=Q(category__isnull=False), name="one_rollup_row_per_bucket"),
            models.UniqueConstraint(fields=["month", "district", "agreement"],
                                    condition=Q(category__isnull=True), name="one_rollup_row_per_bucket_nocat"),
        ]
        indexes = [models.Index(fields=["fiscal_year", "month"], name="rollup_fy_month"),
                   models.Index(fields=["district", "fiscal_year"], name="rollup_district_fy"),
                   # (the consortium's month rows, analytics.MonthRollupTotal, are sums over these)
                   models.Index(fields=["vendor", "month", "category"], name="rollup_vendor_month_cat")]
