"""Pictures of a spend report (`analytics.spend.SpendReport`): accessible SVG charts with a table of
the same figures (`core.charts`), each with a sentence saying what it shows."""

from __future__ import annotations

from decimal import Decimal
from typing import Optional

from analytics.spend import TOP_VENDORS, Concentration, Line, SpendReport
from core.charts import Bar, Chart, Marker, Series, bar_chart, column_chart, money_axis
from core.formatting import money


def _percent(value) -> str:
    return f"{Decimal(value):.1f}%"


def _bars(lines: list[Line], limit: int, rest_label: str) -> list[Bar]:
    bars = [Bar(line.label, line.spend) for line in lines[:limit]]
    rest = sum((line.spend for line in lines[limit:]), Decimal(0))
    if len(lines) > limit:
        bars.append(Bar(f"{rest_label} ({len(lines) - limit})", rest))
    return bars


def category_chart(report: SpendReport) -> Optional[Chart]:
    lines = [line for line in report.by_category if line.spend]
    if not lines:
        return None
    top = lines[0]
    summary = (f"{report.who} spent {money(report.total)} in {report.filters.fiscal_year.label} across "
               f"{len(lines)} categor{'y' if len(lines) == 1 else 'ies'}; the most on {top.label}, "
               f"{money(top.spend)} ({top.share}%).")
    return bar_chart(title="Spend by category", summary=summary, bars=_bars(lines, 15, "All other categories"),
                     fmt=money, value_header="Spend", label_header="Category", key="spend-category")


def vendor_chart(report: SpendReport) -> Optional[Chart]:
    lines = [line for line in report.by_vendor if line.spend]
    if not lines:
        return None
    top = lines[0]
    summary = (f"{len(lines)} vendor{'s' if len(lines) != 1 else ''} sold to {report.who.lower() if report.scope == 'consortium' else report.who}; "
               f"the most was {top.label}, {money(top.spend)} ({top.share}% of the spend).")
    return bar_chart(title="Spend by vendor", summary=summary, bars=_bars(lines, TOP_VENDORS, "All other vendors"),
                     fmt=money, value_header="Spend", label_header="Vendor", key="spend-vendor")


def month_chart(report: SpendReport) -> Optional[Chart]:
    if not any(line.spend or line.earned for line in report.by_month):
        return None
    peak = max(report.by_month, key=lambda line: (line.spend, line.key))
    earned = sum((line.earned for line in report.by_month), Decimal(0))
    summary = (f"Month by month through {report.filters.fiscal_year.label}: the most spend in {peak.label}, "
               f"{money(peak.spend)}; {money(earned)} in true-up rebates earned over the year, shown beside "
               f"spend, not taken off it.")
    return column_chart(title="Spend and rebates earned by month", summary=summary,
                        categories=[f"{line.key:%b %y}" for line in report.by_month],
                        series=[Series("Spend", [line.spend for line in report.by_month]),
                                Series("Rebates earned", [line.earned for line in report.by_month])],
                        fmt=money, axis_fmt=money_axis, category_header="Month", key="spend-month")


def state_chart(report: SpendReport) -> Optional[Chart]:
    lines = [line for line in report.by_state if line.spend]
    if not lines:
        return None
    top = lines[0]
    summary = (f"Members in {len(lines)} state{'s' if len(lines) != 1 else ''} bought; the most in {top.label}, "
               f"{money(top.spend)} ({top.share}%).")
    return bar_chart(title="Spend by state", summary=summary, bars=_bars(lines, 15, "All other states"),
                     fmt=money, value_header="Spend", label_header="State", key="spend-state")


def concentration_chart(items: list[Concentration]) -> Optional[Chart]:
    """The top vendor's share of each category's spend, with a marker at one half."""
    items = [c for c in items if c.top_share is not None]
    if not items:
        return None
    ranked = sorted(items, key=lambda c: (-c.top_share, c.category))[:15]
    top = ranked[0]
    summary = (f"The most concentrated category is {top.category}: {top.top_vendor} had {top.top_share}% of its "
               f"spend (HHI {top.hhi:,}, {top.level}).")
    bars = [Bar(c.category, c.top_share) for c in ranked]
    return bar_chart(title="Top vendor's share of each category", summary=summary, bars=bars, fmt=_percent,
                     marker=Marker(Decimal(50), "Half"), value_header="Top vendor's share", label_header="Category",
                     key="spend-concentration")
