"""Improving the best award, and proving it, once the Lagrangian bounds are known.

Each segment has a lower bound on the cost of any award that uses it (``bounds``). Keeping the
segments whose bound is within a fraction of the gap gives a restriction that contains the best
awards if they are near the bound; HiGHS searches it with continuous quantities (then repaired to
whole units). The fraction grows x3 each round. At the whole gap the restriction is exact
(segments whose bound exceeds the best award cannot be in a better one), so HiGHS's bound on it
bounds the problem. Restrictions too big for one search are improved piecewise instead: a few
dozen items at a time (large-neighbourhood search), chosen among those with cheap alternatives.
First of all, the items where the best award and the (nearly integral) master LP disagree are
re-awarded together (RINS), then those plus the items of the capped vendors involved; that alone
closes most of the gap.
"""

from __future__ import annotations

import random
import time
from typing import TYPE_CHECKING, Any

import numpy as np

from .heuristics import reoptimize, restricted_search
from .highs import stopped

if TYPE_CHECKING:
    from .search import Search

RESTRICTED_MAX_SEGMENTS = 15_000  # bigger restrictions are searched a neighbourhood at a time
WHOLE_UNITS_MAX_SEGMENTS = 3_000  # HiGHS stalls on big models with integer quantities
NEIGHBOURHOOD_ITEMS = 40
FIRST_FRACTION = 0.05  # of the gap, for the first restriction ...
# ... but the whole gap (the exact restriction) where the problem has at most this many segments:
# a dozen items with big quantities took 1 s a round for 3 rounds that the exact one, in 1 s, made
# useless; on 50x8x3 (530-760 segments) it changes nothing
EXACT_FIRST_MAX_SEGMENTS = 1_000
GROWTH = 3.0
NEIGHBOURHOOD_SECONDS = 8.0
GUIDED_MAX_ITEMS = 150
WIDENED_MAX_ITEMS = 250
WIDENED_FRACTION = 0.1  # of the gap: the widened neighbourhood's segments


def _kept(search: Search, per_segment: np.ndarray, fraction: float) -> np.ndarray:
    # the fractions are of the gap to the Lagrangian bound that ``per_segment`` was computed at
    # (not the proven bound: branch-and-price may raise that, and per_segment does not move with it)
    base = search.lagrangian_bound
    keep = per_segment <= base + min(fraction, 1.0) * (search.best_cost - base) + 1e-6
    keep[[s for s, _ in search.best.values()]] = True
    return keep


def _neighbourhood(search: Search, per_segment: np.ndarray, rng: random.Random) -> list[int]:
    """Items whose cheapest alternative (a segment the best award does not use) is nearest the
    bound: they are the ones a better award is likely to change."""
    reduced = search.reduced
    unused = np.ones(len(per_segment), dtype=bool)
    unused[[s for s, _ in search.best.values()]] = False
    alternative = np.full(len(reduced.problem.items), np.inf)
    np.minimum.at(alternative, reduced.seg_item[unused], per_segment[unused])
    candidates = [int(i) for i in np.argsort(alternative)[: 3 * NEIGHBOURHOOD_ITEMS]]
    return sorted(rng.sample(candidates, min(NEIGHBOURHOOD_ITEMS, len(candidates))))


class LPGuide:
    """What the master LP says: per item, its patterns and their vendors; the capped vendors."""

    def __init__(self, patterns_by_item: dict[int, set[tuple]], vendors_by_item: dict[int, set[int]],
                 capped: set[int]) -> None:
        self.patterns_by_item = patterns_by_item
        self.vendors_by_item = vendors_by_item
        self.capped = capped

    def differences(self, search: Search) -> list[int]:
        """Items where the best award differs from the LP (RINS): the LP is nearly integral, so
        these few items are where a better award most likely differs too."""
        chosen: dict[int, list[tuple[int, int, int]]] = {}
        for b, (s, q) in search.best.items():
            chosen.setdefault(search.reduced.bid_item[b], []).append((b, s, q))
        return sorted(item for item, patterns in self.patterns_by_item.items()
                      if patterns != {tuple(sorted(chosen.get(item, [])))})

    def widened(self, search: Search, items: list[int]) -> list[int]:
        """The differing items plus every item the best award gives to a capped vendor involved
        in them: a better award usually moves spend along a chain of capped vendors."""
        reduced = search.reduced
        vendors = set()
        for item in items:
            vendors |= self.vendors_by_item.get(item, set())
        vendors |= {reduced.bid_vendor[b] for b in search.best if reduced.bid_item[b] in set(items)}
        vendors &= self.capped
        return sorted(set(items) | {reduced.bid_item[b] for b in search.best if reduced.bid_vendor[b] in vendors})


