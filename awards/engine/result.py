"""The engine's answer, priced exactly from the allocation (never from solver floats)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal
from typing import Any

from core.money import CENT, cents

from .baseline import Baseline
from .model import Problem
from .rules import vendor_spend

OPTIMAL, FEASIBLE, INFEASIBLE, UNKNOWN = "optimal", "feasible", "infeasible", "unknown"
STOPPED = "stopped"  # a feasible award, the search stopped early on request (not at its time limit)


@dataclass(frozen=True)
class Allocation:
    item: str
    bid: str
    vendor: str
    quantity: int
    unit_price: Decimal  # the reached tier's price, exactly as bid
    cost: Decimal  # quantity * unit_price, rounded to cents (ROUND_HALF_UP)


@dataclass
class Result:
    status: str
    message: str
    allocations: list[Allocation] = field(default_factory=list)
    total_cost: Decimal | None = None  # sum of the allocations' (rounded) costs
    lower_bound: Decimal | None = None  # proven: no award costs less (rounded down to cents)
    relative_gap: float | None = None  # (total_cost - lower_bound) / total_cost, exact cost based
    baselines: list[Baseline] = field(default_factory=list)
    solve_seconds: float = 0.0
    stats: dict[str, Any] = field(default_factory=dict)
    vendor_spend: dict[str, Decimal] = field(default_factory=dict)

    @property
    def award(self) -> dict[str, int]:
        return {allocation.bid: allocation.quantity for allocation in self.allocations}

    def savings(self) -> list[dict[str, Any]]:
        rows = []
        for baseline in self.baselines:
            if self.total_cost is None or not baseline.covers_all_items:
                amount = percent = None
            else:
                base = cents(baseline.cost)
                amount = str(base - self.total_cost)
                percent = None if base == 0 else str(
                    cents((base - self.total_cost) * 100 / base)
                )
            rows.append({"baseline": baseline.name, "amount": amount, "percent": percent})
        return rows

    def to_dict(self) -> dict[str, Any]:
        total = self.total_cost
        return {
            "status": self.status,
            "message": self.message,
            "total_cost": None if total is None else str(total),
            "lower_bound": None if self.lower_bound is None else str(self.lower_bound),
            "relative_gap": self.relative_gap,
            "allocations": [
                {
                    "item": a.item,
                    "bid": a.bid,
                    "vendor": a.vendor,
                    "quantity": a.quantity,
                    "unit_price": _price(a.unit_price),
                    "cost": str(a.cost),
                }
                for a in self.allocations
            ],
            "vendors": [
                {
                    "vendor": vendor,
                    "spend": str(cents(spend)),
                    "share": None if not total else float(spend / sum(self.vendor_spend.values())),
                }
                for vendor, spend in sorted(self.vendor_spend.items())
            ],
            "baselines": [
                {
                    "name": b.name,
                    "total_cost": str(cents(b.cost)) if b.covers_all_items else None,
                    "covers_all_items": b.covers_all_items,
                    "satisfies_constraints": b.feasible,
                    "violations": b.violations[:10],
                }
                for b in self.baselines
            ],
            "savings": self.savings(),
            "solve_seconds": round(self.solve_seconds, 3),
            "stats": self.stats,
        }


def _price(price: Decimal) -> str:
    """At least two decimals ("289.00"); sub-cent prices are shown exactly as bid, never rounded."""
    return str(price.quantize(CENT)) if price == price.quantize(CENT) else str(price.normalize())


def allocations_for(problem: Problem, award: dict[str, int]) -> list[Allocation]:
    order = {item.id: index for index, item in enumerate(problem.items)}
    rows = []
    for bid_id, quantity in award.items():
        if quantity <= 0:
            continue
        bid = problem.bid_by_id[bid_id]
        assert quantity >= bid.min_quantity, f"bid {bid_id} awarded below its first tier"
        tier = bid.tier_for(quantity)
        rows.append(Allocation(bid.item, bid.id, bid.vendor, quantity, tier.unit_price,
                               cents(tier.unit_price * quantity)))
    rows.sort(key=lambda a: (order[a.item], a.bid))
    return rows


def priced_result(
    problem: Problem, status: str, message: str, award: dict[str, int], lower_bound: float | None
) -> Result:
    """A result whose every figure is recomputed from the award in exact decimals."""
    allocations = allocations_for(problem, award)
    total = sum((a.cost for a in allocations), Decimal(0))
    exact = sum((a.unit_price * a.quantity for a in allocations), Decimal(0))
    bound = gap = None
    if lower_bound is not None and math.isfinite(lower_bound):
        bound = min(Decimal(repr(lower_bound)).quantize(CENT, rounding=ROUND_FLOOR), cents(exact))
        bound = max(bound, Decimal(0))
        gap = 0.0 if exact == 0 else max(0.0, float((exact - Decimal(repr(lower_bound))) / exact))
    return Result(
        status=status,
        message=message,
        allocations=allocations,
        total_cost=cents(total),
        lower_bound=bound,
        relative_gap=gap,
        vendor_spend=vendor_spend(problem, award),
    )
