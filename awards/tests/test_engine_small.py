"""Small solicitations (a dozen items, a few vendors), where the engine's big-problem phases have
little to do: the improvement phase starts with the exact restriction, and perturbed pricing ends
once it finds nothing new. The instance (``data/mixed-12-items.json``) is a review's: 12 items of
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
from awards.tests.test_engine_lns import _root

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
