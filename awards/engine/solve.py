"""The award engine: presolve, bound, search, and an exactly priced answer.

1. Presolve bids into priced segments (``presolve``); items nobody can cover, or a share cap
   that needs more vendors than have bid, are reported as infeasible right away.
2. Column generation over per-item award patterns (``colgen``) gives the Lagrangian (Dantzig-
   Wolfe) lower bound -- each item's integer structure solved exactly by DP -- and a master LP
   solution that is nearly integral.
3. Starting awards (``poolsearch``): feasible baselines, the LP if integral, a greedy over the
   pooled patterns, and HiGHS choosing among each item's cheapest pooled patterns
   (``master.solve_ip``); where a share cap binds on two vendors or more, then patterns priced at
   perturbed share prices, split awards (a capped vendor's bid at exactly a tier start or its
   capacity) and the background branch-and-price's are pooled, HiGHS chooses among the pooled
   patterns whose reduced cost is within a growing fraction of the gap, then re-chooses a few
   dozen items at a time over the pool (``lns``), some of them those where the tree's best open
   node differs from the best award.
   Where a share cap binds and the items are small, every item's awards within the gap are
   listed, projected on the capped vendors (``projection``): HiGHS over the lists gives a bound
   above the Dantzig-Wolfe one and, often, the best award.
4. Improvement (``improve``): re-award together the items where the best award and the LP
   disagree (RINS); then HiGHS on the compact model restricted to segments whose Lagrangian
   bound is within a growing fraction of the gap (tier choices integer, quantities continuous,
   then repaired to whole units), or a few dozen items at a time when that is too big. At the
   whole gap the restriction is exact (bound-based fixing), so its bound bounds the problem.
5. Every award is checked and priced exactly (``rules``); the gap reported is against the best
   proven bound.

A caller may stop the search early (``should_stop``, e.g. a person pressing "Stop and keep the
best award found"): it is asked between column-generation rounds, in the improvement loops and
from inside every HiGHS MIP (its interrupt callback), at most every
``search.STOP_CHECK_SECONDS``. The search (its state: ``search.Search``) then ends as at its
time limit, with the best award so far, its proven bound and gap, and the status ``stopped``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from .background import BackgroundBound
from .branching import NODE_PASSES  # pricing passes a node costs
from .baseline import baselines
from .bounds import SegmentBounds
from .colgen import fitting_patterns, generate_columns, initial_patterns
from .diagnose import explain, uncoverable_item, vendor_shortage
from .highs import abandoned_mips, stop_check, stopped
from .heuristics import Award, as_reduced, award_from_patterns, award_patterns
from .improve import LPGuide, improve
from . import lns
from .master import Master
from .model import Problem
from .poolsearch import ENUMERATION_SHARE, pool_search
from .presolve import presolve
from .projection import EnumerationSearch
from .pricing import ItemPricer
from .result import FEASIBLE, INFEASIBLE, OPTIMAL, STOPPED, UNKNOWN, Result, priced_result
from .search import Search, StopRequest
from .validate import parse_problem


POOL_SHARE = 0.4  # of the time limit, at most, for the search over pooled patterns (0.15 until 2026-12-04)
POOL_OF_REMAINING = 0.5  # ... and of the time left after the bound
# Where neighbourhoods apply (a share cap binding on two vendors or more, no bundles; ``lns``):
# of the time limit, at most, for pool IP + perturbed patterns + neighbourhoods (0.85 until
# 2026-12-05: with the tree guiding them the neighbourhoods win later; at 0.95 heavy-tail seed 2
# and mixed-sizes seed 1 were proven at 10 s, 0.0147% and 0.0114% at 0.85, the rest alike)
NEIGHBOURHOOD_SHARE = 0.95
NEIGHBOURHOOD_OF_REMAINING = 0.98  # ... and of the time left after the bound (0.9 until 2026-12-05)
# Branch-and-price on the master in a child process (``background.BackgroundBound``) beside the
# search: where the master LP mixes awards of small items it raises the bound (by 0.004-0.02% of the
# cost in seconds on tiny-items, 0.004% on base), but each node costs a few pricing passes, so
# where it does not start early (below) it starts after column generation, and only where the
# time left affords BRANCH_MIN_NODES such nodes.
BRANCH_MIN_NODES = 20
EARLY_KEEP_NODES = 5  # a child started early is stopped after column generation if the time left
# does not afford this many nodes (heavy-tail 1000x50x5 at 10 s: it never got past its own)
BRANCH_CHILD_SECONDS = 1.0  # a fresh interpreter importing the engine, with room, before its nodes
# On a big problem (EARLY_BRANCH_MIN_SEGMENTS segments or more, EARLY_BRANCH_MIN_SECONDS left) it
# starts at once instead, before the engine's own column generation, and does its own on the other
# core, so its nodes start seconds earlier, whatever a pass costs: on heavy-tail 300x30x4 (0.4 s a
# pass) 10-14 nodes raise the bound by about 0.0001% in 10 s, enough to prove seed 1, and base and
# tiny-items gain a little (awards/engine/README.md, tenth session).
EARLY_BRANCH_MIN_SEGMENTS = 2_000
EARLY_BRANCH_MIN_SECONDS = 5.0
LAST_STEP_MIN_SECONDS = 1.0  # time left below which the last enumeration does not start ...
IMPROVE_MIN_SECONDS = 0.7  # ... and the improvement phase (it stops with 0.5 s left) does not start
FITTING_SHARE = 0.05  # of the time left, at most, for the splits of items too big for one vendor


def _infeasible(problem: Problem, reasons: list[str], stats: dict[str, Any], bases) -> Result:
    message = "No award satisfies the rules: " + "; ".join(reasons) + "."
    return Result(status=INFEASIBLE, message=message, baselines=bases, stats={**stats, "reasons": reasons})


def _guide(master: Master, bound) -> LPGuide:
    """What the LP-guided search (``improve.guided``) compares the best award with: the root
    master LP's patterns. (The background tree's best open node guided it in an early run before
    the neighbourhoods until 2026-12-06; in the improvement phase the root LP did better: tiny-items
    seed 0 ended at 0.0105% instead of 0.012-0.013%.)"""
    patterns = [master.patterns[k] for k in np.flatnonzero(bound.z > 1e-6)]
    by_item: dict[int, set[tuple]] = {}
    vendors: dict[int, set[int]] = {}
    for pattern in patterns:
        by_item.setdefault(pattern.item, set()).add(pattern.award)
        vendors.setdefault(pattern.item, set()).update(master.reduced.bid_vendor[b] for b, _, _ in pattern.award)
    return LPGuide(by_item, vendors, {int(v) for v in np.flatnonzero(bound.duals.mu > 1e-9)})


def solve(problem: Problem | Mapping[str, Any], *, time_limit: float | None = None,
          on_progress: Callable[[dict[str, Any]], None] | None = None,
          should_stop: Callable[[], bool] | None = None) -> Result:
    """Solve an award problem (a ``Problem`` or a problem dict); see the package README.

    `on_progress`, if given, is called whenever the best award or the lower bound improves, with
    the new entry of ``stats["trace"]`` (seconds, event, best, bound); an exception it raises
    stops the search and propagates (e.g. a cancelled background job).

    `should_stop`, if given, is asked regularly (at most every ``search.STOP_CHECK_SECONDS``); once it
    answers True the search ends as at its time limit: the best award so far with its proven
    bound and gap, status ``stopped`` (``unknown`` if no award was found yet; ``optimal`` if the
    gap was closed anyway)."""
    started = time.monotonic()
    if not isinstance(problem, Problem):
        problem = parse_problem(problem)
    limit = float(time_limit if time_limit is not None else problem.options.time_limit_seconds)
    stop = StopRequest(should_stop)
    with stop_check(stop if should_stop is not None else None):
        result = _solve(problem, started, started + limit, on_progress)
    if stop.requested:
        result.stats["stopped_by_user"] = True
    result.solve_seconds = time.monotonic() - started
    return result


class Phases:
    """Seconds spent per phase, for the stats."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.mark = time.monotonic()

    def done(self, name: str) -> None:
        now = time.monotonic()
        self.seconds[name] = round(self.seconds.get(name, 0.0) + now - self.mark, 3)
        self.mark = now


