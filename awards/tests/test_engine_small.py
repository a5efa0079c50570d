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

import awards.engine.improve as improve_module
from awards.engine import parse_problem, solve, violations
from awards.engine.colgen import perturbed_patterns
from awards.engine.heuristics import award_from_patterns
from awards.tests.test_engine_lns import _root
from bench.generate import SIZES, generate

solve_module = importlib.import_module("awards.engine.solve")  # (the package's ``solve`` is the function)

DATA = Path(__file__).parent / "data" / "mixed-12-items.json"


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
    assert result.status == "optimal" and result.total_cost == Decimal("21484463.38")
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
