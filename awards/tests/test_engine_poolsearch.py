"""The budgeted pool search (awards/engine/poolsearch.py ``_budgeted``, lns.budgeted): an
award's cost is the Lagrangian bound plus its patterns' reduced costs plus the share prices times
the room it leaves, so a search over the patterns within a budget of reduced cost loses no award
cheaper than the best by less than the budget; each search returns the cheapest choice among the
patterns it was allowed; the budgets grow to the whole gap, where the pool's optimum is found."""

from __future__ import annotations

import importlib
import time

import numpy as np
import pytest

from awards.engine import lns, violations
from awards.engine.bounds import SegmentBounds
from awards.engine.colgen import perturbed_patterns
from awards.engine.heuristics import award_cost, award_from_patterns
from awards.engine.search import Search
from awards.tests.test_engine_lns import _setup
from bench.generate import Size, generate

poolsearch = importlib.import_module("awards.engine.poolsearch")


def _pool(gap: float | None = None):
    data = generate(Size(30, 6, 3, share_cap=0.25), 0, "heavy-tail")
    if gap is not None:
        data["options"] = {"relative_gap": gap}
    problem, reduced, pricers, master, root, _, greedy, chosen = _setup(data)
    master.add(perturbed_patterns(reduced, pricers, root.duals, time.monotonic() + 0.3))
    item_values = SegmentBounds(reduced, pricers).item_values(root.duals)
    costs = master.reduced_costs(root.duals, item_values)
    return problem, reduced, master, root, item_values, costs, greedy, chosen


def _capped() -> dict:
    """A share-capped instance where the neighbourhoods follow the pool search, asked for an exact
    optimum (so the search runs on to its limit)."""
    data = generate(Size(60, 10, 3, share_cap=0.15), 1)
    data["options"] = {"relative_gap": 1e-9}
    return data


def _capped_solve(data: dict | None = None):
    """The engine on ``data`` (``_capped()`` by default) for 3 s; its award keeps every rule."""
    from awards.engine import parse_problem, solve

    data = _capped() if data is None else data
    result = solve(parse_problem(data), time_limit=3)
    assert not violations(parse_problem(data), result.award)
    return result


def _cost(master, choice) -> float:
    return float(sum(master.patterns[k].cost for k in choice))


def test_an_award_costs_the_bound_plus_its_reduced_costs_plus_the_priced_room_it_leaves() -> None:
    problem, reduced, master, root, item_values, costs, _, chosen = _pool()
    optimum = master.solve_ip(time.monotonic() + 10, gap=1e-9)
    assert optimum is not None and _cost(master, optimum) < _cost(master, chosen) - 1.0
    pool = lns.PoolArrays(reduced, master.patterns)
    share = float(problem.constraints.max_vendor_share)
    assert (root.duals.mu > 1e-9).sum() >= 2 and costs.min() >= -1e-6
    for choice in (chosen, optimum):
        total = _cost(master, choice)
        room = share * total - pool.spend[choice].sum(axis=0)
        assert total == pytest.approx(item_values.sum() + costs[choice].sum() + (root.duals.mu * room).sum(), abs=0.01)
        # hence every pattern of an award cheaper than the best has a reduced cost below the gap
        assert costs[choice].max() <= total - item_values.sum() + 1e-6


def test_a_budgeted_search_returns_the_cheapest_choice_among_the_allowed_patterns() -> None:
    problem, reduced, master, _, _, costs, _, chosen = _pool()
    allowed = costs <= np.quantile(costs, 0.6)
    better = lns.budgeted(reduced, master.patterns, chosen, allowed, time.monotonic() + 10)
    assert better is not None
    assert all(allowed[k] or k == chosen[master.patterns[k].item] for k in better)
    assert [master.patterns[k].item for k in better] == list(range(len(problem.items)))
    with_start = allowed.copy()
    with_start[chosen] = True
    optimum = master.solve_ip(time.monotonic() + 10, allowed=with_start, gap=1e-9)
    assert _cost(master, better) == pytest.approx(_cost(master, optimum), abs=0.02)
    award = award_from_patterns([master.patterns[k] for k in better])
    assert not violations(problem, {reduced.bids[b].id: q for b, (_, q) in award.items() if q > 0})
    # from the optimum of those patterns there is nothing cheaper to return; nor after the deadline
    assert lns.budgeted(reduced, master.patterns, better, allowed, time.monotonic() + 10) is None
    assert lns.budgeted(reduced, master.patterns, chosen, allowed, time.monotonic() - 1) is None


