"""Pictures of a need's pooled demand: quantities by grade band (committed beside interested) and
current contracts ending by quarter ("when to run the solicitation"). Accessible SVG with a table
(`core.charts`)."""

from __future__ import annotations

from typing import Optional

from catalog.choices import GRADE_BANDS
from core.charts import Chart, Series, column_chart, plain
from surveys.pooled import NeedDemand

BANDS = dict(GRADE_BANDS)


def quantities_chart(d: NeedDemand) -> Optional[Chart]:
    if not (d.committed or d.interested):
        return None
    bands = list(d.need.grade_bands)
    return column_chart(
        title=f"{d.need.reference}: units by grade band",
        summary=(f"{d.committed_total:,} units committed by {d.committed_districts} district(s) and "
                 f"{d.interested_total:,} more of interest from {d.interested_districts}."),
        categories=[BANDS.get(b, b) for b in bands],
        series=[Series("Committed", [d.committed.get(b, 0) for b in bands]),
                Series("Interested", [d.interested.get(b, 0) for b in bands])],
        fmt=plain, category_header="Grade band", key=f"qty-{d.need.reference}", whole=True)


def contract_ends_chart(d: NeedDemand) -> Optional[Chart]:
    if not d.contract_ends:
        return None
    quarters = list(d.contract_ends)
    peak = max(quarters, key=lambda q: (d.contract_ends[q], q))
    total = sum(d.contract_ends.values())
    return column_chart(
        title=f"{d.need.reference}: current contracts ending, by quarter",
        summary=(f"{total} respondent(s) gave their current contract's end: the most end in {peak} "
                 f"({d.contract_ends[peak]}). Award before the first of them ends."),
        categories=quarters, series=[Series("Contracts ending", [d.contract_ends[q] for q in quarters])],
        fmt=plain, category_header="Quarter", key=f"ends-{d.need.reference}", whole=True)