def _search(search: Search, master: Master, pricers: list[ItemPricer], bound, segment_bounds: SegmentBounds,
            item_values: np.ndarray, started: float, deadline: float, stats: dict[str, Any], phases: Phases) -> None:
    """The pool search, then the improvement phase (``improve``); sets stats["proven_infeasible"]
    if the latter proves there is no award at all."""
    reduced = search.reduced
    enumeration = EnumerationSearch(pricers, bound.duals, item_values)
    if not search.done():
        neighbourhoods = lns.applies(reduced, bound.duals.mu)
        share, of_remaining = ((NEIGHBOURHOOD_SHARE, NEIGHBOURHOOD_OF_REMAINING) if neighbourhoods
                               else (POOL_SHARE, POOL_OF_REMAINING))
        pool_deadline = time.monotonic() + min(share * (deadline - started), of_remaining * search.remaining())
        # (the LP-guided search, ``improve.guided``, guided by the tree's best open node, ran here
        # between the pool IP and the neighbourhoods for 10% of the limit until 2026-12-06: on
        # heavy-tail and mixed-sizes 300x30x4 it cost about 1 s and improved the award once in 10
        # runs; without it heavy-tail was proven 8 of 10 times instead of 6, mixed-sizes 10 of 10;
        # awards/engine/README.md, twenty-second session)
        pool_search(search, master, bound.duals, item_values, bound.lp_value, pool_deadline,
                    pricers if neighbourhoods else None, stats, enumeration=enumeration)
        phases.done("pattern_search")
    # (each step below may run a few tenths of a second past its share: HiGHS's presolve in the
    # enumeration's relaxation does not look at the clock, and the per-segment bounds take 0.15 s
    # on 300x30x4; started in the last second they ended 0.2-0.5 s past the limit on mixed-sizes)
    if not search.done() and not stopped() and search.remaining() >= LAST_STEP_MIN_SECONDS:
        enumeration.attempt(search, min(deadline, time.monotonic() + ENUMERATION_SHARE * search.remaining()))
        phases.done("enumeration")
    if not search.done() and not stopped() and (search.best is None or search.remaining() >= IMPROVE_MIN_SECONDS):
        per_segment = segment_bounds.per_segment(bound.duals, item_values)
        phases.done("bounds")
        stats["proven_infeasible"] = improve(search, per_segment, _guide(master, bound), stats)
        phases.done("restricted_search")