def test_the_budgets_grow_to_the_whole_gap_and_reach_the_pool_optimum(monkeypatch) -> None:
    problem, reduced, master, root, item_values, costs, greedy, _ = _pool(gap=1e-9)
    search = Search(problem, reduced, time.monotonic(), time.monotonic() + 30)
    search.offer(greedy, "greedy")
    asked: list[tuple[float, np.ndarray]] = []
    real = lns.budgeted

    def budgeted(reduced, patterns, chosen, allowed, deadline, enough=None):
        asked.append((search.best_cost, allowed.copy()))
        return real(reduced, patterns, chosen, allowed, deadline, enough)

    monkeypatch.setattr(lns, "budgeted", budgeted)
    stats: dict = {}
    poolsearch._budgeted(search, master, root.duals, item_values, time.monotonic() + 30, stats)
    base = float(item_values.sum())
    assert len(asked) >= 3
    for step, (best, allowed) in enumerate(asked):
        fraction = min(poolsearch.BUDGET_FIRST_FRACTION * poolsearch.BUDGET_GROWTH ** step, 1.0)
        budget = fraction * (best - base)
        assert allowed[costs <= budget].all()  # every pattern within the budget ...
        assert allowed[costs > budget + 1e-6].sum() <= len(problem.items)  # ... and at most the start's beyond
    assert fraction == 1.0  # the last one: the whole gap, where nothing cheaper is lost
    optimum = master.solve_ip(time.monotonic() + 10, gap=1e-9)
    assert search.best_cost == pytest.approx(_cost(master, optimum), abs=0.02)
    assert search.best_cost < award_cost(reduced, greedy) - 1.0 and search.found_by == "pool within a budget"
    assert stats["budgeted_searches"] == len(asked) and 1 <= stats["budgeted_improved"] <= len(asked)


@pytest.mark.parametrize("with_guide", [True, False])
def test_the_tree_s_best_node_patterns_join_every_budget(monkeypatch, with_guide: bool) -> None:
    problem, reduced, master, root, item_values, costs, greedy, _ = _pool(gap=1e-9)
    search = Search(problem, reduced, time.monotonic(), time.monotonic() + 30)
    search.offer(greedy, "greedy")
    gap = search.best_cost - float(item_values.sum())
    start = set(poolsearch._chosen(search, {(p.item, p.award): k for k, p in enumerate(master.patterns)}))
    far = [int(k) for k in np.flatnonzero(costs > gap + 1.0) if int(k) not in start][:3]
    assert len(far) == 3  # beyond even the whole gap: no budget holds them
    guide = [(master.patterns[k].item, award_from_patterns([master.patterns[k]]), 0.5) for k in far]
    monkeypatch.setattr(search, "tree_guide", lambda: guide if with_guide else [])
    asked: list[np.ndarray] = []
    real = lns.budgeted

    def budgeted(reduced, patterns, chosen, allowed, deadline, enough=None):
        asked.append(allowed.copy())
        return real(reduced, patterns, chosen, allowed, deadline, enough)

    monkeypatch.setattr(lns, "budgeted", budgeted)
    poolsearch._budgeted(search, master, root.duals, item_values, time.monotonic() + 30, {})
    assert len(asked) >= 3
    for allowed in asked:
        assert allowed[far].all() == with_guide and allowed[far].any() == with_guide


def test_a_search_that_runs_out_of_its_time_ends_the_budgets(monkeypatch) -> None:
    problem, reduced, master, root, item_values, _, greedy, _ = _pool(gap=1e-9)
    search = Search(problem, reduced, time.monotonic(), time.monotonic() + 30)
    search.offer(greedy, "greedy")
    asked: list[float] = []

    def budgeted(reduced, patterns, chosen, allowed, deadline, enough=None):
        asked.append(deadline)
        time.sleep(max(deadline - time.monotonic(), 0.0))  # as if HiGHS ran into its limit
        return None

    monkeypatch.setattr(lns, "budgeted", budgeted)
    started = time.monotonic()
    poolsearch._budgeted(search, master, root.duals, item_values, started + 30, {})
    assert len(asked) == 1  # a bigger budget would run out too
    assert asked[0] == pytest.approx(started + poolsearch.BUDGET_SLICE * 30, abs=0.5)


