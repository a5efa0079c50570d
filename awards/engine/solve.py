"""The award engine: presolve, bound, search, and an exactly priced answer.

1. Presolve bids into priced segments (``presolve``); items nobody can cover, or a share cap
   that needs more vendors than have bid, are reported as infeasible right away.
2. Column generation over per-item award patterns (``colgen``) gives the Lagrangian (Dantzig-
   Wolfe) lower bound -- each item's integer structure solved exactly by DP -- and a master LP
   solution that is nearly integral.
3. Starting awards: feasible baselines, the LP if integral, a greedy over the pooled patterns,
   and HiGHS choosing among each item's cheapest pooled patterns (``master.solve_ip``); where a
   share cap binds on two vendors or more, then patterns priced at perturbed share prices, split
   awards (a capped vendor's bid at exactly a tier start or its capacity) and HiGHS re-choosing a
   few dozen items at a time over the pool (``lns``), some of them those where the background
   branch-and-price's best open node differs from the best award.
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
from .colgen import generate_columns, initial_patterns, perturbed_patterns, split_patterns
from .diagnose import explain, uncoverable_item, vendor_shortage
from .highs import stop_check, stopped
from .heuristics import (
    Award,
    as_reduced,
    award_from_patterns,
    exact_ok,
    greedy_by_patterns,
    pattern_local_search,
)
from .improve import LPGuide, guided, improve
from . import lns
from .master import SHARE_MARGIN, Master, Pattern
from .model import Problem
from .presolve import Reduced, presolve
from .projection import EnumerationSearch
from .pricing import ItemPricer
from .result import FEASIBLE, INFEASIBLE, OPTIMAL, STOPPED, UNKNOWN, Result, priced_result
from .search import Search, StopRequest
from .validate import parse_problem


POOL_SHARE = 0.4  # of the time limit, at most, for the search over pooled patterns (0.15 until 2026-12-04)
POOL_OF_REMAINING = 0.5  # ... and of the time left after the bound
POOL_COLUMNS = 3000  # patterns the pool search may choose from (each item's cheapest few)
# Where neighbourhoods apply (a share cap binding on two vendors or more, no bundles; ``lns``):
# of the time limit, at most, for pool IP + perturbed patterns + neighbourhoods (0.85 until
# 2026-12-05: with the tree guiding them the neighbourhoods win later; at 0.95 heavy-tail seed 2
# and mixed-sizes seed 1 were proven at 10 s, 0.0147% and 0.0114% at 0.85, the rest alike)
NEIGHBOURHOOD_SHARE = 0.95
NEIGHBOURHOOD_OF_REMAINING = 0.98  # ... and of the time left after the bound (0.9 until 2026-12-05)
FIRST_STAGE_SHARE = 0.33  # of that window for the 3-per-item pool IP (it finds its big step early)
# ... where every item is whole-only (no neighbourhoods follow; the rest goes to the improvement
# phase): tiny-items 300x30x4 seeds 0 and 2 end at 0.011-0.013% and 0.033-0.035% at 10 s instead
# of 0.016-0.017% and 0.0355%; seed 4 proven 0.4 s sooner, seed 3 1 s later (tenth session)
WHOLE_ONLY_FIRST_STAGE_SHARE = 0.6
# of the time limit for pricing at perturbed share prices (``perturbed_patterns``; 0.15 until
# 2026-12-05, when half of it went to the split awards below)
PERTURB_SHARE = 0.075
SPLIT_SHARE = 0.075  # of the time limit, at most, for capped bids' split awards (``split_patterns``)
EARLY_GUIDED_SHARE = 0.1  # of the time limit, at most, for the LP-guided search before the neighbourhoods
STALL_SHARE = 0.2  # of the time limit without a better award ends the neighbourhoods early
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
# The projected enumeration (``projection``): tried after the greedy award for at most
# FIRST_ENUMERATION_SHARE of the time left, then after each better pooled award and before the
# improvement phase for at most ENUMERATION_SHARE
FIRST_ENUMERATION_SHARE = 0.3
FIRST_ENUMERATION_MIN_SECONDS = 5.0
ENUMERATION_SHARE = 0.5
LOCAL_SEARCH_SHARE = 0.25  # of the time left, at most, for pattern swaps after each new pooled award


def _patterns(reduced: Reduced, award: Award) -> list[Pattern]:
    per_item: dict[int, dict[int, tuple[int, int]]] = {}
    for b, entry in award.items():
        per_item.setdefault(reduced.bid_item[b], {})[b] = entry
    return [Pattern.make(reduced, item, entries) for item, entries in per_item.items()]


def _infeasible(problem: Problem, reasons: list[str], stats: dict[str, Any], bases) -> Result:
    message = "No award satisfies the rules: " + "; ".join(reasons) + "."
    return Result(status=INFEASIBLE, message=message, baselines=bases, stats={**stats, "reasons": reasons})


def _guide(master: Master, bound, search: Search | None = None) -> LPGuide:
    """What the LP-guided search (``improve.guided``) compares the best award with: the root
    master LP, or, given the ``search``, the LP of the background tree's best open node where the
    tree answers (it costs about the tree's bound, far nearer the optimum than the root's LP:
    before the neighbourhoods, mixed-sizes seed 0 proven in 3.6-5.0 s instead of 7 s or not at
    10 s, seed 3 in 1.5 s instead of 3.5 s)."""
    patterns = [] if search is None else [Pattern.make(search.reduced, item, award)
                                          for item, award, _ in search.tree_guide()]
    if len({pattern.item for pattern in patterns}) < len(master.reduced.problem.items):
        patterns = [master.patterns[k] for k in np.flatnonzero(bound.z > 1e-6)]
    by_item: dict[int, set[tuple]] = {}
    vendors: dict[int, set[int]] = {}
    for pattern in patterns:
        by_item.setdefault(pattern.item, set()).add(pattern.award)
        vendors.setdefault(pattern.item, set()).update(master.reduced.bid_vendor[b] for b, _, _ in pattern.award)
    return LPGuide(by_item, vendors, {int(v) for v in np.flatnonzero(bound.duals.mu > 1e-9)})


def _local_search(search: Search, master: Master, keys: dict, deadline: float) -> None:
    """Pattern swaps from the best award, if it is made of pooled patterns (``heuristics``)."""
    chosen = _chosen(search, keys)
    if chosen is None or search.done():
        return
    now = time.monotonic()
    better = pattern_local_search(search.reduced, master.patterns, chosen,
                                  min(deadline, now + LOCAL_SEARCH_SHARE * max(search.remaining(), 0.0)))
    if better is not None:
        award = award_from_patterns([master.patterns[k] for k in better])
        if exact_ok(search.reduced, award):
            search.offer(award, "pattern swaps")


def _pool_ip(
    search: Search, master: Master, duals, item_values: np.ndarray, master_total: float, deadline: float,
    neighbourhood_pricers: list[ItemPricer] | None, stats: dict[str, Any],
    after_first_stage: Callable[[], None] | None = None, enumeration: EnumerationSearch | None = None,
) -> None:
    """Greedy on the pool, then the best combination of pooled patterns among each item's
    cheapest few at the duals: first 3 per item (small, so HiGHS gets far); then either up to 8
    per item, or -- where neighbourhoods apply -- patterns priced at perturbed share prices and a
    few dozen items re-chosen at a time (``_neighbourhoods``, if given the items' pricers),
    which beat the 8-per-item IP on share-capped instances. ``after_first_stage`` runs between."""
    neighbourhoods = neighbourhood_pricers is not None
    costs = master.reduced_costs(duals, item_values)
    items = np.array([pattern.item for pattern in master.patterns])
    order = np.lexsort((costs, items))
    first = np.searchsorted(items[order], items[order], side="left")
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order)) - first
    search.offer(greedy_by_patterns(search.reduced, master.patterns, costs, master_total), "greedy on patterns")
    keys = {(pattern.item, pattern.award): k for k, pattern in enumerate(master.patterns)}
    _local_search(search, master, keys, deadline)
    if enumeration is not None and search.remaining() >= FIRST_ENUMERATION_MIN_SECONDS:
        # the first try, with the budget of the greedy award: cut short, and only with time to
        # spare (at a 2-3 s limit it left the pool IP too little: tiny-items 0.05-0.09% worse)
        # again, with a new share of the time left, while it finds better awards (a smaller budget)
        before = np.inf
        while (search.best_cost < before - 0.005 and search.remaining() >= FIRST_ENUMERATION_MIN_SECONDS
               and not search.done() and not stopped()):
            before = search.best_cost
            enumeration.attempt(search, min(deadline, time.monotonic() + FIRST_ENUMERATION_SHARE * search.remaining()))
        if search.done() or stopped():
            return
    count = len(search.problem.items)
    stages = [3] + ([8] if 8 * count <= POOL_COLUMNS and not neighbourhoods else [])
    for stage, per_item in enumerate(stages):
        if search.done() or stopped():
            return
        allowed = rank < per_item
        start = _chosen(search, keys)
        if start is not None:
            allowed[start] = True
        now = time.monotonic()
        last = stage == len(stages) - 1 and not neighbourhoods
        first_share = 0.5
        if neighbourhoods:  # (none follow where every item is whole-only: the IP gets more)
            first_share = WHOLE_ONLY_FIRST_STAGE_SHARE if _whole_only(neighbourhood_pricers) else FIRST_STAGE_SHARE
        stage_deadline = deadline if last else now + (deadline - now) * first_share
        for margin in (0.0, SHARE_MARGIN):
            chosen = master.solve_ip(stage_deadline, allowed=allowed, start=start,
                                     gap=max(search.target / 2, 1e-7), margin=margin, enough=search.would_finish)
            if chosen is None:
                break
            award = award_from_patterns([master.patterns[k] for k in chosen])
            if exact_ok(search.reduced, award):
                if search.offer(award, "pattern pool"):
                    _local_search(search, master, keys, deadline)
                    if enumeration is not None:
                        enumeration.attempt(search, min(deadline, time.monotonic()
                                                        + ENUMERATION_SHARE * search.remaining()))
                break
        if stage == 0 and after_first_stage is not None and not search.done() and not stopped():
            after_first_stage()
    if neighbourhood_pricers is not None and not search.done() and not stopped():
        _neighbourhoods(search, master, neighbourhood_pricers, duals, item_values, deadline, stats)


def _chosen(search: Search, keys: dict) -> list[int] | None:
    """The pooled pattern of each item in the best award, in item order; None if the best award
    is not made of pooled patterns."""
    if search.best is None:
        return None
    chosen = [keys.get((p.item, p.award)) for p in sorted(_patterns(search.reduced, search.best),
                                                           key=lambda p: p.item)]
    return None if None in chosen or len(chosen) != len(search.problem.items) else chosen


def _whole_only(pricers: list[ItemPricer]) -> bool:
    """Whether every item's bids all take it whole (no capacities: tiny-items): at positive
    prices each item's cheapest award is then one bid taking it whole (``pricing``)."""
    return not any(pricer.always_general for pricer in pricers)


def _neighbourhoods(search: Search, master: Master, pricers: list[ItemPricer], duals, item_values: np.ndarray,
                    deadline: float, stats: dict[str, Any]) -> None:
    """Price patterns at perturbed share prices and split awards into the pool, then re-choose a
    few dozen items at a time (``lns.pool_lns``) from the best award until the deadline or a
    stall -- except where every item's bids all take it whole: then perturbed pricing would find
    nothing new (``perturbed_patterns``), the pool holds each item's awards to one bid, and the
    3-per-item IP and pattern swaps have chosen among them; the improvement phase, which finds
    split awards, gets the time (tiny-items proven ~2 s sooner; awards/engine/README.md, tenth session)."""
    if _whole_only(pricers):
        return
    limit = search.deadline - search.started
    master.add(perturbed_patterns(search.reduced, pricers, duals,
                                  min(deadline, time.monotonic() + PERTURB_SHARE * limit)))
    master.add(split_patterns(search.reduced, pricers, duals, item_values,
                              min(deadline, time.monotonic() + SPLIT_SHARE * limit)))
    # the background tree's split awards at its branching quantities (mixed-sizes seeds 0 and 1
    # proven in 6.1 and 6.5 s instead of 9.3 and 8.6; awards/engine/README.md, sixteenth session)
    master.add([Pattern.make(search.reduced, item, award) for item, award in search.tree_patterns()])
    if search.best is not None:  # e.g. from the LP-guided search: its patterns may not be pooled yet
        master.add(_patterns(search.reduced, search.best))
    keys = {(pattern.item, pattern.award): k for k, pattern in enumerate(master.patterns)}
    chosen = _chosen(search, keys)
    if chosen is None:
        return
    costs = master.reduced_costs(duals, item_values)

    def offer(better: list[int]) -> list[int] | None:
        award = award_from_patterns([master.patterns[k] for k in better])
        if exact_ok(search.reduced, award) and search.offer(award, "pool neighbourhoods"):
            _local_search(search, master, keys, deadline)
        if search.done():
            return None
        return _chosen(search, keys) or better

    def guide() -> tuple[list[tuple[int, float]], np.ndarray]:
        """The tree's best open node's LP (``Search.tree_guide``) as (pool index, weight), its
        patterns pooled first, and the reduced costs of the pool as it is then."""
        found = [(Pattern.make(search.reduced, item, award), weight) for item, award, weight in search.tree_guide()]
        before = len(master.patterns)
        master.add([pattern for pattern, _ in found])
        for k in range(before, len(master.patterns)):
            keys[(master.patterns[k].item, master.patterns[k].award)] = k
        return [(keys[(p.item, p.award)], weight) for p, weight in found], master.reduced_costs(duals, item_values)

    counts: dict[str, int] = {}
    lns.pool_lns(search.reduced, master.patterns, chosen, costs, duals.mu, deadline,
                 stall=STALL_SHARE * limit, on_better=offer, stats=counts, guide=guide)
    stats.update(neighbourhoods_tried=counts.get("tried", 0), neighbourhoods_improved=counts.get("improved", 0),
                 tree_guided_tried=counts.get("guided_tried", 0), tree_guided_improved=counts.get("guided_improved", 0))


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
    per_segment = None
    enumeration = EnumerationSearch(pricers, bound.duals, item_values)
    if not search.done():
        neighbourhoods = lns.applies(reduced, bound.duals.mu)
        share, of_remaining = ((NEIGHBOURHOOD_SHARE, NEIGHBOURHOOD_OF_REMAINING) if neighbourhoods
                               else (POOL_SHARE, POOL_OF_REMAINING))
        pool_deadline = time.monotonic() + min(share * (deadline - started), of_remaining * search.remaining())
        early: Callable[[], None] | None = None
        if neighbourhoods and not _whole_only(pricers):
            # the LP-guided search (improve.guided) between the pool IP and the neighbourhoods,
            # for at most EARLY_GUIDED_SHARE of the limit: cheap, and it often proves the
            # target there; else it runs again in the improvement phase (at once, without the
            # cap, where every item is whole-only: no neighbourhoods then)
            per_segment = segment_bounds.per_segment(bound.duals, item_values)
            limit = deadline - started

            def lp_guided(per_segment: np.ndarray = per_segment) -> None:
                guided(search, per_segment, _guide(master, bound, search), stats,
                       until=time.monotonic() + EARLY_GUIDED_SHARE * limit)

            early = lp_guided

        _pool_ip(search, master, bound.duals, item_values, bound.lp_value, pool_deadline,
                 pricers if neighbourhoods else None, stats, after_first_stage=early, enumeration=enumeration)
        phases.done("pattern_search")
    if not search.done() and not stopped():
        enumeration.attempt(search, min(deadline, time.monotonic() + ENUMERATION_SHARE * search.remaining()))
        phases.done("enumeration")
    if not search.done() and not stopped():
        if per_segment is None:
            per_segment = segment_bounds.per_segment(bound.duals, item_values)
        phases.done("bounds")
        # (the root LP here: with the tree's best node, tiny-items seed 0 ended at 0.012-0.013%
        # instead of 0.0105%; mixed-sizes gained from it only before the neighbourhoods)
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
        master.add(_patterns(reduced, award))
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
