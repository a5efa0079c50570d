"""Pooled demand: what members declared, need by need, added up exactly.

`pooled_demand(needs, rows)` is plain arithmetic over `DemandRow`s, so demand from elsewhere (the
unmet needs that buyers' searches leave, once matching records them) joins the survey's answers by
passing more rows: `selectors.survey_demand(survey, extra=[DemandRow(...), ...])`.

Figures, per need:
- committed and interested quantities by grade band (whole units, summed);
- districts (distinct) and states behind them, committed or interested;
- budget per unit: the range from the lowest `budget_min` to the highest `budget_max` given, and
  the median of each row's budget (the midpoint of its range, or the one bound given), rounded to
  the cent half up;
- must-haves with the share of rows asking for each (of the rows for that need); "shared by most"
  are those asked by more than half;
- current contracts' end dates counted by calendar quarter.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from statistics import median
from typing import Iterable, Optional, Sequence

from vendors.service_area import state_name

CENT = Decimal("0.01")
MOST = Decimal("0.5")  # "shared by most": asked for by more than this share of the rows


@dataclass(frozen=True)
class DemandRow:
    """One district's declared demand for one need (a survey answer, or an unmet need)."""

    need: str  # the need's reference (N1 ...)
    district_id: int
    district: str
    state: str
    commitment: str  # committed | interested
    quantities: dict[str, int]
    budget_min: Optional[Decimal] = None
    budget_max: Optional[Decimal] = None
    must_haves: tuple[str, ...] = ()
    contract_end: Optional[dt.date] = None
    source: str = "survey"

    @property
    def total(self) -> int:
        return sum(self.quantities.values())

    @property
    def budget(self) -> Optional[Decimal]:
        given = [b for b in (self.budget_min, self.budget_max) if b is not None]
        return sum(given, Decimal(0)) / len(given) if given else None


@dataclass(frozen=True)
class NeedInfo:
    reference: str
    description: str
    category: str
    kind: str
    grade_bands: tuple[str, ...]
    unit: str = "each"


@dataclass
class NeedDemand:
    need: NeedInfo
    committed: dict[str, int] = field(default_factory=dict)
    interested: dict[str, int] = field(default_factory=dict)
    committed_districts: int = 0
    interested_districts: int = 0
    districts: int = 0
    states: list[str] = field(default_factory=list)
    committed_states: list[str] = field(default_factory=list)
    budget_low: Optional[Decimal] = None
    budget_high: Optional[Decimal] = None
    budget_median: Optional[Decimal] = None
    budgets_given: int = 0
    respondents: int = 0
    must_haves: list[tuple[str, int, Decimal]] = field(default_factory=list)  # code, rows, share %
    contract_ends: dict[str, int] = field(default_factory=dict)  # "2027 Q3" -> rows

    @property
    def committed_total(self) -> int:
        return sum(self.committed.values())

    @property
    def interested_total(self) -> int:
        return sum(self.interested.values())

    @property
    def state_names(self) -> list[str]:
        """The states behind the demand as people name them ("California"), in code order."""
        return [state_name(code) for code in self.states]

    @property
    def shared_must_haves(self) -> list[tuple[str, int, Decimal]]:
        return [m for m in self.must_haves if m[2] > MOST * 100]


def quarter_of(day: dt.date) -> str:
    return f"{day.year} Q{(day.month - 1) // 3 + 1}"


def quarters_between(first: str, last: str) -> list[str]:
    """Every quarter label from `first` to `last` inclusive ("2027 Q3" ...)."""
    year, q = int(first[:4]), int(first[-1])
    end = (int(last[:4]), int(last[-1]))
    out = []
    while (year, q) <= end:
        out.append(f"{year} Q{q}")
        year, q = (year, q + 1) if q < 4 else (year + 1, 1)
    return out


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _need_demand(need: NeedInfo, rows: Sequence[DemandRow]) -> NeedDemand:
    out = NeedDemand(need=need)
    committed: Counter = Counter()
    interested: Counter = Counter()
    for row in rows:
        (committed if row.commitment == "committed" else interested).update(row.quantities)
    out.committed = {b: committed[b] for b in need.grade_bands if committed[b]}
    out.interested = {b: interested[b] for b in need.grade_bands if interested[b]}
    out.committed_districts = len({r.district_id for r in rows if r.commitment == "committed"})
    out.interested_districts = len({r.district_id for r in rows if r.commitment != "committed"})
    out.districts = len({r.district_id for r in rows})
    out.states = sorted({r.state for r in rows})
    out.committed_states = sorted({r.state for r in rows if r.commitment == "committed"})
    lows = [r.budget_min for r in rows if r.budget_min is not None] + \
           [r.budget_max for r in rows if r.budget_min is None and r.budget_max is not None]
    highs = [r.budget_max for r in rows if r.budget_max is not None] + \
            [r.budget_min for r in rows if r.budget_max is None and r.budget_min is not None]
    budgets = [r.budget for r in rows if r.budget is not None]
    if budgets:
        out.budget_low, out.budget_high = min(lows), max(highs)
        out.budget_median = _cents(median(budgets))
        out.budgets_given = len(budgets)
    out.respondents = len(rows)
    counts = Counter(code for r in rows for code in set(r.must_haves))
    if rows:
        out.must_haves = sorted(((code, n, (Decimal(n) * 100 / len(rows)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
                                 for code, n in counts.items()), key=lambda m: (-m[1], m[0]))
    ends = Counter(quarter_of(r.contract_end) for r in rows if r.contract_end is not None)
    if ends:
        labels = sorted(ends, key=lambda s: (int(s[:4]), int(s[-1])))
        out.contract_ends = {q: ends.get(q, 0) for q in quarters_between(labels[0], labels[-1])}
    return out


def pooled_demand(needs: Iterable[NeedInfo], rows: Iterable[DemandRow]) -> list[NeedDemand]:
    """Per need (in the order given), the demand of the rows naming it; rows for needs not
    listed are ignored."""
    by_need: dict[str, list[DemandRow]] = defaultdict(list)
    for row in rows:
        by_need[row.need].append(row)
    return [_need_demand(need, by_need.get(need.reference, [])) for need in needs]
