"""The award engine: presolve, bound, search, and an exactly priced answer.

1. Presolve bids into priced segments (``presolve``); items nobody can cover, or a share cap
   that needs more vendors than have bid, are reported as infeasible right away.
2. Column generation over per-item award patterns (``colgen``) gives the Lagrangian (Dantzig-
   Wolfe) lower bound -- the per-item structure solved exactly by DP -- and a near-integral LP.
3. Starting awards: feasible baselines, the LP's patterns, and the best combination of pooled
   patterns (``master.solve_ip``).
4. Improvement: HiGHS on the compact model restricted to segments whose Lagrangian bound is
   within a growing fraction of the gap, tier choices integer and quantities continuous, then
   repaired to whole units. When the fraction reaches the whole gap the restriction is exact
   (bound-based fixing), so HiGHS's bound there also bounds the problem.
5. Every award is checked and priced exactly (``rules``); the gap reported is against the best
   proven bound.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

import numpy as np

from .baseline import baselines
from .bounds import SegmentBounds
from .colgen import generate_columns, initial_patterns
from .diagnose import explain, uncoverable_item, vendor_shortage
from .heuristics import (
    Award,
    award_cost,
    award_from_patterns,
    exact_ok,
    greedy_by_patterns,
    restricted_search,
)
from .master import SHARE_MARGIN, Master, Pattern
from .model import Problem
from .presolve import Reduced, presolve
from .pricing import ItemPricer
from .result import FEASIBLE, INFEASIBLE, OPTIMAL, UNKNOWN, Result, priced_result
from .rules import violations
from .validate import parse_problem


class Search:
    """Best award and best bound so far, with the deadline."""

    def __init__(self, problem: Problem, reduced: Reduced, started: float, deadline: float) -> None:
        self.started = started
        self.trace: list[dict[str, Any]] = []  # when the best award or the bound improved
        self.problem = problem
        self.reduced = reduced
        self.deadline = deadline
        self.target = problem.options.relative_gap
        self.best: Award | None = None
        self.best_cost = np.inf
        self.lower_bound = -np.inf
        self.sources: dict[str, int] = {}
        self.found_by = ""

    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    def gap(self) -> float:
        if self.best is None:
            return np.inf
        return max(0.0, (self.best_cost - self.lower_bound) / max(abs(self.best_cost), 1e-9))

    def done(self) -> bool:
        return self.best is not None and (
            self.gap() <= self.target or self.best_cost - self.lower_bound <= 0.005
        )

    def bid_award(self, award: Award) -> dict[str, int]:
        return {self.reduced.bids[b].id: q for b, (_, q) in award.items() if q > 0}

    def offer(self, award: Award | None, source: str) -> bool:
        """Keep the award if it is cheaper and passes the exact check of every rule."""
        if award is None:
            return False
        cost = award_cost(self.reduced, award)
        if cost >= self.best_cost - 1e-6 or violations(self.problem, self.bid_award(award)):
            return False
        self.best, self.best_cost, self.found_by = award, cost, source
        self.sources[source] = self.sources.get(source, 0) + 1
        self._record(source)
        return True

    def _record(self, source: str) -> None:
        def money(value: float) -> float | None:
            return round(float(value), 2) if np.isfinite(value) else None

        self.trace.append({"seconds": round(time.monotonic() - self.started, 3), "event": source,
                           "best": money(self.best_cost), "bound": money(self.lower_bound)})

    def raise_bound(self, bound: float, source: str) -> None:
        if np.isfinite(bound) and min(bound, self.best_cost) > self.lower_bound + 1e-9 * abs(bound):
            self.lower_bound = min(bound, self.best_cost)
            self._record(source)


def _as_reduced(reduced: Reduced, award: Mapping[str, int]) -> Award | None:
    """A bid-id award in reduced indices (None if some quantity fits no surviving segment)."""
    position = {bid.id: index for index, bid in enumerate(reduced.bids)}
    result: Award = {}
    for bid_id, quantity in award.items():
        if quantity <= 0:
            continue
        b = position.get(bid_id)
        if b is None:
            return None
        segment = next(
            (s for s in reduced.segments_of_bid[b] if reduced.seg_lo[s] <= quantity <= reduced.seg_hi[s]), None
        )
        if segment is None:
            return None
        result[b] = (segment, quantity)
    return result


def _patterns(reduced: Reduced, award: Award) -> list[Pattern]:
    per_item: dict[int, dict[int, tuple[int, int]]] = {}
    for b, entry in award.items():
        per_item.setdefault(reduced.bid_item[b], {})[b] = entry
    return [Pattern.make(reduced, item, entries) for item, entries in per_item.items()]


def _infeasible(problem: Problem, reasons: list[str], stats: dict[str, Any]) -> Result:
    message = "No award satisfies the rules: " + "; ".join(reasons) + "."
    result = Result(status=INFEASIBLE, message=message, stats={**stats, "reasons": reasons})
    return result


def _pool_ip(
    search: Search, master: Master, duals, item_values: np.ndarray, master_total: float, seconds: float
) -> None:
    """Best combination of pooled patterns, among each item's cheapest few at the duals."""
    costs = master.reduced_costs(duals, item_values)
    items = np.array([pattern.item for pattern in master.patterns])
    allowed = np.zeros(len(costs), dtype=bool)
    order = np.lexsort((costs, items))
    rank = np.zeros(len(costs), dtype=int)
    previous, count = -1, 0
    for k in order:
        count = count + 1 if items[k] == previous else 0
        previous = items[k]
        rank[k] = count
    allowed = rank < 8
    greedy = greedy_by_patterns(search.reduced, master.patterns, costs, master_total)
    search.offer(greedy, "greedy on patterns")
    start = None
    if search.best is not None:
        keys = {(pattern.item, pattern.award): k for k, pattern in enumerate(master.patterns)}
        start = [keys.get((p.item, p.award)) for p in _patterns(search.reduced, search.best)]
        start = None if None in start else start
        if start is not None:
            allowed[start] = True
    for margin in (0.0, SHARE_MARGIN):
        chosen = master.solve_ip(seconds / 2, allowed=allowed, start=start, gap=max(search.target / 2, 1e-7),
                                 margin=margin)
        if chosen is None:
            return
        award = award_from_patterns([master.patterns[k] for k in chosen])
        if exact_ok(search.reduced, award):
            search.offer(award, "pattern pool")
            return


