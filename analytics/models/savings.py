"""The per-line savings table: one row per counted order line and month in which something
about it counts (its purchase; the true-ups it earned, in the month they were earned), precomputed so that a member's statement
and the consortium's totals are sums over an index, not a replay of the ledger.

How it stays right (analytics.savings): a line's rows are recomputed from the orders app (the
line, its schedule entry's tiers, its true-ups) whenever its order is priced, cancelled or its
volume event writes true-ups or reversals on earlier lines (the `Order` post-save hook covers
late orders, approvals and cancellations); amendments never rewrite a priced line (a line keeps
its schedule entry). `manage.py savings rebuild` recomputes every row and `--check` reports
(and exits 1 on) any row that differs from a fresh computation.
"""

from __future__ import annotations

from django.db import models


class LineSaving(models.Model):
    class Kind(models.TextChoices):
        PURCHASE = "purchase", "Purchase"
        REBATE = "rebate", "True-up rebates earned"

    class PriorSource(models.TextChoices):
        NONE = "", "Not known"
        JOIN = "join", "Stated when joining the agreement"
        SURVEY = "survey", "Declared in a survey (same category)"

    order_line = models.ForeignKey("orders.OrderLine", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    fiscal_year = models.PositiveSmallIntegerField(help_text="The calendar year the fiscal year ends in.")
    month = models.DateField(help_text="First day of the month it counts in (consortium calendar).")
    # Dimensions, copied from the order line so rollups need no join.
    district = models.ForeignKey("members.District", on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=2)
    agreement = models.ForeignKey("contracts.MasterAgreement", on_delete=models.PROTECT, related_name="+")
    vendor = models.ForeignKey("vendors.Vendor", on_delete=models.PROTECT, related_name="+")
    category = models.ForeignKey("catalog.Category", on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="+")
    # Purchase rows: the units and what was paid (the pooled amount less any quote credit) and
    # the three baselines for the same units. Rebate rows: quantity 0, paid 0, `rebate` earned.
    quantity = models.PositiveIntegerField(default=0)
    paid = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    rebate = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    list_value = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    alone_value = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    prior_value = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    prior_unit_price = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    prior_source = models.CharField(max_length=10, choices=PriorSource.choices, blank=True, default="")
    # The savings, one per baseline (value at the baseline - paid + rebate); None: not known.
    vs_list = models.DecimalField(max_digits=16, decimal_places=2)
    vs_alone = models.DecimalField(max_digits=16, decimal_places=2)
    vs_prior = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["order_line_id", "kind", "fiscal_year"]
        constraints = [models.UniqueConstraint(fields=["order_line", "kind", "month"],
                                               name="one_saving_row_per_line_kind_month")]
        indexes = [models.Index(fields=["district", "fiscal_year"], name="saving_district_fy"),
                   models.Index(fields=["fiscal_year", "agreement"], name="saving_fy_agreement")]
