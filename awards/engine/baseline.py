"""Baselines: how a buyer would award without the engine, priced exactly by the true tier rules."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .model import Bid, Problem
from .rules import exact_cost, violations

LOWEST_FIRST_TIER = "lowest first-tier price per item"
LOWEST_WHOLE_PRICE = "lowest price for the whole quantity per item"


@dataclass(frozen=True)
class Baseline:
    name: str
    award: dict[str, int]  # bid id -> quantity
    covers_all_items: bool
    violations: list[str]
    cost: Decimal  # exact, of what it awards

    @property
    def feasible(self) -> bool:
        return not self.violations


def _fill(problem: Problem, order: list[Bid], quantity: int) -> tuple[dict[str, int], int]:
    """Give the item to bids in this order, each up to its max_quantity; return award and shortfall."""
    award: dict[str, int] = {}
    remaining = quantity
    for bid in order:
        if remaining == 0:
            break
        take = remaining if bid.max_quantity is None else min(remaining, bid.max_quantity)
        if take > 0:
            award[bid.id] = take
            remaining -= take
    return award, remaining


def _baseline(problem: Problem, name: str, key) -> Baseline:
    award: dict[str, int] = {}
    complete = True
    for item in problem.items:
        order = sorted(problem.bids_by_item[item.id], key=lambda bid: (key(bid, item.quantity), bid.id))
        filled, short = _fill(problem, order, item.quantity)
        award.update(filled)
        complete = complete and short == 0
    # A bid given fewer units than its first tier has no price: cost it at its first tier.
    cost = Decimal(0)
    for bid_id, quantity in award.items():
        bid = problem.bid_by_id[bid_id]
        tier = bid.tier_for(quantity) or bid.tiers[0]
        cost += tier.unit_price * quantity
    return Baseline(name, award, complete, violations(problem, award), cost)


def baselines(problem: Problem) -> list[Baseline]:
    def first_tier(bid: Bid, quantity: int) -> Decimal:
        return bid.tiers[0].unit_price

    def whole_price(bid: Bid, quantity: int) -> Decimal:
        take = quantity if bid.max_quantity is None else min(quantity, bid.max_quantity)
        tier = bid.tier_for(take) or bid.tiers[0]
        return tier.unit_price

    return [
        _baseline(problem, LOWEST_FIRST_TIER, first_tier),
        _baseline(problem, LOWEST_WHOLE_PRICE, whole_price),
    ]


__all__ = ["Baseline", "baselines", "exact_cost", "LOWEST_FIRST_TIER", "LOWEST_WHOLE_PRICE"]
