"""Pictures of a spend report (`analytics.spend.SpendReport`): accessible SVG charts with a table of
the same figures (`core.charts`), each with a sentence saying what it shows."""

from __future__ import annotations

from decimal import Decimal
from typing import Callable, Optional

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


def _ranked(lines: list[Line], *, limit: int, rest_label: str, title: str, label_header: str, key: str,
            words: Callable[[list[Line], Line], str]) -> Optional[Chart]:
    """A bar chart of the groups with spend, largest first (the rest summed in one bar); `words`
    says what it shows from the groups and the top one."""
    lines = [line for line in lines if line.spend]
    if not lines:
        return None
    return bar_chart(title=title, summary=words(lines, lines[0]), bars=_bars(lines, limit, rest_label), fmt=money,
                     value_header="Spend", label_header=label_header, key=key)


def category_chart(report: SpendReport) -> Optional[Chart]:
    return _ranked(report.by_category, limit=15, rest_label="All other categories", title="Spend by category",
                   label_header="Category", key="spend-category", words=lambda lines, top: (
                       f"{report.who} spent {money(report.total)} in {report.filters.fiscal_year.label} across "
                       f"{len(lines)} categor{'y' if len(lines) == 1 else 'ies'}; the most on {top.label}, "
                       f"{money(top.spend)} ({top.share}%)."))


def vendor_chart(report: SpendReport) -> Optional[Chart]:
    who = report.who.lower() if report.scope == "consortium" else report.who
    return _ranked(report.by_vendor, limit=TOP_VENDORS, rest_label="All other vendors", title="Spend by vendor",
                   label_header="Vendor", key="spend-vendor", words=lambda lines, top: (
                       f"{len(lines)} vendor{'s' if len(lines) != 1 else ''} sold to {who}; "
                       f"the most was {top.label}, {money(top.spend)} ({top.share}% of the spend)."))


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
    return _ranked(report.by_state, limit=15, rest_label="All other states", title="Spend by state",
                   label_header="State", key="spend-state", words=lambda lines, top: (
                       f"Members in {len(lines)} state{'s' if len(lines) != 1 else ''} bought; the most in "
                       f"{top.label}, {money(top.spend)} ({top.share}%)."))


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
