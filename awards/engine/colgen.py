"""Column generation: the master LP, per-item pricing, and the Lagrangian lower bound."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field

import numpy as np

from .highs import stopped
from .master import Duals, Master, Pattern
from .pricing import ItemPricer
from .presolve import Reduced


@dataclass
class Bound:
    lower_bound: float = -np.inf  # best Lagrangian bound: valid for the exact problem
    lp_value: float = np.inf  # last master LP value (uses slack while the pool is poor)
    rounds: int = 0
    z: np.ndarray = field(default_factory=lambda: np.zeros(0))
    duals: Duals | None = None
    infeasible_items: list[int] = field(default_factory=list)
    pass_seconds: float = np.inf  # the quickest pricing pass over all items (what a B&P node costs)


def initial_patterns(reduced: Reduced, pricers: list[ItemPricer]) -> list[Pattern]:
    """Every bid that can take a whole item alone, plus each item's cheapest award at list prices."""
    patterns = []
    factor = np.ones(len(reduced.bids))
    for pricer in pricers:
        quantity = pricer.quantity
        for b in pricer.bids:
            for s in pricer.segments[b]:
                if reduced.seg_lo[s] <= quantity <= reduced.seg_hi[s]:
                    patterns.append(Pattern.make(reduced, pricer.item, {b: (s, quantity)}))
        value, award = pricer.price(reduced.seg_price, factor, None, with_award=True)
        if award is not None:
            patterns.append(Pattern.make(reduced, pricer.item, award))
    return patterns


def price_all(
    reduced: Reduced, pricers: list[ItemPricer], duals: Duals
) -> tuple[float, list[Pattern], list[int]]:
    """Lagrangian bound at these duals, the improving patterns, and items that cannot be covered."""
    adjusted = reduced.seg_price * duals.factor[reduced.seg_bid]
    bound = 0.0
    found: list[Pattern] = []
    impossible: list[int] = []
    for pricer in pricers:
        value, award = pricer.price(adjusted, duals.factor, duals.fixed, with_award=True)
        if not np.isfinite(value):
            impossible.append(pricer.item)
            continue
        bound += value
        sigma = duals.sigma[pricer.item]
        if award is not None and value - sigma < -1e-9 * max(1.0, abs(sigma)):
            found.append(Pattern.make(reduced, pricer.item, award))
    return bound, found, impossible


def generate_columns(
    reduced: Reduced,
    pricers: list[ItemPricer],
    master: Master,
    *,
    deadline: float,
    tolerance: float = 1e-7,
    max_rounds: int = 200,
) -> Bound:
    result = Bound()
    covered = {pattern.item for pattern in master.patterns}
    result.infeasible_items = [pricer.item for pricer in pricers if pricer.item not in covered]
    if result.infeasible_items:  # the DP found no way at all to cover these items
        return result
    while result.rounds < max_rounds:
        duals, z = master.solve_lp()
        result.lp_value, result.z, result.duals = duals.value, z, duals
        priced = time.monotonic()
        bound, found, impossible = price_all(reduced, pricers, duals)
        result.pass_seconds = min(result.pass_seconds, time.monotonic() - priced)
        result.rounds += 1
        if impossible:
            result.infeasible_items = impossible
            return result
        if master.slack_used() <= 1e-9:
            result.lower_bound = max(result.lower_bound, bound)
        added = master.add(found)
        converged = result.lp_value - result.lower_bound <= tolerance * abs(result.lp_value)
        if not added or converged or time.monotonic() > deadline or stopped():
            break
    # the final LP over the whole pool: its duals drive the bounds, its solution guides the search
    duals, z = master.solve_lp()
    result.lp_value, result.z, result.duals = duals.value, z, duals
    return result


def perturbed_patterns(reduced: Reduced, pricers: list[ItemPricer], duals: Duals, deadline: float,
                       seed: int = 0) -> list[Pattern]:
    """Each item's cheapest award at duals near the master's, round after round until the
    deadline: the capped vendors' share prices (mu) each scaled by a random factor in [0, 2], so
    the pool holds the other ways of filling their caps -- which items go to which capped vendor.
    Only items one of those vendors bids on are priced (the others' prices do not move), and not
    the items whose bids all take them whole: at positive multipliers their cheapest award is one
    bid taking the item whole (the merge argument, ``pricing``), a pattern the pool starts with
    (``initial_patterns``) -- on many small items (tiny-items) pricing them took 1.5 s for nothing."""
    rng = random.Random(seed)
    capped = np.flatnonzero(duals.mu > 1e-9)
    share = reduced.problem.constraints.max_vendor_share
    if not len(capped) or share is None:
        return []
    vendor_of = np.asarray(reduced.bid_vendor, dtype=np.int64)
    touched = [pricer for pricer in pricers if any(duals.mu[vendor_of[b]] > 1e-9 for b in pricer.bids)]
    found: list[Pattern] = []
    while time.monotonic() < deadline and not stopped():
        mu = duals.mu.copy()
        mu[capped] *= np.array([rng.uniform(0.0, 2.0) for _ in capped])
        factor = 1.0 - float(share) * mu.sum() + mu[vendor_of]
        adjusted = reduced.seg_price * factor[reduced.seg_bid]
        priced = 0
        for pricer in touched:
            if time.monotonic() >= deadline:
                break
            if not pricer.always_general and (factor[pricer.bids] > 0).all() and (
                    duals.fixed is None or (duals.fixed[pricer.bids] >= 0).all()):
                continue  # its cheapest award is a bid taking it whole: pooled already
            priced += 1
            _, award = pricer.price(adjusted, factor, duals.fixed, with_award=True)
            if award is not None:
                found.append(Pattern.make(reduced, pricer.item, award))
        if not priced:
            break  # nothing here can give a new pattern
    return found
