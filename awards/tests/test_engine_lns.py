"""Pool neighbourhoods (awards/engine/lns.py): from a greedy award on share-capped instances,
each better choice is one pooled pattern per item, keeps every rule exactly, costs less than the
one before and never less than the proven bound; the caller can stop them; they stay out where
they cannot help (no share cap, bundles); the background tree's best node guides them."""

from __future__ import annotations

import time

import numpy as np
import pytest

from awards.engine import lns, parse_problem, solve, violations
from awards.engine.bounds import SegmentBounds
from awards.engine.colgen import generate_columns, initial_patterns, perturbed_patterns
from awards.engine.heuristics import award_cost, award_from_patterns, greedy_by_patterns
from awards.engine.master import Master
from awards.engine.presolve import presolve
from awards.engine.pricing import ItemPricer
from awards.tests.test_engine_gap import pooled_choice
from bench.generate import Size, generate


def _root(problem):
    reduced = presolve(problem)
    pricers = [ItemPricer(reduced, item) for item in range(len(problem.items))]
    master = Master(reduced)
    master.add(initial_patterns(reduced, pricers))
    return reduced, pricers, master, generate_columns(reduced, pricers, master, deadline=time.monotonic() + 10)


def _setup(data: dict):
    problem = parse_problem(data)
    reduced, pricers, master, root = _root(problem)
    costs = master.reduced_costs(root.duals, SegmentBounds(reduced, pricers).item_values(root.duals))
    greedy = greedy_by_patterns(reduced, master.patterns, costs, root.lp_value)
    assert greedy is not None
    chosen = pooled_choice(reduced, master, greedy)
    return problem, reduced, pricers, master, root, costs, greedy, chosen


# two instances where the greedy leaves room and the LP prices two capped vendors or more
@pytest.mark.parametrize("family,size,seed", [("heavy-tail", Size(30, 6, 3, share_cap=0.25), 0),
                                              ("base", Size(60, 10, 3, share_cap=0.15), 1)])
def test_neighbourhoods_improve_and_keep_the_rules(family: str, size: Size, seed: int) -> None:
    problem, reduced, pricers, master, root, costs, greedy, chosen = _setup(generate(size, seed, family))
    assert lns.applies(reduced, root.duals.mu)
    master.add(perturbed_patterns(reduced, pricers, root.duals, time.monotonic() + 0.3))
    costs = master.reduced_costs(root.duals, SegmentBounds(reduced, pricers).item_values(root.duals))
    seen: list[list[int]] = []
    better = lns.pool_lns(reduced, master.patterns, chosen, costs, root.duals.mu, time.monotonic() + 3,
                          stall=1.0, on_better=lambda choice: seen.append(choice) or choice)
    assert better is not None and seen and seen[-1] == better
    previous = award_cost(reduced, greedy)
    for choice in seen:
        assert [master.patterns[k].item for k in choice] == list(range(len(problem.items)))
        award = award_from_patterns([master.patterns[k] for k in choice])
        cost = award_cost(reduced, award)
        assert root.lower_bound - 1e-6 <= cost < previous
        assert not violations(problem, {reduced.bids[b].id: q for b, (_, q) in award.items() if q > 0})
        previous = cost


def test_the_caller_stops_them_and_a_past_deadline_does_nothing() -> None:
    _, reduced, _, master, root, costs, _, chosen = _setup(generate(Size(30, 6, 3, share_cap=0.25), 0, "heavy-tail"))
    seen: list[list[int]] = []
    lns.pool_lns(reduced, master.patterns, chosen, costs, root.duals.mu, time.monotonic() + 3, stall=1.0,
                 on_better=lambda choice: seen.append(choice))  # None: "target reached"
    assert len(seen) == 1
    assert lns.pool_lns(reduced, master.patterns, chosen, costs, root.duals.mu, time.monotonic() - 1, stall=1.0,
                        on_better=lambda choice: pytest.fail("called after the deadline")) is None


