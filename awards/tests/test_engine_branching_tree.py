"""The branch-and-price tree in-process (awards/engine/branching.py): what it branches on, and
its bound on odd small instances never passing the brute-force optimum."""

from __future__ import annotations

import time

import numpy as np
import pytest

from awards.engine import parse_problem
from awards.engine.branching import BranchAndPrice
from awards.engine.master import Master, Pattern
from awards.engine.presolve import presolve
from awards.engine.pricing import ItemPricer
from awards.tests.test_engine_branching import _root
from awards.tests.test_engine_bruteforce import brute_force


def _odd(seed: int):
    """A few small items with odd tiers (first tiers above one unit, equal or rising prices), the
    odd capacity, vendor limits, minimum awards, share caps and bundles (whose duals give bids
    negative charges), at price scales up to 1e6: the shapes a review's fuzzing drew."""
    import random

    rng = random.Random(seed)
    count = rng.randint(2, 4)
    scale = rng.choice([1, 1, 1000, 1e6])
    items = [{"id": f"i{k}", "quantity": rng.choice([1, 2, 3, 4, 5, 6])} for k in range(count)]
    vendors = rng.randint(2, 4)
    bids = []
    for item in items:
        for vendor in rng.sample(range(vendors), rng.randint(1, min(vendors, 3))):
            first = rng.choice([1, 1, 1, 2, 3])
            count = rng.randint(1, 3)
            minimums = sorted(set([first] + [first + rng.randint(1, 5) for _ in range(count - 1)]))
            price, tiers = rng.uniform(1, 100), []
            for minimum in minimums:
                tiers.append({"min_quantity": minimum, "unit_price": f"{price * scale:.2f}"})
                draw = rng.random()
                price = price if draw < 0.3 else price * rng.uniform(0.6, 0.99) if draw < 0.93 else price * 1.1
            bid = {"id": f"{item['id']}v{vendor}", "vendor": f"V{vendor}", "item": item["id"], "tiers": tiers}
            if rng.random() < 0.1:
                bid["max_quantity"] = max(minimums[0], rng.randint(1, item["quantity"]))
            bids.append(bid)
    constraints: dict = {}
    if rng.random() < 0.3:
        constraints["max_vendors_per_item"] = rng.randint(1, 2)
    if rng.random() < 0.3:
        constraints["min_award_quantity"] = rng.randint(2, 3)
    if rng.random() < 0.6:
        constraints["max_vendor_share"] = rng.choice([0.4, 0.5, 0.6, 0.75])
    data = {"items": items, "bids": bids, "constraints": constraints}
    if rng.random() < 0.4:
        bundles = []
        for k in range(rng.randint(1, 2)):
            vendor = f"V{rng.randrange(vendors)}"
            own = [bid["id"] for bid in bids if bid["vendor"] == vendor]
            if len(own) >= 2:
                bundles.append({"id": f"B{k}", "bids": rng.sample(own, 2)})
        if bundles:
            data["bundles"] = bundles
    return parse_problem(data)


# where the vector steps once priced items with a negative charge or multiplier (or took the forced
# path by "eligible" instead of "valid"), the bound passed the optimum on these (a review's mutants)
@pytest.mark.parametrize("seed", [966, 1015, 3726, *range(20)])
def test_branch_and_price_on_odd_instances_never_passes_the_optimum(seed: int) -> None:
    problem = _odd(seed)
    optimum, _ = brute_force(problem)
    if optimum is None:
        return
    reduced, pricers, master, root = _root(problem)
    if root.infeasible_items or master.slack_used() > 1e-6:
        return
    bound, _, _ = BranchAndPrice(reduced, pricers, master).run(root.lower_bound, root.z, time.monotonic() + 3)
    assert bound <= float(optimum) * (1 + 1e-9) + 1e-6


def test_it_branches_on_the_bid_that_moves_money_not_on_a_fine_tune() -> None:
    """An item whose LP mixes one vendor taking it whole with a capped vendor's 5 units plus a
    third vendor's 95: every bid splits that mixture alike (40 / 60), but branching on the 5 units
    (at most 3 / more than 3) leaves both sides nearly the same mixture -- the tree branched on such
    a fine-tune a dozen times on heavy-tail seed 12. It branches on a bid that moves the item."""
    problem = parse_problem({
        "items": [{"id": "i", "quantity": 100}],
        "bids": [{"id": bid, "vendor": vendor, "item": "i", "tiers": [{"min_quantity": 1, "unit_price": price}]}
                 for bid, vendor, price in (("fine", "v2", "11"), ("whole", "v1", "10"), ("rest", "v3", "12"))],
    })
    reduced = presolve(problem)
    pricers = [ItemPricer(reduced, 0)]
    master = Master(reduced)
    fine, whole, rest = (reduced.bid_position[bid] for bid in ("fine", "whole", "rest"))
    segment = {b: reduced.segments_of_bid[b][0] for b in (fine, whole, rest)}
    master.add([Pattern.make(reduced, 0, {whole: (segment[whole], 100)}),
                Pattern.make(reduced, 0, {fine: (segment[fine], 5), rest: (segment[rest], 95)})])
    options = BranchAndPrice(reduced, pricers, master).branch_choices(np.array([0.4, 0.6]))
    assert [option[:2] for option in options] in ([(0, whole)], [(0, rest)])
