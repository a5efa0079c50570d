"""Column generation: the master LP, per-item pricing, and the Lagrangian lower bound."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field

import numpy as np

from .highs import stopped
from .master import Duals, Master, Pattern
from .pricing import ItemPricer, column_below
from .presolve import Reduced


STALE_ROUNDS = 20  # perturbed pricing ends after this many rounds in a row with no new pattern


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
        below = column_below(duals.sigma[pricer.item])
        value, award = pricer.price(adjusted, duals.factor, duals.fixed, with_award=True, award_below=below)
        if not np.isfinite(value):
            impossible.append(pricer.item)
            continue
        bound += value
        if award is not None and value < below:
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
    seen: set[tuple] = set()
    stale = 0  # rounds in a row that found no new pattern (small problems run out of them)
    while time.monotonic() < deadline and not stopped() and stale < STALE_ROUNDS:
        mu = duals.mu.copy()
        mu[capped] *= np.array([rng.uniform(0.0, 2.0) for _ in capped])
        factor = 1.0 - float(share) * mu.sum() + mu[vendor_of]
        adjusted = reduced.seg_price * factor[reduced.seg_bid]
        priced, new = 0, False
        for pricer in touched:
            if time.monotonic() >= deadline:
                break
            if not pricer.always_general and (factor[pricer.bids] > 0).all() and (
                    duals.fixed is None or (duals.fixed[pricer.bids] >= 0).all()):
                continue  # its cheapest award is a bid taking it whole: pooled already
            priced += 1
            _, award = pricer.price(adjusted, factor, duals.fixed, with_award=True)
            if award is not None:
                pattern = Pattern.make(reduced, pricer.item, award)
                if (pattern.item, pattern.award) not in seen:
                    seen.add((pattern.item, pattern.award))
                    found.append(pattern)
                    new = True
        if not priced:
            break  # nothing here can give a new pattern
        stale = 0 if new else stale + 1
    return found


def _forced(reduced: Reduced, pricer: ItemPricer, b: int, kept: list[int], t: int, others: dict[int, list[int]],
            adjusted: np.ndarray, factor: np.ndarray, fixed: np.ndarray, lo: np.ndarray,
            hi: np.ndarray) -> Pattern | None:
    """The cheapest award of the pricer's item at these prices that gives bid ``b`` exactly ``t``
    units (in its segments ``kept``, each of which must hold ``t``) and the other bids what
    ``others`` (bid -> segments) and ``lo``/``hi`` allow, or None. ``b`` is made to be used by a
    credit larger than any award's spread (at price ratios of 1e10 and more within an item, float
    rounding may then return a split slightly dearer). ``fixed``, ``lo`` and ``hi`` are scratch
    arrays, as they were when it returns."""
    segments = [s for bid in pricer.bids for s in pricer.segments[bid]]
    credit = 2.0 * (pricer.quantity * float(np.abs(adjusted[segments]).max())
                    + float(np.abs(fixed[pricer.bids]).sum())) + 1.0
    saved = lo[kept].copy(), hi[kept].copy()
    lo[kept], hi[kept] = t, t
    forced = ItemPricer(reduced, pricer.item, segments={**others, b: kept}, lo=lo, hi=hi)
    fixed[b] -= credit
    try:
        _, award = forced.price(adjusted, factor, fixed, with_award=True)
    finally:
        fixed[b] += credit
        lo[kept], hi[kept] = saved
    return Pattern.make(reduced, pricer.item, award) if award is not None and b in award else None


def split_patterns(reduced: Reduced, pricers: list[ItemPricer], duals: Duals, item_values: np.ndarray,
                   deadline: float) -> list[Pattern]:
    """Per item and capped vendor's bid b: for each t among b's tier starts (above one unit) and
    its capacity, the cheapest award at the master's prices that gives b exactly t units
    (``_forced``).

    Such awards are not the cheapest at any prices (between two bids at fixed tiers the cost is
    linear in the split, so pricing puts b at 0 or at its capacity), yet they are how an award
    fills a capped vendor to just under its cap: on base 300x30x4 seed 1 one of them (919 units to
    one capped vendor, 300 to another at its second tier's start) lets the pool neighbourhoods find
    an award 0.04% cheaper within a second, which the engine's other searches took 50-60 s to
    reach."""
    capped = {int(v) for v in np.flatnonzero(duals.mu > 1e-9)}
    if not capped:
        return []
    adjusted = reduced.seg_price * duals.factor[reduced.seg_bid]
    fixed = np.zeros(len(reduced.bids)) if duals.fixed is None else duals.fixed.copy()
    lo, hi = reduced.seg_lo.copy(), reduced.seg_hi.copy()
    # the most promising bids first (the deadline may cut the list): those whose cheapest unit,
    # at the master's prices, is nearest the item's own least cost per unit
    pairs = []
    for pricer in pricers:
        per_unit = float(item_values[pricer.item]) / pricer.quantity
        for b in pricer.bids:
            if reduced.bid_vendor[b] in capped:
                pairs.append((float(adjusted[pricer.segments[b]].min()) - per_unit, pricer.item, b))
    pairs.sort()
    by_item = {pricer.item: pricer for pricer in pricers}
    found: list[Pattern] = []
    for _, item, b in pairs:
        pricer = by_item[item]
        segments = [s for bid in pricer.bids for s in pricer.segments[bid]]
        lo[segments], hi[segments] = pricer.lo[segments], pricer.hi[segments]
        others = {other: pricer.segments[other] for other in pricer.bids if other != b}
        own = pricer.segments[b]
        starts = {int(pricer.lo[s]) for s in own if pricer.lo[s] > 1}
        starts.add(int(max(pricer.hi[s] for s in own)))
        for t in sorted(q for q in starts if q < pricer.quantity):
            if time.monotonic() >= deadline or stopped():
                return found
            kept = [s for s in own if pricer.lo[s] <= t <= pricer.hi[s]]
            pattern = (_forced(reduced, pricer, b, kept, t, others, adjusted, duals.factor, fixed, lo, hi)
                       if kept else None)
            if pattern is not None:
                found.append(pattern)
    return found


def fitting_patterns(reduced: Reduced, pricers: list[ItemPricer], duals: Duals, total: float,
                     deadline: float) -> list[Pattern]:
    """Per item whose cheapest award at the master's prices gives one vendor more than the share
    cap of ``total`` (the proven bound: every award costs at least that, so a vendor's spend within
    share x total on one item never breaks its cap by that item alone): the cheapest award at
    those prices with every bid's tier segments cut to the units whose cost stays within share x
    total, and per bid b the cheapest that fills b to that, the others cut alike (``_forced``);
    [] without a share cap. Items on which no bid can spend that much are skipped unpriced.

    Pricing never returns such a split (the cost is linear in it: see ``split_patterns``), and the
    master LP mixes whole awards over the cap instead, which no award can use. On mixed-sizes
    300x30x4 seed 9 one item costs $9.9M at its cheapest and the cap is about $6.3M: without these
    patterns the engine found no award in 40 s (the background tree found the optimum, $90,449,277,
    after 25-60 s); with them ``poolsearch._first_award`` finds one 0.04% above it at 1 s, and the
    engine proves the optimum in 6 s (README, twenty-third session). Seed 16's item needs three
    vendors: filling one bid and pricing the rest freely put the rest on one vendor over the cap."""
    share = reduced.problem.constraints.max_vendor_share
    if share is None or share >= 1 or not np.isfinite(total) or total <= 0:
        return []
    limit = float(share) * total
    adjusted = reduced.seg_price * duals.factor[reduced.seg_bid]
    fixed = np.zeros(len(reduced.bids)) if duals.fixed is None else duals.fixed.copy()
    lo, hi = reduced.seg_lo.copy(), reduced.seg_hi.copy()
    vendor = np.asarray(reduced.bid_vendor, dtype=np.int64)
    found: list[Pattern] = []
    for pricer in pricers:
        if time.monotonic() >= deadline or stopped():
            break
        segments = [s for bid in pricer.bids for s in pricer.segments[bid]]
        price = reduced.seg_price[segments]
        if float((price * np.minimum(pricer.hi[segments], pricer.quantity)).max(initial=0.0)) <= limit:
            continue  # no bid of it can spend that much (most items: no pricing needed)
        _, award = pricer.price(adjusted, duals.factor, fixed, with_award=True)
        if award is None:
            continue
        spend = np.zeros(len(reduced.vendors))
        for b, (s, q) in award.items():
            spend[vendor[b]] += reduced.seg_price[s] * q
        if spend.max() <= limit:
            continue
        # every bid's tier segments cut to the units whose cost stays within the cap
        lo[segments] = pricer.lo[segments]
        hi[segments] = np.minimum(pricer.hi[segments], np.floor(limit / np.maximum(price, 1e-12)))
        within = {b: [s for s in pricer.segments[b] if hi[s] >= lo[s]] for b in pricer.bids}
        within = {b: kept for b, kept in within.items() if kept}
        if not within:
            continue
        _, award = ItemPricer(reduced, pricer.item, segments=within, lo=lo, hi=hi).price(
            adjusted, duals.factor, fixed, with_award=True)
        if award is not None:
            found.append(Pattern.make(reduced, pricer.item, award))
        for b, kept in within.items():  # and each bid filled to the cap, the others within it
            t = int(max(hi[s] for s in kept))
            if t < pricer.quantity:
                others = {other: segs for other, segs in within.items() if other != b}
                pattern = _forced(reduced, pricer, b, [s for s in kept if hi[s] == t], t, others, adjusted,
                                  duals.factor, fixed, lo, hi)
                if pattern is not None:
                    found.append(pattern)
    return found
