"""The compact-model bound that the background child turns to on big items (awards/engine/
compactbound.py): its bound never passes the optimum, the awards it reports keep every rule, the
child turns to it only when the search hands over an award and branch-and-price could not afford
its nodes, and says which bound is whose."""

from __future__ import annotations

import importlib
import time
from decimal import Decimal
from multiprocessing import Pipe

import numpy as np
import pytest

from awards.engine import parse_problem, solve, violations
from awards.engine import background, compactbound
from awards.engine.colgen import generate_columns, initial_patterns
from awards.engine.master import Master
from awards.engine.plain import build_plain
from awards.engine.presolve import presolve
from awards.engine.pricing import ItemPricer
from awards.tests.test_engine_branching import _fuzzed, _small
from awards.tests.test_engine_bruteforce import brute_force
from bench.generate import Size, generate

solve_module = importlib.import_module("awards.engine.solve")


def _root(problem):
    reduced = presolve(problem)
    pricers = [ItemPricer(reduced, item) for item in range(len(problem.items))]
    master = Master(reduced)
    master.add(initial_patterns(reduced, pricers))
    return reduced, pricers, generate_columns(reduced, pricers, master, deadline=time.monotonic() + 10)


def test_it_is_chosen_only_with_time_left_and_dear_nodes() -> None:
    assert compactbound.worth_it(pass_seconds=0.45, seconds_left=16)  # items of 5,000-50,000 units
    assert not compactbound.worth_it(pass_seconds=0.45, seconds_left=6)  # too little time for it
    assert not compactbound.worth_it(pass_seconds=0.08, seconds_left=16)  # nodes cheap: 80 of them
    assert not compactbound.worth_it(pass_seconds=0.005, seconds_left=50)


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("shape", ["small", "fuzzed"])
def test_its_bound_never_passes_the_optimum_and_its_awards_keep_the_rules(shape: str, seed: int) -> None:
    problem = _small(seed) if shape == "small" else _fuzzed(seed, 1000)
    optimum, award = brute_force(problem)
    if optimum is None:
        pytest.skip("no award at all")
    reduced, pricers, root = _root(problem)
    bounds: list[float] = []
    found: list[dict[str, int]] = []
    for cutoff in (float(optimum) * 1.05 + 1, float(optimum)):  # loose, then the optimum itself
        bounds.clear()
        final = compactbound.compact_bound(
            reduced, pricers, root.duals, best_cost=cutoff, best_award=award,
            deadline=time.monotonic() + 10, stop=lambda: False, caller_best=lambda: cutoff,
            on_bound=bounds.append, on_award=found.append)
        assert final <= float(optimum) + 0.005 and all(value <= final + 1e-9 for value in bounds)
        assert bounds == sorted(bounds)
    for each in found:
        assert not violations(problem, each)
        cost = sum(Decimal(q) * next(t.unit_price for t in reversed(problem.bid_by_id[b].tiers)
                                     if t.min_quantity <= q) for b, q in each.items())
        assert cost >= optimum - Decimal("0.01")


def _optimum(problem) -> float:
    highs, _ = build_plain(problem)
    highs.setOptionValue("mip_rel_gap", 0.0)
    highs.run()
    return highs.getInfo().objective_function_value


def test_the_child_turns_to_it_at_the_hand_over_and_says_whose_bound_it_is(monkeypatch) -> None:
    """The child's own loop, in this process: branch-and-price until the search hands over its
    award, then the compact model, whose bound and awards come back labelled as its own."""
    problem = parse_problem(generate(Size(12, 4, 3, share_cap=0.4), 1, "mixed-sizes"))
    optimum = _optimum(problem)
    first = solve(problem, time_limit=0.3)  # some award to hand over
    handed = {a.bid: a.quantity for a in first.allocations}
    monkeypatch.setattr(compactbound, "worth_it", lambda **kwargs: True)
    child_receive, parent_send = Pipe(duplex=False)
    parent_receive, child_send = Pipe(duplex=False)
    parent_send.send(("hand over", float(first.total_cost), handed))
    background._branch(problem, time.monotonic() + 5, float(first.total_cost), child_receive, child_send, [0])
    messages = []
    while parent_receive.poll():
        messages.append(parent_receive.recv())
    bounds = [(value, source) for kind, value, *rest in messages if kind == "bound" for source in rest[1:]]
    assert bounds and bounds[-1][1] == "compact model bound"
    assert all(value <= optimum + 0.01 for value, _ in bounds)
    assert bounds[-1][0] >= optimum * (1 - 1e-6) or bounds[-1][0] >= max(v for v, s in bounds if s != "compact model bound")
    for kind, *payload in messages:
        if kind == "award":
            assert payload[1] in ("compact model", "branch-and-price") and not violations(problem, payload[0])


def test_without_a_hand_over_the_child_stays_with_branch_and_price(monkeypatch) -> None:
    problem = parse_problem(generate(Size(12, 4, 3, share_cap=0.4), 1, "mixed-sizes"))
    monkeypatch.setattr(compactbound, "worth_it", lambda **kwargs: True)
    child_receive, _parent_send = Pipe(duplex=False)
    parent_receive, child_send = Pipe(duplex=False)
    background._branch(problem, time.monotonic() + 1.5, np.inf, child_receive, child_send, [0])
    sources = set()
    while parent_receive.poll():
        message = parent_receive.recv()
        if message[0] == "bound":
            sources.add(message[3])
    assert sources == {"branch-and-price bound"}


def test_the_search_hands_over_its_award_after_the_first_pool_search(monkeypatch) -> None:
    from awards.tests.test_engine_branching import _Helper

    problem = parse_problem(generate(Size(40, 8, 3, share_cap=0.2), 2))
    helpers: list[_Helper] = []

    def start(cls, problem, deadline, best_cost):
        helpers.append(_Helper(-np.inf, {}))
        return helpers[-1]

    monkeypatch.setattr(solve_module, "BRANCH_CHILD_SECONDS", 0.0)
    monkeypatch.setattr(solve_module.BackgroundBound, "start", classmethod(start))
    monkeypatch.setattr(solve_module, "improve", lambda *args: False)
    solve(problem, time_limit=2)
    assert len(helpers) == 1
    cost, award = helpers[0].handed
    assert award and not violations(problem, award)