def test_they_stay_out_without_a_share_cap_or_with_bundles() -> None:
    capped = generate(Size(30, 6, 3, share_cap=0.25), 0, "heavy-tail")
    _, reduced, _, _, root, _, _, _ = _setup(capped)
    assert lns.applies(reduced, root.duals.mu)
    assert not lns.applies(reduced, None)
    assert not lns.applies(reduced, root.duals.mu * 0)
    uncapped = dict(capped, constraints={})
    assert not lns.applies(presolve(parse_problem(uncapped)), root.duals.mu)
    bundled = generate(Size(50, 8, 3, share_cap=0.3, bundles=6), 0)
    assert bundled.get("bundles")
    assert not lns.applies(presolve(parse_problem(bundled)), root.duals.mu[:8] + 1)


def test_the_engine_runs_them_on_a_share_capped_instance() -> None:
    data = generate(Size(60, 10, 3, share_cap=0.15), 1)
    result = solve(parse_problem(data), time_limit=4).to_dict()
    # (the budgeted pool search before them, ``poolsearch``, may prove the target first)
    assert result["stats"].get("neighbourhoods_tried", 0) > 0 or result["stats"].get("budgeted_improved")
    award: dict[str, int] = {}
    for line in result["allocations"]:
        award[line["bid"]] = award.get(line["bid"], 0) + line["quantity"]
    assert award
    assert not violations(parse_problem(data), award)


def test_the_engine_skips_them_where_every_item_is_whole_only(monkeypatch) -> None:
    """tiny-items (no capacities): the pool holds only awards to one bid per item, which the pool
    IP and pattern swaps have chosen among; the time goes to the improvement phase instead."""
    import importlib

    poolsearch = importlib.import_module("awards.engine.poolsearch")
    calls: list[str] = []
    entered, real = poolsearch.neighbourhoods, lns.pool_lns
    monkeypatch.setattr(poolsearch, "neighbourhoods", lambda *a, **k: calls.append("entered") or entered(*a, **k))
    monkeypatch.setattr(lns, "pool_lns", lambda *a, **k: calls.append("pool_lns") or real(*a, **k))
    data = generate(Size(60, 10, 3, share_cap=0.12), 0, "tiny-items")
    result = solve(parse_problem(data), time_limit=2)
    assert calls == ["entered"]  # the cap binds on two vendors or more, yet no neighbourhood
    assert not violations(parse_problem(data), result.award)


def _two_vendor_pool() -> lns.PoolArrays:
    """Four items, each with a pattern for vendor A (10.00) and a cheaper one for B (9.00)."""
    pool = object.__new__(lns.PoolArrays)
    pool.items = np.repeat(np.arange(4), 2)
    pool.cost = np.tile([10.0, 9.0], 4)
    pool.spend = np.zeros((8, 2))
    pool.spend[0::2, 0] = 10.0
    pool.spend[1::2, 1] = 9.0
    return pool


def test_side_by_side_wins_are_merged_only_when_the_caps_allow_both() -> None:
    pool = _two_vendor_pool()
    current = np.array([0, 2, 4, 7])  # A, A, A, B: A 30.00, B 9.00
    first, second = current.copy(), current.copy()
    first[0], second[1] = 1, 3  # each moves one item to B: B at 18 of 38, 47%
    won = [([0], first), ([1], second)]
    merged = lns._merged(pool, current, won, share=0.75)  # both together: B at 27 of 37, 73%
    assert merged.tolist() == [1, 3, 4, 7]
    alone = lns._merged(pool, current, won, share=0.7)  # 73% breaks a 70% cap: the better one alone
    assert alone.tolist() in ([1, 2, 4, 7], [0, 3, 4, 7])
    assert lns._merged(pool, current, won[:1], share=0.7).tolist() == [1, 2, 4, 7]


