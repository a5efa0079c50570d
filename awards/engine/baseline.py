"""Baselines: how a buyer would award without the engine, priced exactly by the true tier rules."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .model import Bid, Problem
from .rules import exact_cost, violations

LOWEST_FIRST_TIER = "lowest first-tier price per item"
LOWEST_WHOLE_PRICE = "lowest price for the whole quantity per item"
RULE_KEEPING = "lowest price per item within the share cap, biggest items first"


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
    # A bid given fewer units than its first tier (a broken award) is priced at its first tier.
    cost = Decimal(0)
    for bid_id, quantity in award.items():
        bid = problem.bid_by_id[bid_id]
        tier = bid.tier_for(quantity)
        cost += tier.unit_price * quantity
    return Baseline(name, award, complete, violations(problem, award), cost)


def _split(problem: Problem, order: list[Bid], quantity: int, spend: dict[str, Decimal],
           cap: Decimal) -> tuple[dict[str, int], int]:
    """Each bid in turn takes what keeps its vendor's spend within `cap`; the last takes the rest."""
    award: dict[str, int] = {}
    remaining = quantity
    for n, bid in enumerate(order):
        if remaining == 0:
            break
        limit = remaining if bid.max_quantity is None else min(remaining, bid.max_quantity)
        if n < len(order) - 1:
            price = bid.tier_for(limit).unit_price
            room = cap - spend.get(bid.vendor, Decimal(0)) - sum(
                problem.bid_by_id[b].tiers[0].unit_price * q for b, q in award.items()
                if problem.bid_by_id[b].vendor == bid.vendor)
            limit = min(limit, max(0, int(room / price)) if price > 0 else limit)
        if limit >= bid.min_quantity:
            award[bid.id] = limit
            remaining -= limit
    return award, remaining


def _rule_keeping(problem: Problem) -> Baseline:
    """What a careful buyer does by hand under a share cap: the biggest items first, each to the
    bid with the lowest price for the whole quantity whose vendor stays within the cap (measured
    against the cheapest possible total), leaving out bundled bids (a bundle is all or nothing).
    It is a baseline, not an optimiser: it may still break a rule, and says so."""
    open_bids = {bid.id for bid in problem.bids} - {b for bundle in problem.bundles for b in bundle.bids}

    def whole(bid: Bid, quantity: int) -> Decimal:
        take = quantity if bid.max_quantity is None else min(quantity, bid.max_quantity)
        tier = bid.tier_for(take)
        return tier.unit_price

    def candidates(item) -> list[Bid]:
        bids = [b for b in problem.bids_by_item[item.id] if b.id in open_bids] or problem.bids_by_item[item.id]
        return sorted(bids, key=lambda bid: (whole(bid, item.quantity), bid.id))

    cheapest = {item.id: (min((whole(b, item.quantity) for b in problem.bids_by_item[item.id]), default=Decimal(0))
                          * item.quantity) for item in problem.items}
    share = problem.constraints.max_vendor_share
    # The total the cap is a share of: what is awarded so far plus the cheapest price of the rest.
    estimate = sum(cheapest.values(), Decimal(0))
    spend: dict[str, Decimal] = {}
    award: dict[str, int] = {}
    complete = True
    for item in sorted(problem.items, key=lambda i: (-cheapest[i.id], i.id)):
        order = candidates(item)
        if share is not None:
            def fits(bid: Bid) -> bool:
                cost = whole(bid, item.quantity) * item.quantity
                total = estimate - cheapest[item.id] + cost
                return spend.get(bid.vendor, Decimal(0)) + cost <= share * total

            within = [b for b in order if fits(b)]
            if not within:  # no one vendor may take it all: split it, cheapest first, up to the cap
                filled, short = _split(problem, order, item.quantity, spend, share * estimate)
            else:
                filled, short = _fill(problem, within + [b for b in order if b not in within], item.quantity)
        else:
            filled, short = _fill(problem, order, item.quantity)
        complete = complete and short == 0
        paid = Decimal(0)
        for bid_id, quantity in filled.items():
            bid = problem.bid_by_id[bid_id]
            cost = bid.tier_for(quantity).unit_price * quantity
            spend[bid.vendor] = spend.get(bid.vendor, Decimal(0)) + cost
            paid += cost
        estimate += paid - cheapest[item.id]
        award.update(filled)
    cost = sum((problem.bid_by_id[b].tier_for(q).unit_price * q
                for b, q in award.items()), Decimal(0))
    return Baseline(RULE_KEEPING, award, complete, violations(problem, award), cost)


def baselines(problem: Problem) -> list[Baseline]:
    def first_tier(bid: Bid, quantity: int) -> Decimal:
        return bid.tiers[0].unit_price

    def whole_price(bid: Bid, quantity: int) -> Decimal:
        take = quantity if bid.max_quantity is None else min(quantity, bid.max_quantity)
        tier = bid.tier_for(take)
        return tier.unit_price

    return [
        _baseline(problem, LOWEST_FIRST_TIER, first_tier),
        _baseline(problem, LOWEST_WHOLE_PRICE, whole_price),
    ] + ([_rule_keeping(problem)] if problem.constraints.max_vendor_share is not None else [])


__all__ = ["Baseline", "baselines", "exact_cost", "LOWEST_FIRST_TIER", "LOWEST_WHOLE_PRICE", "RULE_KEEPING"]
