"""Split awards for the pool (``colgen.split_patterns``): for every capped vendor's bid b and
every t among its tier starts (above one unit) and its capacity, the cheapest award at the
master's prices that gives b exactly t units -- checked against brute force over every award of
small items (capacities, vendor limits, minimum awards, random share prices); and on base
300x30x4 seed 1 they hold the split award that lets the pool neighbourhoods find the better award."""

from __future__ import annotations

import itertools
import random
import time

import numpy as np
import pytest

from awards.engine import parse_problem
from awards.engine.colgen import split_patterns
from awards.engine.master import Duals
from awards.engine.presolve import presolve
from awards.engine.pricing import ItemPricer
from bench.generate import Size, generate


def _instance(seed: int, *, limit: int | None, minimum: int | None):
    """Items of at most 9 units, tiers and capacities cut to them (brute force stays small)."""
    size = Size(4, 4, 3, share_cap=0.4, max_vendors_per_item=limit, min_award_quantity=minimum,
                capacity_rate=0.5)
    data = generate(size, seed, "base")
    rng = random.Random(seed)
    for item in data["items"]:
        item["quantity"] = rng.randint(4, 9)
    for bid in data["bids"]:
        if bid.get("max_quantity"):
            bid["max_quantity"] = rng.randint(2, 8)
        # tier starts inside the items' range, so the splits at them are there to find
        starts = sorted(rng.sample(range(2, 9), len(bid["tiers"]) - 1))
        for tier, start in zip(bid["tiers"][1:], starts):
            tier["min_quantity"] = start
        bid["tiers"] = [t for t in bid["tiers"] if t["min_quantity"] <= bid.get("max_quantity", 10**9)]
    return parse_problem(data)


def _duals(reduced, rng: random.Random) -> Duals:
    vendors = len(reduced.vendors)
    mu = np.array([rng.choice([0.0, rng.uniform(0.01, 0.6)]) for _ in range(vendors)])
    if not (mu > 1e-9).any():
        mu[0] = 0.3
    share = float(reduced.problem.constraints.max_vendor_share)
    vendor_of = np.asarray(reduced.bid_vendor, dtype=np.int64)
    factor = 1.0 - share * mu.sum() + mu[vendor_of]
    return Duals(np.zeros(len(reduced.problem.items)), factor, None, 0.0, mu)


def _awards(reduced, item: int):
    """Every award of the item, bid -> (segment, units): units inside one of the bid's segments (the
    cheapest holding them), adding up to the item's quantity, within the vendor limit."""
    bids = reduced.bids_of_item[item]
    quantity = int(reduced.item_quantity[item])
    limit = reduced.problem.constraints.max_vendors_per_item
    options = []
    for b in bids:
        units = {0: None}
        for s in reduced.segments_of_bid[b]:
            for q in range(int(reduced.seg_lo[s]), int(reduced.seg_hi[s]) + 1):
                if q not in units or reduced.seg_price[s] < reduced.seg_price[units[q]]:
                    units[q] = s
        options.append([(q, s) for q, s in units.items()])
    for combo in itertools.product(*options):
        if sum(q for q, _ in combo) != quantity:
            continue
        if limit is not None and sum(q > 0 for q, _ in combo) > limit:
            continue
        yield {b: (s, q) for b, (q, s) in zip(bids, combo) if q > 0}


@pytest.mark.parametrize("seed", range(10))
@pytest.mark.parametrize("limit,minimum", [(None, None), (2, None), (None, 2), (1, None)])
def test_each_forced_split_is_the_cheapest_award_giving_the_bid_those_units(seed: int, limit, minimum) -> None:
    problem = _instance(seed, limit=limit, minimum=minimum)
    reduced = presolve(problem)
    pricers = [ItemPricer(reduced, item) for item in range(len(problem.items))]
    rng = random.Random(100 + seed)
    for _ in range(3):
        duals = _duals(reduced, rng)
        adjusted = reduced.seg_price * duals.factor[reduced.seg_bid]
        found = split_patterns(reduced, pricers, duals, np.zeros(len(problem.items)), time.monotonic() + 60)
        capped = {v for v in range(len(reduced.vendors)) if duals.mu[v] > 1e-9}
        by_item: dict[int, list] = {}
        for pattern in found:
            by_item.setdefault(pattern.item, []).append(pattern)
            # a well-formed award of the item (cost as priced, quantities in their segments)
            assert sum(q for _, _, q in pattern.award) == reduced.item_quantity[pattern.item]
            for b, s, q in pattern.award:
                assert reduced.seg_bid[s] == b and reduced.bid_item[b] == pattern.item
                assert reduced.seg_lo[s] <= q <= reduced.seg_hi[s]
            if limit is not None:
                assert len(pattern.award) <= limit
        for pricer in pricers:
            awards = list(_awards(reduced, pricer.item))
            for b in pricer.bids:
                if reduced.bid_vendor[b] not in capped:
                    continue
                starts = {int(reduced.seg_lo[s]) for s in reduced.segments_of_bid[b] if reduced.seg_lo[s] > 1}
                starts.add(int(max(reduced.seg_hi[s] for s in reduced.segments_of_bid[b])))
                for t in (t for t in starts if t < pricer.quantity):
                    costs = [sum(adjusted[s] * q for s, q in award.values()) for award in awards
                             if award.get(b, (None, 0))[1] == t]
                    mine = [sum(adjusted[s] * q for _, s, q in p.award) for p in by_item.get(pricer.item, [])
                            if any(bb == b and q == t for bb, _, q in p.award)]
                    if not costs:
                        assert not mine
                        continue
                    assert mine, (pricer.item, b, t)
                    assert min(mine) == pytest.approx(min(costs), abs=1e-6)


def test_they_stop_at_the_deadline_and_need_a_capped_vendor() -> None:
    problem = _instance(0, limit=None, minimum=None)
    reduced = presolve(problem)
    pricers = [ItemPricer(reduced, item) for item in range(len(problem.items))]
    duals = _duals(reduced, random.Random(0))
    assert split_patterns(reduced, pricers, duals, np.zeros(len(problem.items)), time.monotonic() - 1) == []
    duals.mu[:] = 0.0
    assert split_patterns(reduced, pricers, duals, np.zeros(len(problem.items)), time.monotonic() + 60) == []


def test_base_seed_1_gets_the_split_award_the_better_award_needs() -> None:
    """919 units to one capped vendor, 300 to another at its second tier's start (README, twelfth
    session): not among the patterns column generation pools; here from the master's duals."""
    from awards.engine.colgen import generate_columns, initial_patterns
    from awards.engine.master import Master
    from bench.generate import SIZES

    problem = parse_problem(generate(SIZES["300x30x4"], 1, "base"))
    reduced = presolve(problem)
    pricers = [ItemPricer(reduced, item) for item in range(len(problem.items))]
    master = Master(reduced)
    master.add(initial_patterns(reduced, pricers))
    root = generate_columns(reduced, pricers, master, deadline=time.monotonic() + 30)
    found = split_patterns(reduced, [pricers[1]], root.duals, np.zeros(len(problem.items)), time.monotonic() + 30)
    splits = {tuple(sorted((reduced.bid_vendor[b], q) for b, _, q in p.award)) for p in found}
    pooled = {tuple(sorted((reduced.bid_vendor[b], q) for b, _, q in p.award)) for p in master.patterns if p.item == 1}
    assert ((9, 919), (24, 300)) in splits and ((9, 919), (24, 300)) not in pooled
