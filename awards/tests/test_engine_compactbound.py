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


def test_it_takes_over_at_once_where_nodes_are_dear_later_where_they_are_cheap() -> None:
    def turn(pass_seconds: float, left: float) -> float | None:
        at = compactbound.turn_at(pass_seconds=pass_seconds, now=100.0, deadline=100.0 + left)
        return None if at is None else at - 100.0

    assert turn(0.45, 16) == 0.0  # items of 5,000-50,000 units: at once
    assert turn(0.45, 55) == 0.0
    assert turn(0.08, 16) == 8.0  # cheap nodes: branch-and-price first, for half the time left
    assert turn(0.005, 55) == 27.5
    assert turn(0.08, 14) is None  # the compact model would get 7 s: not at all
    assert turn(0.45, 6) is None  # too little time for it


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
    monkeypatch.setattr(compactbound, "turn_at", lambda **kwargs: kwargs["now"])
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
    for kind, *payload in messages:
        if kind == "award":
            assert payload[1] in ("compact model", "branch-and-price") and not violations(problem, payload[0])


def test_without_a_hand_over_the_child_stays_with_branch_and_price(monkeypatch) -> None:
    problem = parse_problem(generate(Size(12, 4, 3, share_cap=0.4), 1, "mixed-sizes"))
    monkeypatch.setattr(compactbound, "turn_at", lambda **kwargs: kwargs["now"])
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


def test_after_the_hand_over_each_better_award_goes_to_the_child() -> None:
    class Pipe_:
        def __init__(self) -> None:
            self.sent: list[tuple] = []

        def send(self, message) -> None:
            self.sent.append(message)

        def poll(self) -> bool:
            return False

    helper = object.__new__(background.BackgroundBound)
    helper._send, helper._receive = Pipe_(), Pipe_()
    helper._closed = helper.finished = helper._handed = helper._award_due = False
    helper._sent_best, helper._awards, helper._award_sent = 1000.0, [], -np.inf
    award = {"b1": 3}
    helper.poll(990.0, lambda: award)
    assert helper._send.sent == [("best", 990.0)]  # before the hand-over: the cost only
    helper.hand_over(980.0, award)
    helper.poll(980.0, lambda: award)  # nothing better since
    helper.poll(970.0, lambda: {"b1": 2})  # the cost at once; the award within a second
    helper.poll(965.0, lambda: {"b1": 1})
    assert helper._send.sent[1:] == [("hand over", 980.0, award), ("best", 970.0), ("best", 965.0)]
    time.sleep(background.AWARD_SECONDS)
    helper.poll(965.0, lambda: {"b1": 1})
    helper.poll(965.0, lambda: {"b1": 1})  # sent once
    assert helper._send.sent[4:] == [("hand over", 965.0, {"b1": 1})]
