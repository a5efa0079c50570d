"""Why a problem has no award, in words a buyer understands."""

from __future__ import annotations

import math
from dataclasses import replace
from decimal import Decimal

import numpy as np

from .formulation import build
from .itemdp import ItemDP, Stage
from .model import Item, Problem
from .presolve import Reduced, presolve


def _units(count: int) -> str:
    return f"{count} unit" + ("" if count == 1 else "s")


def _combinable(problem: Problem, item: Item, *, limit: int | None, min_award: bool) -> bool:
    """Can the item's bids (ignoring bundles and spend) add up to exactly its quantity?"""
    bids = problem.bids_by_item[item.id]
    lo, hi, stages = [], [], []
    least = problem.min_award_for(item) if min_award else 1
    for index, bid in enumerate(bids):
        cap = min(item.quantity, bid.max_quantity or item.quantity)
        start = max(bid.min_quantity, least)
        if start <= cap:
            stages.append(Stage(index, [len(lo)]))
            lo.append(start)
            hi.append(cap)
    if not stages:
        return False
    dp = ItemDP(item.quantity, np.array(lo, float), np.array(hi, float), np.zeros(len(lo)), limit, len(stages))
    for stage in stages:
        dp.add(stage)
    return bool(np.isfinite(dp.table[:, -1]).any())


def uncoverable_item(problem: Problem, item: Item) -> str:
    """The reason an item cannot be covered exactly (its bids survive no presolve)."""
    label = f"item {item.id!r} ({_units(item.quantity)})"
    bids = problem.bids_by_item[item.id]
    if not bids:
        return f"{label} cannot be covered: nobody bid on it"
    caps = sorted((min(item.quantity, b.max_quantity or item.quantity) for b in bids), reverse=True)
    if sum(caps) < item.quantity:
        return f"{label} cannot be covered: its bids offer at most {_units(sum(caps))} in total"
    limit = problem.constraints.max_vendors_per_item
    if limit is not None and sum(caps[:limit]) < item.quantity:
        return (
            f"{label} cannot be covered: with at most {limit} bid(s) per item, its largest bids "
            f"offer at most {_units(sum(caps[:limit]))}"
        )
    if not _combinable(problem, item, limit=limit, min_award=False):
        return (
            f"{label} cannot be covered: no combination of its bids adds up to exactly "
            f"{_units(item.quantity)} within their tier minimums and capacities"
        )
    if not _combinable(problem, item, limit=limit, min_award=True):
        return (
            f"{label} cannot be covered: no combination of its bids adds up to exactly "
            f"{_units(item.quantity)} when every award must be at least "
            f"{problem.constraints.min_award_quantity} units"
        )
    bundles = sorted(
        bundle.id for bundle in problem.bundles if any(problem.bid_by_id[b].item == item.id for b in bundle.bids)
    )
    return (
        f"{label} cannot be covered: the bids that could cover it are in bundles that cannot be "
        f"awarded in full ({', '.join(repr(b) for b in bundles)})"
    )


def vendor_shortage(problem: Problem, reduced: Reduced) -> str | None:
    """The share cap needs at least ceil(1/share) vendors with spend; are there that many?"""
    share = problem.constraints.max_vendor_share
    if share is None or share >= 1:
        return None
    needed = math.ceil(Decimal(1) / share)
    have = len(reduced.vendors)
    if have >= needed:
        return None
    return (
        f"the vendor share cap of {share:%} needs at least {needed} vendors with an award, "
        f"but only {have} vendor(s) have bids that can be awarded"
    )


def _feasible(problem: Problem, time_limit: float) -> bool | None:
    """True/False when HiGHS decides feasibility in time, None when it cannot tell."""
    reduced = presolve(problem)
    if any(not bids for bids in reduced.bids_of_item):
        return False
    form = build(reduced, integer_quantities=True)
    h = form.highs
    h.setOptionValue("time_limit", max(time_limit, 0.1))
    h.setOptionValue("mip_max_improving_sols", 1)
    h.run()
    if h.getInfo().primal_solution_status == 2:
        return True
    status = h.modelStatusToString(h.getModelStatus()).lower()
    return False if "infeasible" in status else None


def explain(problem: Problem, time_limit: float) -> list[str]:
    """Name the rule that makes an otherwise coverable problem infeasible, by relaxing each in turn."""
    constraints = problem.constraints
    budget = time_limit / 4
    checks = []
    if constraints.max_vendor_share is not None:
        checks.append((
            replace(problem, constraints=replace(constraints, max_vendor_share=None)),
            f"no award keeps every vendor within the share cap of {constraints.max_vendor_share:%} "
            "of total spend (the other rules can be met without it); more vendors must be able to "
            "take larger parts of the demand",
        ))
    if problem.bundles:
        checks.append((
            replace(problem, bundles=()),
            "the all-or-nothing bundles cannot be honoured together with the other rules",
        ))
    if constraints.max_vendors_per_item is not None:
        checks.append((
            replace(problem, constraints=replace(constraints, max_vendors_per_item=None)),
            f"the limit of {constraints.max_vendors_per_item} vendor(s) per item cannot be met "
            "together with the other rules",
        ))
    if constraints.min_award_quantity is not None:
        checks.append((
            replace(problem, constraints=replace(constraints, min_award_quantity=None)),
            f"the minimum award of {constraints.min_award_quantity} units cannot be met together "
            "with the other rules",
        ))
    reasons = [reason for relaxed, reason in checks if _feasible(relaxed, budget)]
    return reasons or ["no award satisfies all the rules together"]
