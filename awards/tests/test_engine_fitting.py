"""Items too big for any one vendor under a share cap (``colgen.fitting_patterns``,
``poolsearch._first_award``): where an item's cheapest award costs more than the cap, pricing
returns it whole anyway and the master LP mixes such awards; the splits that keep every vendor
within the cap of the bound are pooled, and the master LP over the patterns within the caps,
rounded and repaired, gives a first award where the other searches found none (mixed-sizes
300x30x4 seeds 9 and 16; here a 40-item instance of that family)."""

from __future__ import annotations

import importlib
import time

import numpy as np
import pytest

from awards.engine import parse_problem, solve, violations
from awards.engine.colgen import fitting_patterns
from awards.engine.heuristics import award_cost
from awards.engine.search import Search
from awards.tests.test_engine_branching import _root
from bench.generate import Size, generate

poolsearch = importlib.import_module("awards.engine.poolsearch")
engine_solve = importlib.import_module("awards.engine.solve")

SHARE = 0.15


def _problem():
    # one of its items costs more than 15% of the whole buy at any vendor's price
    return parse_problem(generate(Size(40, 8, 3, share_cap=SHARE), 2, "mixed-sizes"))


def _spends(reduced, pattern) -> dict[int, float]:
    spend: dict[int, float] = {}
    for b, s, q in pattern.award:
        vendor = reduced.bid_vendor[b]
        spend[vendor] = spend.get(vendor, 0.0) + float(reduced.seg_price[s]) * q
    return spend


def _too_big(reduced, patterns, limit: float) -> set[int]:
    """The items of which every pooled pattern gives some vendor more than ``limit``."""
    fits = {p.item for p in patterns if max(_spends(reduced, p).values()) <= limit}
    return {p.item for p in patterns} - fits


def test_the_splits_keep_every_vendor_within_the_cap_of_the_bound() -> None:
    problem = _problem()
    reduced, pricers, master, root = _root(problem)
    limit = SHARE * root.lower_bound
    big = _too_big(reduced, master.patterns, limit)
    assert big  # the instance holds what the test is about
    found = fitting_patterns(reduced, pricers, root.duals, root.lower_bound, time.monotonic() + 10)
    assert {pattern.item for pattern in found} >= big
    for pattern in found:
        assert sum(q for _, _, q in pattern.award) == pricers[pattern.item].quantity
        spend = _spends(reduced, pattern)
        assert len(spend) >= 2 and max(spend.values()) <= limit + 0.01
    # every one is new to the pool: pricing at the master's prices never returns such a split
    assert not {(p.item, p.award) for p in found} & {(p.item, p.award) for p in master.patterns}
    # nothing without a cap to split for
    assert fitting_patterns(reduced, pricers, root.duals, np.inf, time.monotonic() + 10) == []
    assert fitting_patterns(reduced, pricers, root.duals, 1e30, time.monotonic() + 10) == []


@pytest.mark.parametrize("with_splits", [True, False])
def test_a_first_award_within_the_caps_from_the_rounded_lp(with_splits: bool) -> None:
    problem = _problem()
    reduced, pricers, master, root = _root(problem)
    if with_splits:
        master.add(fitting_patterns(reduced, pricers, root.duals, root.lower_bound, time.monotonic() + 10))
    search = Search(problem, reduced, time.monotonic(), time.monotonic() + 30)
    search.raise_bound(root.lower_bound, "lagrangian bound")
    poolsearch._first_award(search, master, time.monotonic() + 10)
    if not with_splits:  # the LP has no award of the big item within the caps to mix
        assert search.best is None
        return
    assert search.best is not None and search.found_by == "pattern pool within the caps"
    assert not violations(problem, search.bid_award(search.best))
    # a first award to improve on, not a poor one: within 5% of the bound (2.5% here)
    assert award_cost(reduced, search.best) <= root.lower_bound * 1.05
    # the master's patterns are all allowed again afterwards
    duals, _ = master.solve_lp()
    assert duals.value == pytest.approx(root.lp_value, rel=1e-9)


def test_the_engine_proves_an_award_where_no_vendor_may_take_an_item_whole() -> None:
    # (it ends once proven: about 6 s here alone; a CI pass on a machine ~2.8x slower than the
    # usual, with browser tests beside it, once needed more than 10 s, 2026-12-07)
    result = solve(_problem(), time_limit=60)
    assert result.status == "optimal"
    assert not violations(_problem(), {a.bid: a.quantity for a in result.allocations})


class _Tree:
    """A background tree that has sent one award (bid id -> units) and a bound equal to its cost."""

    def __init__(self, award: dict[str, int] | None, value: float) -> None:
        self.award, self.value, self.source = award, value, "branch-and-price bound"

    def has_awards(self) -> bool:
        return self.award is not None

    def drain(self) -> None:
        pass

    def poll(self, best_cost: float) -> list:
        award, self.award = self.award, None
        return [] if award is None else [(award, "branch-and-price")]


@pytest.mark.parametrize("tree_sends", [True, False])
def test_the_search_for_a_first_award_ends_when_the_tree_sends_one(monkeypatch, tree_sends: bool) -> None:
    improve = importlib.import_module("awards.engine.improve")
    from awards.engine.heuristics import SearchOutcome
    from awards.engine.presolve import presolve

    problem = _problem()
    reduced = presolve(problem)
    result = solve(problem, time_limit=10)
    award = {a.bid: a.quantity for a in result.allocations}
    search = Search(problem, reduced, time.monotonic(), time.monotonic() + 30)
    search.helper = _Tree(award if tree_sends else None, float(result.total_cost))
    asked: list[bool] = []

    def restricted_search(reduced, keep, incumbent, deadline, *, gap, enough=None, **_):
        assert keep.all() and incumbent is None
        asked.append(enough(0.0))  # as HiGHS's interrupt callback asks it
        # interrupted: nothing found, nothing proven; else as if it proved there is no award
        return SearchOutcome(None, -np.inf, False) if asked[-1] else SearchOutcome(None, np.inf, True)

    monkeypatch.setattr(improve, "restricted_search", restricted_search)
    infeasible = improve.improve(search, np.zeros(len(reduced.segments)), None, {})
    assert asked == [tree_sends]
    if tree_sends:  # the tree's award taken at once (and its bound proves it)
        assert not infeasible and search.found_by == "branch-and-price" and search.done()
    else:  # the search ran to its end and its answer stands
        assert infeasible and search.best is None