def test_the_neighbourhoods_take_a_choice_offered_between_them_and_stop_on_an_empty_one() -> None:
    """``lns.pool_lns(between=...)``: asked before each round; a choice it returns is where the
    neighbourhoods go on from (the budgeted search's award), an empty one ends them (the target
    is reached)."""
    _, reduced, master, root, _, costs, _, chosen = _pool()
    optimum = sorted(master.solve_ip(time.monotonic() + 10, gap=1e-9), key=lambda k: master.patterns[k].item)
    asked: list[int] = []

    def between() -> list[int] | None:
        asked.append(1)
        return optimum if len(asked) == 1 else None

    stats: dict = {}
    last = lns.pool_lns(reduced, master.patterns, chosen, costs, root.duals.mu, time.monotonic() + 2, stall=0.5,
                        on_better=lambda choice: pytest.fail("nothing beats the optimum"), stats=stats,
                        between=between)
    assert last == optimum and len(asked) >= 2 and stats["tried"] >= 1
    stats = {}
    assert lns.pool_lns(reduced, master.patterns, chosen, costs, root.duals.mu, time.monotonic() + 2, stall=0.5,
                        on_better=lambda choice: pytest.fail("ended"), stats=stats, between=lambda: []) is None
    assert stats["tried"] == 0


def test_the_neighbourhoods_go_on_when_the_search_between_them_pools_patterns() -> None:
    """The budgeted search pools the tree's latest patterns: a choice using one of them, returned
    between two rounds, must not break the neighbourhoods (their pool arrays and reduced costs
    follow the pool; before 2026-12-06 a KeyError or IndexError ended the whole solve)."""
    _, reduced, master, root, _, costs, _, chosen = _pool()
    # one pattern held back from the pool the neighbourhoods start with, pooled between two rounds
    item = 0
    late = next(k for k in range(len(master.patterns)) if master.patterns[k].item == item and k != chosen[item])
    order = [k for k in range(len(master.patterns)) if k != late]
    position = {k: j for j, k in enumerate(order)}
    patterns = [master.patterns[k] for k in order]
    start = [position[k] for k in chosen]
    asked: list[int] = []

    def between() -> list[int] | None:
        asked.append(1)
        if len(asked) > 1:
            return None
        patterns.append(master.patterns[late])
        return [len(patterns) - 1 if master.patterns[late].item == patterns[k].item else k for k in start]

    stats: dict = {}
    lns.pool_lns(reduced, patterns, start, costs[order], root.duals.mu, time.monotonic() + 2, stall=0.5,
                 on_better=lambda choice: choice, stats=stats, between=between)
    assert len(asked) >= 2 and stats["tried"] >= 1


def test_a_tree_pattern_the_budgeted_search_pooled_is_known_to_the_neighbourhoods(monkeypatch) -> None:
    """The tree's best node changes between asks: a pattern first seen by the budgeted search
    (which pools it) and named again by the neighbourhoods' guide must map to its pool index
    (a KeyError ended the solve before 2026-12-06)."""
    from awards.engine.master import Master
    from awards.engine.pricing import ItemPricer

    data = generate(Size(30, 6, 3, share_cap=0.25), 0, "heavy-tail")
    data["options"] = {"relative_gap": 1e-9}
    problem, reduced, pricers, full, root, _, greedy, chosen = _setup(data)
    late = next(k for k in range(len(full.patterns)) if full.patterns[k].item == 0 and k != chosen[0])
    master = Master(reduced)
    master.add([pattern for k, pattern in enumerate(full.patterns) if k != late])
    item_values = SegmentBounds(reduced, pricers).item_values(root.duals)
    search = Search(problem, reduced, time.monotonic(), time.monotonic() + 3)
    search.offer(greedy, "greedy")
    asked: list[int] = []

    def tree_guide():  # nothing at first; then the held-back pattern
        asked.append(1)
        return [] if len(asked) == 1 else [(0, award_from_patterns([full.patterns[late]]), 1.0)]

    monkeypatch.setattr(search, "tree_guide", tree_guide)
    monkeypatch.setattr(search, "tree_patterns", lambda: [])
    # (nor may pricing at perturbed prices, or the split awards, pool it first)
    monkeypatch.setattr(poolsearch, "perturbed_patterns", lambda *args: [])
    monkeypatch.setattr(poolsearch, "split_patterns", lambda *args: [])
    monkeypatch.setattr(poolsearch, "BUDGET_NEAR", 1.0)  # the budgeted search before the first round
    poolsearch.neighbourhoods(search, master, [ItemPricer(reduced, i) for i in range(len(problem.items))],
                              root.duals, item_values, time.monotonic() + 2, {})
    assert len(asked) >= 3  # the neighbourhoods' start, the budgeted search, a guide
    assert full.patterns[late] in master.patterns


