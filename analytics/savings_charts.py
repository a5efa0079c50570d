"""The savings chart: per month of a fiscal year, the saving against list prices beside the
saving against buying alone (two baselines side by side, never added), as a server-rendered
accessible SVG with its table (core.charts)."""

from __future__ import annotations

from decimal import Decimal
from typing import Optional

from core.charts import Chart, Series, column_chart, money_axis
from core.formatting import money


def savings_by_month_chart(months, *, who: str, fiscal_year) -> Optional[Chart]:
    """`months`: savings_selectors.savings_by_month rows. None when nothing counts yet."""
    if not any(m.totals.lines or m.totals.rebate for m in months):
        return None
    vs_list = [m.totals.vs_list for m in months]
    vs_alone = [m.totals.vs_alone for m in months]
    peak = max(months, key=lambda m: (m.totals.vs_alone, m.key))
    summary = (f"{who} saved {money(sum(vs_list, Decimal(0)))} against list prices and "
               f"{money(sum(vs_alone, Decimal(0)))} against buying alone in {fiscal_year.label}; the most "
               f"against buying alone in {peak.label}, {money(peak.totals.vs_alone)}, as pooled tiers were reached.")
    return column_chart(title=f"Savings by month, {fiscal_year.label}", summary=summary,
                        categories=[f"{m.key:%b} {m.key:%y}" for m in months],
                        series=[Series("Saving vs list price", vs_list),
                                Series("Saving vs buying alone", vs_alone)],
                        fmt=money, axis_fmt=money_axis, category_header="Month", key="savings-month")