def _bound_and_search(search: Search, bases, offered: list[Award], stats: dict[str, Any], phases: Phases,
                      started: float, deadline: float) -> Result | None:
    """Column generation (the Lagrangian bound), then the search (``_search``); a Result only if
    column generation finds an item no award can cover (with the ``bases``, the baselines).
    ``offered``: the baseline awards the search took (their patterns start the pool). Starts
    branch-and-price beside the search if ``_solve`` did not already, when the time left affords
    its first nodes; stops one started early if the time left does not afford EARLY_KEEP_NODES."""
    problem, reduced = search.problem, search.reduced
    pricers = [ItemPricer(reduced, item) for item in range(len(problem.items))]
    master = Master(reduced)
    master.add(initial_patterns(reduced, pricers))
    for award in offered:
        master.add(award_patterns(reduced, award))
    phases.done("setup")
    bound = generate_columns(reduced, pricers, master, deadline=started + 0.35 * (deadline - started))
    phases.done("column_generation")
    stats.update(column_generation_rounds=bound.rounds, patterns=len(master.patterns))
    if bound.infeasible_items:
        reasons = [uncoverable_item(problem, problem.items[i]) for i in bound.infeasible_items]
        return _infeasible(problem, reasons, stats, bases)
    if search.helper is not None and EARLY_KEEP_NODES * NODE_PASSES * bound.pass_seconds > search.remaining():
        search.helper.stop()  # started early, but its nodes cost more than the time left
    search.raise_bound(bound.lower_bound, "lagrangian bound")
    lp_patterns = [master.patterns[k] for k in np.flatnonzero(bound.z > 1 - 1e-9)]
    if len(lp_patterns) == len(problem.items):  # the LP chose one whole pattern per item
        search.offer(award_from_patterns(lp_patterns), "column generation")
    if master.slack_used() > 1e-6 and search.best is None:
        # even the LP needs slack: most likely infeasible; let the exact search decide
        stats["master_lp_needed_slack"] = True
    if search.done() or bound.duals is None:
        return None
    segment_bounds = SegmentBounds(reduced, pricers)
    item_values = segment_bounds.item_values(bound.duals)
    lagrangian = bound.lower_bound
    if master.slack_used() <= 1e-6:
        lagrangian = max(lagrangian, float(item_values.sum()))
        search.raise_bound(lagrangian, "lagrangian bound")
    # this bound's own value, not the proven one (branch-and-price may have raised that already):
    # the per-segment bounds are computed at these duals
    search.lagrangian_bound = min(lagrangian, search.best_cost)
    # splits of the items that no one vendor may take whole (the pool search needs them to find
    # any award there; ``colgen.fitting_patterns``)
    master.add(fitting_patterns(reduced, pricers, bound.duals, search.lower_bound,
                                time.monotonic() + FITTING_SHARE * search.remaining()))
    phases.done("bounds")
    # branch-and-price beside the search: only with time for a fresh interpreter to start and
    # for its first nodes (a child stopped before it got going is killed at once, so a
    # problem solved in a moment pays only the process's start)
    needs = BRANCH_CHILD_SECONDS + BRANCH_MIN_NODES * NODE_PASSES * bound.pass_seconds
    if not search.helper_tried and not search.done() and not stopped() and needs <= search.remaining():
        search.helper_tried = True
        search.helper = BackgroundBound.start(problem, deadline, search.best_cost)
    _search(search, master, pricers, bound, segment_bounds, item_values, started, deadline, stats, phases)
    return None