@pytest.mark.parametrize("near", [0.0, 1.0])
def test_the_engine_searches_within_budgets_only_once_the_gap_is_near(monkeypatch, near: float) -> None:
    """``BUDGET_NEAR``: far from the bound the pool's cheap patterns rarely hold the changes
    needed (heavy-tail seed 2 at 0.08%); the budgeted search waits until the neighbourhoods
    bring the gap within it, and runs once."""
    calls: list[float] = []
    real = poolsearch._budgeted

    def budgeted(search, master, duals, item_values, deadline, stats):
        calls.append((search.best_cost - float(item_values.sum())) / search.best_cost)
        return real(search, master, duals, item_values, deadline, stats)

    monkeypatch.setattr(poolsearch, "_budgeted", budgeted)
    monkeypatch.setattr(poolsearch, "BUDGET_NEAR", near)
    _capped_solve()
    assert len(calls) == (0 if near == 0.0 else 1)
    assert all(gap <= near for gap in calls)


def test_a_budgeted_search_ends_at_a_choice_that_is_enough_and_tells_its_true_cost() -> None:
    """``enough`` (the engine's ``Search.would_finish``) is asked with each better choice's total
    cost, the kept items' included, and HiGHS stops once it says yes."""
    _, reduced, master, _, _, costs, _, chosen = _pool()
    asked: list[float] = []
    allowed = costs <= np.quantile(costs, 0.6)
    better = lns.budgeted(reduced, master.patterns, chosen, allowed, time.monotonic() + 10,
                          enough=lambda cost: asked.append(cost) or True)
    assert better is not None and asked
    assert _cost(master, better) == pytest.approx(min(asked), abs=0.02)
    assert _cost(master, better) < _cost(master, chosen)


def test_the_pool_ip_chooses_among_the_allowed_patterns_and_its_start_only() -> None:
    """``Master.solve_ip`` passes HiGHS only the allowed pattern columns and the start's (the rest
    deleted, not fixed at zero: HiGHS's root work over fixed columns ignored its time limit); its
    answer maps back to pool indices, and patterns barred from the LP may still be chosen."""
    problem, reduced, master, _, _, costs, _, chosen = _pool()
    allowed = costs <= np.quantile(costs, 0.5)
    for start in (None, chosen):
        picked = master.solve_ip(time.monotonic() + 10, allowed=allowed, start=start, gap=1e-9)
        assert picked is not None
        assert sorted(master.patterns[k].item for k in picked) == list(range(len(problem.items)))
        assert all(allowed[k] or (start is not None and k in start) for k in picked)
    with_start = allowed.copy()
    with_start[chosen] = True
    picked = master.solve_ip(time.monotonic() + 10, allowed=with_start, gap=1e-9)
    better = lns.budgeted(reduced, master.patterns, chosen, allowed, time.monotonic() + 10)
    assert _cost(master, picked) == pytest.approx(_cost(master, better or chosen), abs=0.02)
    # a pattern barred from the LP (branching does so) is one the IP may still choose
    whole = master.solve_ip(time.monotonic() + 10, gap=1e-9)
    barred = np.zeros(len(master.patterns), dtype=bool)
    barred[whole] = True
    master.set_allowed(~barred)
    assert _cost(master, master.solve_ip(time.monotonic() + 10, gap=1e-9)) == pytest.approx(_cost(master, whole), abs=0.02)