def guided(search: Search, per_segment: np.ndarray, guide: LPGuide, stats: dict[str, Any],
           until: float | None = None) -> None:
    """Re-award together the items where the best award and the master LP disagree (RINS), then
    those plus the capped vendors' items, while that improves the award; until the deadline, or
    ``until`` if sooner (the engine also runs this early, between pool searches)."""
    if search.best is None:  # nothing to compare with the LP yet
        return
    end = search.deadline if until is None else min(until, search.deadline)

    def left() -> float:
        return min(search.remaining(), end - time.monotonic())

    stats.setdefault("neighbourhoods", 0)
    tried: set[tuple[int, ...]] = set()
    while not search.done() and left() > 0.5:
        items = guide.differences(search)
        if not items or tuple(items) in tried or len(items) > GUIDED_MAX_ITEMS:
            break
        tried.add(tuple(items))
        deadline = min(time.monotonic() + max(left() * 0.3, 1.0), end)
        better = search.offer(reoptimize(search.reduced, search.best, items, deadline,
                                         keep=_kept(search, per_segment, 1.0)), "LP-guided search")
        stats["neighbourhoods"] += 1
        if not better:
            break
    while not search.done() and left() > 0.5:
        items = guide.widened(search, guide.differences(search))
        if not items or tuple(items) in tried or len(items) > WIDENED_MAX_ITEMS:
            break
        tried.add(tuple(items))
        deadline = min(time.monotonic() + max(left() * 0.6, 1.0), end)
        better = search.offer(reoptimize(search.reduced, search.best, items, deadline,
                                         keep=_kept(search, per_segment, WIDENED_FRACTION)), "LP-guided search")
        stats["neighbourhoods"] += 1
        stats.setdefault("widened", []).append((len(items), better))
        if not better:
            break


def _exact_round(search: Search, per_segment: np.ndarray, keep: np.ndarray, stats: dict[str, Any]) -> None:
    gap = max(search.target / 4, 1e-7)
    # exact: its bound bounds every award cheaper than the best, so it ends once that proves it
    outcome = restricted_search(search.reduced, keep, search.best, search.deadline, gap=gap,
                                cutoff=search.best_cost, enough=search.would_prove)
    search.offer(outcome.award, "restricted search")
    search.raise_bound(outcome.bound, "restricted search bound")
    stats["restricted_searches"] += 1
    if search.done() or search.remaining() < 0.5:
        return
    keep = _kept(search, per_segment, 1.0)
    if keep.sum() <= WHOLE_UNITS_MAX_SEGMENTS:
        # the continuous-quantity bound fell short: the same restriction in whole units
        outcome = restricted_search(search.reduced, keep, search.best, search.deadline, gap=gap,
                                    cutoff=search.best_cost, whole_units=True, enough=search.would_prove)
        search.offer(outcome.award, "restricted search")
        search.raise_bound(outcome.bound, "restricted search bound")
        stats["restricted_searches"] += 1


def improve(search: Search, per_segment: np.ndarray, guide: LPGuide | None, stats: dict[str, Any]) -> bool:
    """Improve until the gap is closed or time runs out; True if proven infeasible instead."""
    stats.setdefault("restricted_searches", 0)
    stats.setdefault("neighbourhoods", 0)
    while search.best is None:
        # nothing found yet: search everything (the only way to prove there is no award at all),
        # ended early once the background tree sends an award (before 2026-12-06 such an award
        # waited for the deadline: mixed-sizes 300x30x4 seed 9, the tree's optimum taken at 60 s)
        news: list[bool] = []

        def tree_award(_bound: float) -> bool:
            if search.helper_news():
                news.append(True)
            return bool(news)

        everything = np.ones(len(per_segment), dtype=bool)
        outcome = restricted_search(search.reduced, everything, None, search.deadline,
                                    gap=max(search.target / 4, 1e-7), enough=tree_award)
        stats["restricted_searches"] += 1
        search.offer(outcome.award, "restricted search")
        search.collect(final=True)
        if search.best is None and (not news or outcome.solved or search.remaining() <= 0.5 or stopped()):
            return outcome.solved and outcome.bound == np.inf
    if guide is not None:
        guided(search, per_segment, guide, stats)
    rng = random.Random(0)
    stalled = False
    fraction = 1.0 if len(per_segment) <= EXACT_FIRST_MAX_SEGMENTS else FIRST_FRACTION
    while not search.done() and search.remaining() > 0.5:
        keep = _kept(search, per_segment, fraction)
        small = keep.sum() <= RESTRICTED_MAX_SEGMENTS and not stalled
        if small and fraction >= 1.0:
            _exact_round(search, per_segment, keep, stats)
            break
        if small:
            deadline = min(time.monotonic() + max(search.remaining() * 0.4, 1.0), search.deadline)
            outcome = restricted_search(search.reduced, keep, search.best, deadline,
                                        gap=max(search.target / 4, 1e-7), cutoff=search.best_cost)
            improved = search.offer(outcome.award, "restricted search")
            stats["restricted_searches"] += 1
            # a restriction HiGHS could not finish, and that gave nothing, is too big to search whole
            stalled = not outcome.solved and not improved
            fraction *= GROWTH
            continue
        items = _neighbourhood(search, per_segment, rng)
        deadline = min(time.monotonic() + NEIGHBOURHOOD_SECONDS, search.deadline)
        search.offer(reoptimize(search.reduced, search.best, items, deadline, keep=_kept(search, per_segment, 1.0)),
                     "neighbourhood search")
        stats["neighbourhoods"] += 1
    return False
