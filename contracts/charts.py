"""Pictures of agreements: each schedule line's pooled volume against its volume tiers.

Builds `core.charts.Chart`s from selector output (`contracts.selectors.agreements.schedule_rows`);
views only pass them to the template (`{% chart c %}`).
"""

from __future__ import annotations

from typing import Any

from core.charts import Chart, Marker, plain, progress_chart
from core.formatting import money


def tier_progress_chart(row: dict[str, Any]) -> Chart:
    """One schedule row: the consortium's volume on the line, a tick at each tier's breakpoint
    labelled with its price, and in words how far the next tier is and what it costs."""
    entry, position, volume = row["entry"], row["position"], row["volume"]
    unit = entry.unit or "unit"
    if position.next_min is not None:
        summary = (f"Pooled volume {plain(volume)} of {plain(position.next_min)} for the next tier at "
                   f"{money(position.next_price)}: {plain(position.units_to_next)} more "
                   f"{unit}{'' if position.units_to_next == 1 else 's'} to go; "
                   f"{money(position.unit_price)} now.")
    else:
        summary = (f"Pooled volume {plain(volume)}: the best tier ({plain(position.tier_min)}+) is reached, "
                   f"at {money(position.unit_price)}.")
    markers = [Marker(t["min_quantity"], f"{money(t['unit_price'])} each")
               for t in sorted(entry.tiers, key=lambda t: t["min_quantity"])]
    return progress_chart(title=f"{entry.line_reference}: {row['product'].name}, tier progress",
                          summary=summary, value=volume, value_label="Pooled volume", markers=markers,
                          key=f"tiers-{entry.pk}")


def with_tier_progress(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The schedule rows, each with its `tier_chart`."""
    return [{**row, "tier_chart": tier_progress_chart(row)} for row in rows]
