"""The search's state: the best award and the proven bound so far, the deadline, the trace a
progress chart reads, what branch-and-price in its child process sends (``background``), and the
caller's stop request."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np

from .background import BackgroundBound
from .heuristics import Award, as_reduced, award_cost
from .highs import stopped
from .model import Problem
from .presolve import Reduced
from .rules import violations

BRANCH_POLL_SECONDS = 0.05  # what it found is taken in at most this often (it sends its bound every 0.25 s)
STOP_CHECK_SECONDS = 0.05  # the caller's should_stop is asked at most this often
GAP_HAIR = 1e-12  # the target less this, for the float check of the gap (``Search._target_met``)


def _relative_gap(cost: float, bound: float) -> float:
    return max(0.0, (cost - bound) / max(abs(cost), 1e-9))


class StopRequest:
    """The caller's `should_stop`, asked at most every STOP_CHECK_SECONDS (it may read a
    database) and remembered once it said yes."""

    def __init__(self, should_stop: Callable[[], bool] | None) -> None:
        self.should_stop = should_stop
        self.requested = False
        self._asked = -np.inf

    def __call__(self) -> bool:
        if self.requested or self.should_stop is None:
            return self.requested
        now = time.monotonic()
        if now - self._asked >= STOP_CHECK_SECONDS:
            self._asked = now
            self.requested = bool(self.should_stop())
        return self.requested


class Search:
    """Best award and best bound so far, with the deadline."""

    def __init__(self, problem: Problem, reduced: Reduced, started: float, deadline: float,
                 on_progress: Callable[[dict[str, Any]], None] | None = None) -> None:
        self.started = started
        self.trace: list[dict[str, Any]] = []  # when the best award or the bound improved
        self.on_progress = on_progress  # called with each new trace entry (a live status page)
        self.problem = problem
        self.reduced = reduced
        self.deadline = deadline
        self.target = problem.options.relative_gap
        self.best: Award | None = None
        self.best_cost = np.inf
        self.lower_bound = -np.inf
        self.found_by = ""
        self.bound_by = ""
        self.lagrangian_bound = -np.inf  # the bound at the master's duals (per-segment bounds start from it)
        self.helper: BackgroundBound | None = None  # branch-and-price beside the search, if any
        self._helper_taken = -np.inf
        self.helper_tried = False  # once tried, not again (it may have failed to start)

    def remaining(self) -> float:
        """Seconds left: none once the caller asked to stop."""
        self.collect()
        return 0.0 if stopped() else self.deadline - time.monotonic()

    def gap(self) -> float:
        if self.best is None:
            return np.inf
        return _relative_gap(self.best_cost, self.lower_bound)

    def collect(self, *, final: bool = False) -> None:
        """Take in what the background branch-and-price found (its bound; its integral nodes'
        awards, kept only if they pass the exact check), at most every BRANCH_POLL_SECONDS, and
        tell it the best cost so far (it prunes with it)."""
        helper = self.helper
        if helper is None:
            return
        now = time.monotonic()
        if now - self._helper_taken < BRANCH_POLL_SECONDS and not final:
            return
        self._helper_taken = now
        for award, source in helper.poll(self.best_cost):
            self.offer(as_reduced(self.reduced, award), source)
        self.raise_bound(helper.value, helper.source)

    def tree_patterns(self) -> list[tuple[int, Award]]:
        """The background tree's patterns beyond its root (``BackgroundBound.patterns``), as
        (item, award in reduced indices); [] without a helper."""
        if self.helper is None:
            return []
        found = [(item, self._item_award(item, award)) for item, award in self.helper.patterns()]
        return [(item, award) for item, award in found if award]

    def tree_guide(self) -> list[tuple[int, Award, float]]:
        """The background tree's best open node's LP solution (``BackgroundBound.guide``), as
        (item, award in reduced indices, weight); [] without a helper."""
        if self.helper is None:
            return []
        found = [(item, self._item_award(item, award), weight) for item, award, weight in self.helper.guide()]
        return [(item, award, weight) for item, award, weight in found if award]

    def _item_award(self, item: int, award: dict[str, int]) -> Award | None:
        """An award of one item in bid ids, in reduced indices; None unless it maps whole onto
        that item's bids."""
        reduced = as_reduced(self.reduced, award)
        if reduced and all(self.reduced.bid_item[b] == item for b in reduced):
            return reduced
        return None

    def done(self) -> bool:
        self.collect()
        return self._target_met()

    def would_finish(self, cost: float) -> bool:
        """Would an award of this cost (a float sum, so with a cent to spare) meet the target
        with the bound known now, the background bound's latest included? Nothing is recorded or
        reported: safe inside a HiGHS callback, to end a sub-solve whose answer ends the search."""
        return self._proves(self._bound_now(), cost + 0.01)

    def would_prove(self, bound: float) -> bool:
        """Would this bound (on every award cheaper than the best one, e.g. an exact restriction's
        under way) prove the best award within the target? Nothing is recorded: safe inside a
        HiGHS callback, to end a sub-solve whose bound ends the search."""
        return self.best is not None and self._proves(max(bound, self._bound_now()), self.best_cost)

    def helper_news(self) -> bool:
        """Has the background tree sent an award the search has not taken in yet (``collect`` will
        offer it)? Records nothing: safe inside a HiGHS callback, to end a long sub-solve so that
        the search can take it in (on a 3-line problem the tree proved its award in under a second
        while the projected enumeration's HiGHS ran on for 7 s)."""
        return self.helper is not None and self.helper.has_awards()

    def _bound_now(self) -> float:
        """The proven bound with the background bound's latest, read from its pipe, not recorded."""
        if self.helper is None:
            return self.lower_bound
        self.helper.drain()
        return max(self.lower_bound, self.helper.value)

    def _target_met(self) -> bool:
        return self.best is not None and self._proves(self.lower_bound, self.best_cost)

    def _proves(self, bound: float, cost: float) -> bool:
        """Does ``bound`` prove an award of ``cost`` within the target? A hair under it (the
        result's gap, recomputed exactly, must not pass it by a float rounding where a bound lands
        on cost x (1 - target) itself), or within half a cent."""
        return _relative_gap(cost, bound) <= self.target - GAP_HAIR or cost - bound <= 0.005

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
        self._record(source)
        return True

    def _record(self, source: str) -> None:
        def money(value: float) -> float | None:
            return round(float(value), 2) if np.isfinite(value) else None

        self.trace.append({"seconds": round(time.monotonic() - self.started, 3), "event": source,
                           "best": money(self.best_cost), "bound": money(self.lower_bound)})
        if self.on_progress is not None:
            self.on_progress(dict(self.trace[-1]))

    def raise_bound(self, bound: float, source: str) -> None:
        if np.isfinite(bound) and min(bound, self.best_cost) > self.lower_bound + 1e-9 * abs(bound):
            self.lower_bound = min(bound, self.best_cost)
            self.bound_by = source
            self._record(source)