def _improve(search: Search, per_segment: np.ndarray, stats: dict[str, Any]) -> bool:
    """Restricted searches over growing fractions of the gap, until proven or out of time.

    Returns True when the problem is proven infeasible (the unrestricted search found nothing).
    """
    fraction = 0.02
    rounds = 0
    keep = np.ones(len(per_segment), dtype=bool)
    while not search.done() and search.remaining() > 0.5:
        had_incumbent = search.best is not None
        exact = fraction >= 1.0 or not had_incumbent
        if had_incumbent:
            gap = search.best_cost - search.lower_bound
            keep = per_segment <= search.lower_bound + min(fraction, 1.0) * gap + 1e-6
            keep[[s for s, _ in search.best.values()]] = True
        budget = search.remaining() if exact else max(search.remaining() * 0.4, 1.0)
        outcome = restricted_search(
            search.reduced,
            keep,
            search.best,
            min(budget, search.remaining()),
            gap=max(search.target / 4, 1e-7),
            cutoff=search.best_cost if had_incumbent else None,
        )
        rounds += 1
        search.offer(outcome.award, "restricted search")
        if not had_incumbent:
            if search.best is None:
                stats["restricted_searches"] = rounds
                return outcome.solved and outcome.bound == np.inf
            continue
        if exact:
            search.raise_bound(outcome.bound, "restricted search bound")
            if not search.done() and search.remaining() > 0.5:
                # the continuous-quantity bound fell short: the same restriction in whole units
                keep = per_segment <= search.best_cost + 1e-6
                keep[[s for s, _ in search.best.values()]] = True
                outcome = restricted_search(search.reduced, keep, search.best, search.remaining(),
                                            gap=max(search.target / 4, 1e-7), cutoff=search.best_cost,
                                            whole_units=True)
                rounds += 1
                search.offer(outcome.award, "restricted search")
                search.raise_bound(outcome.bound, "restricted search bound")
            break
        fraction *= 4
    stats["restricted_searches"] = rounds
    stats["segments_kept_at_end"] = int(keep.sum())
    return False