def test_perturbed_pricing_skips_items_every_bid_takes_whole(monkeypatch) -> None:
    """Such an item's cheapest award at positive multipliers is one bid taking it whole, a pattern
    the pool starts with: perturbed pricing leaves those items out, and where every item is one
    it stops after one round instead of spinning until its deadline."""
    import awards.engine.colgen as colgen

    reduced, pricers, _, root = _root(parse_problem(generate(Size(40, 8, 3, share_cap=0.2), 0, "tiny-items")))
    assert all(not pricer.always_general for pricer in pricers) and (root.duals.mu > 1e-9).any()
    priced, rounds = [], []
    monkeypatch.setattr(ItemPricer, "price", lambda self, *a, **k: priced.append(self.item) or (0.0, None))
    # asked before each round; says "stop" from the second on, so a mistake cannot spin for long
    monkeypatch.setattr(colgen, "stopped", lambda: rounds.append(1) or len(rounds) > 1)
    assert perturbed_patterns(reduced, pricers, root.duals, time.monotonic() + 600) == []
    assert priced == [] and len(rounds) == 1

    monkeypatch.undo()
    reduced, pricers, _, root = _root(parse_problem(generate(Size(30, 6, 3, share_cap=0.25), 0, "heavy-tail")))
    found = perturbed_patterns(reduced, pricers, root.duals, time.monotonic() + 0.3)
    general = {pricer.item for pricer in pricers if pricer.always_general}
    assert found and {pattern.item for pattern in found} <= general


def test_the_tree_guided_items_are_those_its_best_node_uses_otherwise() -> None:
    """``lns._guided``: the items where the best node's LP puts weight on a pattern other than
    the current one, the most weight away first (ties by item), at most MAX_GUIDED."""
    pool = type("Pool", (), {})()
    pool.items = np.array([0, 0, 1, 1, 2, 2, 3])
    current = np.array([0, 2, 5, 6])
    support = [(0, 1.0), (2, 0.7), (3, 0.3), (4, 0.4), (5, 0.6), (6, 1.0)]
    assert lns._guided(pool, current, support) == [2, 1]  # item 2: 0.4 away from its choice, item 1: 0.3
    assert lns._guided(pool, current, [(0, 1.0), (2, 1.0), (5, 1.0), (6, 1.0)]) == []


def test_a_guide_leads_them_to_the_pool_optimum_and_may_pool_patterns_of_its_own() -> None:
    """``pool_lns(guide=...)``: asked at once, its best node's patterns -- here the pool optimum,
    over patterns the neighbourhoods were not given -- are pooled, the items where it differs
    re-chosen together, and the optimum reached; counted in the stats."""
    problem, reduced, pricers, master, root, costs, greedy, chosen = _setup(
        generate(Size(30, 6, 3, share_cap=0.25), 0, "heavy-tail"))
    given = list(master.patterns)
    master.add(perturbed_patterns(reduced, pricers, root.duals, time.monotonic() + 0.3))
    assert len(master.patterns) > len(given)
    optimum = master.solve_ip(time.monotonic() + 10, gap=1e-9)
    assert optimum is not None
    best = sum(master.patterns[k].cost for k in optimum)
    assert best < award_cost(reduced, greedy) - 1.0
    item_values = SegmentBounds(reduced, pricers).item_values(root.duals)
    asked = []

    def guide():
        asked.append(time.monotonic())
        given[len(given):] = master.patterns[len(given):]  # its patterns go to the pool
        return [(k, 1.0) for k in optimum], master.reduced_costs(root.duals, item_values)

    stats: dict = {}
    seen: list[list[int]] = []
    lns.pool_lns(reduced, given, chosen, costs[: len(given)], root.duals.mu, time.monotonic() + 3, stall=1.0,
                 on_better=lambda choice: seen.append(choice) or choice, stats=stats, guide=guide)
    assert asked and seen
    assert sum(given[k].cost for k in seen[-1]) <= best + 1e-6
    assert stats["guided_tried"] >= 1 and stats["guided_improved"] >= 1