def test_where_every_item_is_taken_whole_the_budgeted_search_replaces_the_pool_ip(monkeypatch) -> None:
    """Tiny-items (every bid takes its item whole, caps binding on several vendors): the pool
    search's first stage is the budgeted search, and the 3-per-item pool IP never runs."""
    from awards.engine import solve
    from awards.engine.master import Master
    from bench.generate import SIZES

    problem = generate(SIZES["300x30x4"], 8, "tiny-items")  # whole-only bids, two capped vendors or more
    calls: list[str] = []
    real_budgeted, real_ip = poolsearch._budgeted, Master.solve_ip

    def budgeted(search, *args, **kwargs):
        calls.append("budgeted")
        return real_budgeted(search, *args, **kwargs)

    def solve_ip(self, *args, **kwargs):
        calls.append("pool IP")
        return real_ip(self, *args, **kwargs)

    monkeypatch.setattr(poolsearch, "_budgeted", budgeted)
    monkeypatch.setattr(Master, "solve_ip", solve_ip)
    result = solve(problem, time_limit=3)
    assert result.status in ("optimal", "feasible")
    assert calls and calls[0] == "budgeted" and "pool IP" not in calls
    assert result.stats["budgeted_searches"] >= 1


def test_where_the_neighbourhoods_follow_the_pool_ip_runs_only_without_an_award(monkeypatch) -> None:
    """Caps binding on several vendors, items with capped bids (not whole-only): once an award
    made of pooled patterns is known the 3-per-item pool IP is skipped, and the neighbourhoods
    (with the budgeted search) take its window (README, twenty-sixth session)."""
    from awards.engine.master import Master

    calls: list[str] = []
    real_ip, real_neighbourhoods = Master.solve_ip, poolsearch.neighbourhoods

    def solve_ip(self, *args, start=None, **kwargs):
        calls.append("pool IP from an award" if start is not None else "pool IP")
        return real_ip(self, *args, start=start, **kwargs)

    def neighbourhoods(*args, **kwargs):
        calls.append("neighbourhoods")
        return real_neighbourhoods(*args, **kwargs)

    monkeypatch.setattr(Master, "solve_ip", solve_ip)
    monkeypatch.setattr(poolsearch, "neighbourhoods", neighbourhoods)
    _capped_solve()
    # (from an award, the pool IP runs only after them, once they stall: ``_stall_ip``)
    assert "neighbourhoods" in calls
    assert "pool IP from an award" not in calls[: calls.index("neighbourhoods")]


@pytest.mark.parametrize("time_left", ["enough", "too little"])
def test_once_the_neighbourhoods_stall_the_pool_ip_runs_over_the_grown_pool(monkeypatch, time_left: str) -> None:
    """The neighbourhoods stall at once (``lns.pool_lns`` finds nothing): with at least
    STALL_IP_MIN_SECONDS of the window left, the pool IP runs from the best award over each item's
    cheapest pooled patterns (those the perturbed pricing and split awards added included) and the
    tree's best node's patterns (a dear one here), once; with less, it does not (README,
    twenty-seventh session)."""
    from awards.engine import parse_problem
    from awards.engine.master import Master, Pattern
    from awards.engine.presolve import presolve

    if time_left == "too little":
        monkeypatch.setattr(poolsearch, "STALL_IP_MIN_SECONDS", 1e6)
    pooled: list[int] = []
    guided: list[bool] = []
    real_ip = Master.solve_ip
    data = _capped()
    # the tree's best node (none runs beside so small a search) names item 0 taken whole by its
    # dearest bid: no cheap pattern, but allowed in the IP all the same
    reduced = presolve(parse_problem(data))
    quantity = int(reduced.item_quantity[0])
    whole = [(float(reduced.seg_price[s]), b, s) for b in reduced.bids_of_item[0]
             for s in reduced.segments_of_bid[b] if reduced.seg_lo[s] <= quantity <= reduced.seg_hi[s]]
    _, bid, segment = max(whole)
    dear = {bid: (segment, quantity)}
    made = Pattern.make(reduced, 0, dear)
    monkeypatch.setattr(Search, "tree_guide", lambda self: [(0, dear, 1.0)])

    def solve_ip(self, *args, start=None, allowed=None, **kwargs):
        if start is not None:
            pooled.append(len(self.patterns))
            guided.append(any(bool(allowed[k]) for k, p in enumerate(self.patterns)
                              if p.item == 0 and p.award == made.award))
        return real_ip(self, *args, start=start, allowed=allowed, **kwargs)

    monkeypatch.setattr(Master, "solve_ip", solve_ip)
    monkeypatch.setattr(lns, "pool_lns", lambda *args, **kwargs: None)
    result = _capped_solve(data)
    if time_left == "enough":
        assert result.stats["stall_ips"] == 1 and len(pooled) == 1 and guided == [True]
        assert pooled[0] >= result.stats["patterns"] > 0
    else:
        assert "stall_ips" not in result.stats and not pooled