def solve(problem: Problem | Mapping[str, Any], *, time_limit: float | None = None) -> Result:
    """Solve an award problem (a ``Problem`` or a problem dict); see the package README."""
    started = time.monotonic()
    if not isinstance(problem, Problem):
        problem = parse_problem(problem)
    limit = float(time_limit if time_limit is not None else problem.options.time_limit_seconds)
    result = _solve(problem, started, started + limit)
    result.solve_seconds = time.monotonic() - started
    return result


def _solve(problem: Problem, started: float, deadline: float) -> Result:
    stats: dict[str, Any] = {}
    bases = baselines(problem)
    reduced = presolve(problem)
    stats.update(
        bids=len(problem.bids), bids_kept=len(reduced.bids), segments=len(reduced.segments),
        presolve_seconds=round(time.monotonic() - started, 3),
    )
    reasons = [uncoverable_item(problem, problem.items[i]) for i, bids in enumerate(reduced.bids_of_item)
               if not bids]
    shortage = vendor_shortage(problem, reduced)
    if reasons or shortage:
        result = _infeasible(problem, reasons + ([shortage] if shortage else []), stats)
        result.baselines = bases
        return result

    search = Search(problem, reduced, started, deadline)
    pricers = [ItemPricer(reduced, item) for item in range(len(problem.items))]
    master = Master(reduced)
    master.add(initial_patterns(reduced, pricers))
    for baseline in bases:
        if baseline.feasible and search.offer(_as_reduced(reduced, baseline.award), "baseline"):
            master.add(_patterns(reduced, search.best))
    column_deadline = started + 0.35 * (deadline - started)
    bound = generate_columns(reduced, pricers, master, deadline=column_deadline)
    stats.update(column_generation_rounds=bound.rounds, patterns=len(master.patterns))
    if bound.infeasible_items:
        reasons = [uncoverable_item(problem, problem.items[i]) for i in bound.infeasible_items]
        result = _infeasible(problem, reasons, stats)
        result.baselines = bases
        return result
    search.raise_bound(bound.lower_bound, "lagrangian bound")
    lp_patterns = [master.patterns[k] for k in np.flatnonzero(bound.z > 1 - 1e-9)]
    if len(lp_patterns) == len(problem.items):  # the LP chose one whole pattern per item
        search.offer(award_from_patterns(lp_patterns), "column generation")

    if master.slack_used() > 1e-6 and search.best is None:
        reasons = explain(problem, max(search.remaining(), 1.0))
        if reasons:
            result = _infeasible(problem, reasons, stats)
            result.baselines = bases
            return result

    if not search.done() and bound.duals is not None:
        segment_bounds = SegmentBounds(reduced, pricers)
        lagrangian, per_segment = segment_bounds.compute(bound.duals)
        if master.slack_used() <= 1e-6:
            search.raise_bound(lagrangian, "lagrangian bound")
        item_values = np.array([0.0] * len(problem.items))
        if not search.done() and search.remaining() > 1.0:
            adjusted = reduced.seg_price * bound.duals.factor[reduced.seg_bid]
            item_values = np.array([p.price(adjusted, bound.duals.factor, bound.duals.fixed,
                                             with_award=False)[0] for p in pricers])
            _pool_ip(search, master, bound.duals, item_values, bound.lp_value,
                     min(0.15 * (deadline - started), search.remaining() / 2))
        if not search.done() and _improve(search, per_segment, stats):
            result = _infeasible(problem, explain(problem, max(search.remaining(), 2.0)), stats)
            result.baselines = bases
            return result

    stats["found_by"] = search.found_by
    stats["trace"] = search.trace
    stats["lower_bound_source"] = "lagrangian" if search.lower_bound < search.best_cost else "search"
    if search.best is None:
        result = Result(status=UNKNOWN, message="No award was found within the time limit; the "
                        "problem was not proven infeasible. Allow more time.", stats=stats)
        result.baselines = bases
        return result
    status = OPTIMAL if search.done() else FEASIBLE
    message = (
        "Optimal award (within the requested gap)." if status == OPTIMAL
        else "Best award found within the time limit; the gap to the proven bound is reported."
    )
    result = priced_result(problem, status, message, search.bid_award(search.best), search.lower_bound)
    result.baselines = bases
    result.stats = stats
    return result
