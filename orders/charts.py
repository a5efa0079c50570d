"""Pictures of a district's orders and rebates: spend by vendor, spend by month, rebates earned
against settled.

Builds `core.charts.Chart`s from selector output (`orders.selectors.counted_spend`,
`orders.selectors.rebate_statement`); views only pass them to the template (`{% chart c %}`).
Spend counts only orders that count (`orders.states.COUNTING`): priced and not cancelled.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Optional, Sequence

from core.charts import Bar, Chart, Series, bar_chart, column_chart, money_axis
from core.formatting import money

MONTHS = 12


def spend_by_vendor_chart(spend: Sequence[tuple[str, dt.date, Decimal]], *, who: str) -> Optional[Chart]:
    """One bar per vendor, largest first (None when nothing counts yet)."""
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for vendor, _, total in spend:
        totals[vendor] += total
    if not totals:
        return None
    bars = [Bar(vendor, total) for vendor, total in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))]
    grand = sum(totals.values(), Decimal(0))
    top = bars[0]
    share = (top.value * 100 / grand).quantize(Decimal("1")) if grand else Decimal(0)
    if len(bars) == 1:
        summary = f"{who} has spent {money(grand)}, all with {top.label}."
    else:
        summary = (f"{who} has spent {money(grand)} with {len(bars)} vendors; "
                   f"the most with {top.label}, {money(top.value)} ({share}%).")
    return bar_chart(title="Spend by vendor", summary=summary, bars=bars, fmt=money,
                     value_header="Spend", label_header="Vendor", key="spend-vendor")


def _month_starts(today: dt.date, months: int) -> list[dt.date]:
    year, month = today.year, today.month
    starts = []
    for _ in range(months):
        starts.append(dt.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return starts[::-1]


def spend_by_month_chart(spend: Sequence[tuple[str, dt.date, Decimal]], *, who: str, today: dt.date,
                         months: int = MONTHS) -> Optional[Chart]:
    """One column per month for the last `months` months, this one included (None when nothing
    counts in them)."""
    starts = _month_starts(today, months)
    totals = {start: Decimal(0) for start in starts}
    for _, day, total in spend:
        start = day.replace(day=1)
        if start in totals:
            totals[start] += total
    if not any(totals.values()):
        return None
    peak = max(starts, key=lambda s: (totals[s], s))
    grand = sum(totals.values(), Decimal(0))
    summary = (f"{who} spent {money(grand)} in the last {months} months; the most in "
               f"{peak:%B} {peak.year}, {money(totals[peak])}.")
    return column_chart(title="Spend by month", summary=summary,
                        categories=[f"{s:%b} {s:%y}" for s in starts],
                        series=[Series("Spend", [totals[s] for s in starts])], fmt=money, axis_fmt=money_axis,
                        category_header="Month", key="spend-month")


def rebates_chart(statement: Sequence, *, who: str) -> Optional[Chart]:
    """Per agreement, rebates earned beside rebates settled (None when there are none)."""
    if not statement:
        return None
    earned = sum((r.earned for r in statement), Decimal(0))
    settled = sum((r.settled for r in statement), Decimal(0))
    summary = (f"{money(earned)} in rebates earned, {money(settled)} settled: "
               f"{money(earned - settled)} still owed to {who}.")
    return column_chart(title="Rebates earned and settled", summary=summary,
                        categories=[r.agreement for r in statement],
                        series=[Series("Earned", [r.earned for r in statement]),
                                Series("Settled", [r.settled for r in statement])],
                        fmt=money, axis_fmt=money_axis, category_header="Agreement", key="rebates")
