"""Small solicitations (a dozen items, a few vendors), where the engine's big-problem phases have
little to do: the improvement phase starts with the exact restriction, and perturbed pricing ends
once it finds nothing new; and the pool IP ending at an answer the search's bound proves. The instance (``data/mixed-12-items.json``) is a review's: 12 items of
1 to 36,532 units, 3 vendors, a 40% share cap, 105 segments; its Dantzig-Wolfe bound lies 0.8%
below the optimum (21,484,463.38), which plain HiGHS proves in about 2 s and the engine, before,
in 6.5-7 s (awards/engine/README.md, fourteenth session)."""

from __future__ import annotations

import importlib
import json
import time
from decimal import Decimal
from pathlib import Path

import numpy as np

import awards.engine.improve as improve_module
from awards.engine import parse_problem, solve, violations
from awards.engine.colgen import perturbed_patterns
from awards.engine.heuristics import award_from_patterns
from awards.tests.test_engine_lns import _root
from bench.generate import SIZES, generate

solve_module = importlib.import_module("awards.engine.solve")  # (the package's ``solve`` is the function)

DATA = Path(__file__).parent / "data" / "mixed-12-items.json"
OPTIMUM = Decimal("21484463.38")


def _problem():
    return parse_problem(json.loads(DATA.read_text()))


def test_a_small_problem_starts_with_the_exact_restriction(monkeypatch) -> None:
    """No branch-and-price beside it, so the improvement phase must prove the optimum; its first
    restriction is the whole gap (exact), not 5% of it then 15% and 45% (a second each here)."""
    calls: list[str] = []
    real_exact, real_search = improve_module._exact_round, improve_module.restricted_search
    monkeypatch.setattr(improve_module, "_exact_round", lambda *a: calls.append("exact") or real_exact(*a))
    monkeypatch.setattr(improve_module, "restricted_search",
                        lambda *a, **k: calls.append("restricted") or real_search(*a, **k))
    monkeypatch.setattr(solve_module.BackgroundBound, "start", classmethod(lambda cls, *a: None))
    problem = _problem()
    result = solve(problem, time_limit=60)
    assert result.status == "optimal" and result.total_cost == OPTIMUM
    assert not violations(problem, {a.bid: a.quantity for a in result.allocations})
    assert calls and calls[0] == "exact"
    assert result.stats["bound_by"] == "restricted search bound"


def test_perturbed_pricing_ends_once_nothing_new_comes() -> None:
    """Rounds of random share prices on a few items soon give only awards already found: it ends
    (``colgen.STALE_ROUNDS``) instead of pricing until its deadline, each award returned once."""
    reduced, pricers, _, root = _root(_problem())
    assert (root.duals.mu > 1e-9).sum() >= 1
    started = time.monotonic()
    found = perturbed_patterns(reduced, pricers, root.duals, started + 60)
    assert found and time.monotonic() - started < 30
    assert len({(pattern.item, pattern.award) for pattern in found}) == len(found)


def test_the_pool_ip_ends_at_an_answer_that_is_enough() -> None:
    """``Master.solve_ip(enough=...)``: asked at each answer HiGHS finds (the engine asks whether
    the search's bound proves it); a yes ends the IP with that answer, a whole award."""
    problem = parse_problem(generate(SIZES["300x30x4"], 0, "tiny-items"))
    reduced, _, master, _ = _root(problem)
    asked: list[float] = []
    chosen = master.solve_ip(time.monotonic() + 60, enough=lambda cost: asked.append(cost) or True)
    assert chosen is not None and len(chosen) == len(problem.items) and 1 <= len(asked) <= 2
    assert abs(sum(master.patterns[k].cost for k in chosen) - asked[-1]) < 0.01
    assert not violations(problem, {reduced.bids[b].id: q for b, (_, q) in
                                    award_from_patterns([master.patterns[k] for k in chosen]).items() if q})


def test_an_exact_restricted_search_ends_once_its_bound_is_enough() -> None:
    """The exact restriction's HiGHS run is ended from its interrupt callback once ``enough`` (the
    search's ``would_prove``) says its dual bound proves the best award: its bound then still
    holds, and it is not called solved."""
    from awards.engine.baseline import baselines
    from awards.engine.heuristics import as_reduced, award_cost, restricted_search
    from awards.engine.presolve import presolve

    problem = _problem()
    reduced = presolve(problem)
    # the careful buyer's award (within the cap, biggest items first): well above the optimum
    incumbent = as_reduced(reduced, next(b.award for b in baselines(problem) if b.feasible))
    keep = np.ones(len(reduced.segments), dtype=bool)
    cost = award_cost(reduced, incumbent)
    assert cost > float(OPTIMUM) * 1.001
    asked: list[float] = []

    def enough(bound: float) -> bool:
        asked.append(bound)
        return True

    outcome = restricted_search(reduced, keep, incumbent, time.monotonic() + 20, gap=1e-7, cutoff=cost,
                                enough=enough)
    assert asked and not outcome.solved
    assert outcome.bound <= float(OPTIMUM) + 0.005
    whole = restricted_search(reduced, keep, incumbent, time.monotonic() + 20, gap=1e-7, cutoff=cost)
    assert whole.solved and whole.award is not None  # (its bound: quantities relaxed, so below the optimum)


def test_would_prove_counts_the_background_bound_and_records_nothing() -> None:
    from awards.engine.presolve import presolve
    from awards.engine.search import Search
    from awards.tests.test_engine_branching import _Helper

    problem = _problem()
    search = Search(problem, presolve(problem), time.monotonic(), time.monotonic() + 10)
    search.target = 1e-4
    assert not search.would_prove(1e12)  # no award yet: nothing to prove
    search.best, search.best_cost, search.lower_bound = {}, 1_000_000.0, 990_000.0
    assert search.would_prove(999_910.0) and not search.would_prove(999_890.0)
    assert search.would_prove(2e6)  # a bound above the best: nothing cheaper exists
    search.helper = _Helper(999_950.0, {})
    assert search.would_prove(0.0)  # the background bound proves it already
    assert search.trace == [] and search.lower_bound == 990_000.0