def _solve(problem: Problem, started: float, deadline: float,
           on_progress: Callable[[dict[str, Any]], None] | None = None) -> Result:
    stats: dict[str, Any] = {}
    given_up = abandoned_mips()
    phases = Phases()
    bases = baselines(problem)
    reduced = presolve(problem)
    phases.done("presolve")
    stats.update(bids=len(problem.bids), bids_kept=len(reduced.bids), segments=len(reduced.segments),
                 phase_seconds=phases.seconds)
    reasons = [uncoverable_item(problem, problem.items[i]) for i, bids in enumerate(reduced.bids_of_item)
               if not bids]
    shortage = vendor_shortage(problem, reduced)
    if reasons or shortage:
        return _infeasible(problem, reasons + ([shortage] if shortage else []), stats, bases)

    search = Search(problem, reduced, started, deadline, on_progress)
    offered = [award for award in (as_reduced(reduced, b.award) for b in bases if b.feasible)
               if search.offer(award, "baseline")]  # (the child prunes with the best of them)
    if len(reduced.segments) >= EARLY_BRANCH_MIN_SEGMENTS and search.remaining() >= EARLY_BRANCH_MIN_SECONDS:
        # a big problem: branch-and-price starts at once, its own column generation beside ours
        search.helper_tried = True
        search.helper = BackgroundBound.start(problem, deadline, search.best_cost)
    try:
        infeasible = _bound_and_search(search, bases, offered, stats, phases, started, deadline)
    finally:
        if search.helper is not None:
            search.helper.stop()  # reads what it sent, then closes its pipes
    if infeasible is not None:
        return infeasible
    if search.helper is not None:
        search.collect(final=True)  # its last bound and awards
        stats["branch_and_price_nodes"] = search.helper.nodes
    if stats.pop("proven_infeasible", False):
        return _infeasible(problem, explain(problem, max(search.remaining(), 2.0)), stats, bases)

    stats["found_by"] = search.found_by
    if abandoned_mips() > given_up:  # MIPs this process gave up meanwhile (``highs.run_mip``)
        stats["mips_given_up"] = abandoned_mips() - given_up
    stats["trace"] = search.trace
    stats["bound_by"] = search.bound_by
    if search.best is None:
        message = ("Stopped before any award was found; the problem was not proven infeasible."
                   if stopped() else "No award was found within the time limit; the problem was not "
                   "proven infeasible. Allow more time.")
        result = Result(status=UNKNOWN, message=message, stats=stats)
        result.baselines = bases
        return result
    status = OPTIMAL if search.done() else (STOPPED if stopped() else FEASIBLE)
    message = {
        OPTIMAL: "Optimal award (within the requested gap).",
        STOPPED: "Stopped early on request: the best award found so far; the gap to the proven "
                 "bound is reported.",
        FEASIBLE: "Best award found within the time limit; the gap to the proven bound is reported.",
    }[status]
    result = priced_result(problem, status, message, search.bid_award(search.best), search.lower_bound)
    result.baselines = bases
    result.stats = stats
    return result
