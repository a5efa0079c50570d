"""Complete enumeration projected on the capped vendors: a bound above Dantzig-Wolfe's, where
items are small.

At the master's duals every award costs at least L + the sum of its items' reduced costs (the
Lagrangian argument, ``bounds``), so an award cheaper than the best one, U, gives no item an
award whose reduced cost passes the budget U - L. Listing every such award per item is exact
but hopeless (hundreds of thousands on tiny-items, eighth session: a few units split between
bids at near-equal prices). Two relaxations make the list short:

- the share rows of the vendors whose cap the master leaves slack (mu = 0) are dropped, and the
  others are written ``spend_v <= share * U`` (every award cheaper than U keeps them, since its
  total is below U);
- then only an award's cost and its spend on each capped vendor matter, so per item an award is
  kept only if no other costs no more and spends no more on every capped vendor (Pareto), and
  what the uncapped bids cover is covered at least cost (one DP over them).

HiGHS then chooses one kept award per item under the capped vendors' rows. Its dual bound bounds
every award cheaper than U, so min(U, its bound) bounds the problem; the same holds for any cap
in place of U (an award costs at least the cap, or is in the relaxation), so a guess below U,
with shorter lists, is tried first. (Lists for the cap the target needs, best x (1 - gap), are
half as long on tiny-items, but where HiGHS proves that nothing is cheaper than the cap -- at
once, on small problems -- they prove only the target's gap where U's prove the best optimal.)
Where the relaxation's answer keeps every rule it is an award -- at the relaxation's optimum,
the cheapest; where it breaks a cap (it may use the room between its own total and U), the
lists are solved again with the caps at that total, and every answer then keeps the capped
vendors' caps. (The kept awards' arrays and the Pareto filter: ``awardlists``.)

Where the lists are long, HiGHS first chooses among those of small reduced cost only (within a
tenth of the gap, then a fifth, ...), under the capped vendors' caps at the proven bound, which
every award's total reaches (``EnumerationSearch._budgeted``): a heuristic that often finds the
best award in a second, where over the whole lists it takes ten.

This applies where the lists stay short: no bundles, positive adjusted prices, a few hundred
states per item (tiny-items: every instance; base and heavy-tail items of hundreds of units split
in too many ways, so it gives way there). On tiny-items 300x30x4 seed 2 it finds an award $58
cheaper than every other search of the engine, and proves it optimal (awards/engine/README.md,
eleventh session).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import highspy
import numpy as np

from .awardlists import Enumerated, ItemAwards, pareto_front
from .heuristics import Award, award_cost, award_from_patterns, exact_ok
from .highs import new_highs, run_mip, stopped
from .itemdp import ItemDP, Stage
from .master import Duals, Pattern
from .pricing import ItemPricer
from .presolve import Reduced

if TYPE_CHECKING:
    from .search import Search

MAX_STATES = 20_000  # partial awards of one item at one stage; past it the enumeration gives way
MAX_EXPANSION = 2_000_000  # partial awards x quantities looked at in one step (memory), likewise
MAX_PATTERNS = 30_000  # kept awards over all items; past it, too
MIN_SECONDS = 0.2  # HiGHS is not started with less (its root work does not look at the clock)
# HiGHS's dual bound is taken this much lower (float tolerances) -- relative, but never more than
# MAX_SAFETY, below the search's own tolerance (0.005): an exact proof at $8 million stays exact
BOUND_SAFETY = 1e-9
MAX_SAFETY = 0.001


# HiGHS ended so that its dual bound holds: optimal, or stopped (time, our interrupt)
PROVING_STATUSES = (highspy.HighsModelStatus.kOptimal, highspy.HighsModelStatus.kTimeLimit,
                    highspy.HighsModelStatus.kInterrupt, highspy.HighsModelStatus.kHighsInterrupt,
                    highspy.HighsModelStatus.kSolutionLimit, highspy.HighsModelStatus.kIterationLimit)
PRESOLVE_MAX_ROW = 8_000  # nonzeros in the relaxation's longest row above which its presolve is off
NEWS_SECONDS = 0.05  # how often HiGHS's interrupt callback asks ``news`` (it reads a pipe)
GUESS_SHARE = 0.5  # the guess tried first: the bound plus this share of the gap ...
GUESS_TIME_SHARE = 0.3  # ... for at most this share of the try's time (then the whole budget)
# budgets whose lists ``EnumerationSearch`` keeps, the latest ones (a try lists at most two: the
# best award's and a guess's)
KEPT_BUDGETS = 2
RETRY_BUDGET_SHARE = 0.6  # after lists too long at budget B, tried again only below this share of B
# Before the relaxation, a search among the listed awards within a budget (``_budgeted``, since the
# 22nd session): those whose reduced cost is within LIST_BUDGET_FIRST of the gap (best - L), then
# twice that, ... while at most LIST_BUDGET_LAST; each search gets at most LIST_BUDGET_SLICE of the
# try's time left, and none follows one that ran out of it
LIST_BUDGET_FIRST = 0.1
LIST_BUDGET_LAST = 0.4
LIST_BUDGET_SLICE = 0.4
LIST_BUDGET_MAX_PART = 0.5  # ... and while they are at most this part of the listed awards
LIST_BUDGET_MIN_LISTED = 2000  # listed awards below which the relaxation goes first


class TooMany(Exception):
    """The kept awards are too many to list (MAX_STATES, MAX_EXPANSION, MAX_PATTERNS)."""


def _item_patterns(reduced: Reduced, pricer: ItemPricer, capped: dict[int, int], factor: np.ndarray,
                   limit: float, deadline: float) -> ItemAwards | None:
    """One item's kept awards with adjusted cost at most ``limit``; None if they are too many."""
    quantity = pricer.quantity
    max_bids = reduced.problem.constraints.max_vendors_per_item
    if max_bids is not None and max_bids >= len(pricer.bids):
        max_bids = None
    on_capped = [b for b in pricer.bids if reduced.bid_vendor[b] in capped]
    others = [b for b in pricer.bids if reduced.bid_vendor[b] not in capped]
    # the uncapped bids: least raw cost of covering r units (with exactly l of them, if limited)
    dp = ItemDP(quantity, reduced.seg_lo, reduced.seg_hi, reduced.seg_price, max_bids,
                len(others) if max_bids is None else max_bids + 1)
    for b in others:
        dp.add(Stage(b, reduced.segments_of_bid[b]))
    rest = dp.table.min(axis=0)
    rest_factor = min((float(factor[b]) for b in others), default=1.0)
    curves = []
    for b in on_capped:
        curve = dp.curve(Stage(b, reduced.segments_of_bid[b]))
        curve[0] = 0.0
        curves.append(curve)
    # least[j][r]: a lower bound on covering r units with capped bids j.. and the uncapped ones
    least = [np.zeros(0)] * (len(on_capped) + 1)
    least[-1] = rest_factor * rest
    for j in range(len(on_capped) - 1, -1, -1):
        source, step = least[j + 1], curves[j] * factor[on_capped[j]]
        current = source.copy()
        for q in np.flatnonzero(np.isfinite(step[1:])) + 1:
            np.minimum(current[q:], source[: quantity + 1 - q] + step[q], out=current[q:])
        least[j] = current
    remaining = np.array([quantity])
    adjusted = np.zeros(1)
    taken = np.zeros((1, 0), dtype=np.int64)
    for j, b in enumerate(on_capped):
        choices = np.flatnonzero(np.isfinite(curves[j]))
        if len(remaining) * len(choices) > MAX_EXPANSION:
            return None
        left = remaining[:, None] - choices[None, :]
        ok = left >= 0
        value = adjusted[:, None] + curves[j][choices][None, :] * factor[b]
        ok &= value + least[j + 1][np.where(ok, left, 0)] <= limit
        state, choice = np.nonzero(ok)
        if len(state) > MAX_STATES:
            return None
        remaining, adjusted = left[state, choice], value[state, choice]
        taken = np.hstack([taken[state], choices[choice][:, None]])
    used = (taken > 0).sum(axis=1)
    if max_bids is None:
        cover = rest[remaining]
    else:
        levels = np.arange(dp.levels)[:, None]
        allowed = levels <= (max_bids - used)[None, :]
        cover = np.where(allowed, dp.table[:, remaining], np.inf).min(axis=0)
    fine = np.isfinite(cover)
    remaining, taken, cover, used = remaining[fine], taken[fine], cover[fine], used[fine]
    if not len(remaining):
        return ItemAwards(pricer.item, np.zeros(0), np.zeros((0, len(capped))))
    spend = np.zeros((len(remaining), len(capped)))
    raw = cover.copy()
    for j, b in enumerate(on_capped):
        amount = curves[j][taken[:, j]]
        spend[:, capped[reduced.bid_vendor[b]]] += amount
        raw += amount
    keep = pareto_front(raw, spend, deadline)
    return ItemAwards(pricer.item, raw[keep], spend[keep], reduced, dp, tuple(on_capped), taken[keep],
                      remaining[keep], None if max_bids is None else max_bids - used[keep])


def enumerate_patterns(reduced: Reduced, pricers: list[ItemPricer], duals: Duals, item_values: np.ndarray,
                       cap: float, share: float | None, deadline: float,
                       kept: dict[float, dict[int, ItemAwards]] | None = None) -> Enumerated | None:
    """Every item's kept awards within the budget cap - L (cap: the best cost, or a guess below
    it; see the module docstring); None where this does not apply, or at the deadline; raises
    TooMany where they are too many.

    ``kept``, if given, holds the items' lists made by earlier calls at these duals and item
    values, per budget (the last KEPT_BUDGETS budgets), and gets the lists made now: an item
    already listed at this budget is taken from it, so lists cut short by a deadline are not
    begun again from the first item (tiny-items 300x30x4 seed 0, on a slow machine: lists begun
    three times in a try, twice at the best award's budget, 2.7 s in all). Lists at a smaller
    budget are made afresh, not filtered from larger ones: they may hold more awards, and the
    budgeted list search's thresholds count them (filtered, seed 0 was proven in 0 of 5 runs
    against 3 of 5, 2026-12-07)."""
    if share is None or reduced.bundle_groups or not np.isfinite(cap) or duals.fixed is not None:
        return None
    if (duals.factor <= 0).any():
        return None  # the "least raw cost" of the uncapped bids needs positive prices
    vendors = [int(v) for v in np.flatnonzero(duals.mu > 1e-12)]
    if not vendors:
        return None
    capped = {v: j for j, v in enumerate(vendors)}
    budget = cap - float(item_values.sum())
    if budget < 0:
        return None
    lists: list[ItemAwards] = []
    count = 0
    # 1 - share * sum(mu): every bid's price multiplier less its vendor's mu
    base = float((duals.factor - duals.mu[np.asarray(reduced.bid_vendor, dtype=np.int64)]).min())
    if base <= 0:
        return None  # (every vendor capped and mu large) ``adjusted`` would not grow with the cost
    made: dict[int, ItemAwards] = {}
    if kept is not None:
        made = kept.pop(budget, made)
        kept[budget] = made  # (the latest last)
        while len(kept) > KEPT_BUDGETS:
            del kept[next(iter(kept))]
    for pricer in pricers:
        if time.monotonic() > deadline or stopped():
            return None
        limit = float(item_values[pricer.item]) + budget * (1 + 1e-9) + 1e-6
        found = made.get(pricer.item)
        if found is None:
            try:
                found = _item_patterns(reduced, pricer, capped, duals.factor, limit, deadline)
            except TimeoutError:  # the deadline, not lists too long: tried again later
                return None
            if found is None:
                raise TooMany
            found.adjusted = base * found.cost + found.spend @ duals.mu[vendors]
            made[pricer.item] = found
        if count + len(found.cost) > MAX_PATTERNS:
            raise TooMany
        lists.append(found)
        count += len(found.cost)
    return Enumerated(vendors, lists)


def solve_relaxation(enumerated: Enumerated, reduced: Reduced, share: float, total: float, deadline: float, *,
                     stop_at: float | None = None, cutoff: float | None = None, gap: float = 0.0,
                     on_answer: Callable[[list[Pattern]], float | None] | None = None,
                     enough: Callable[[], bool] | None = None,
                     news: Callable[[], bool] | None = None,
                     ) -> tuple[float | None, list[Pattern] | None]:
    """HiGHS choosing one kept award per item under ``spend_v <= share * total`` on the capped
    vendors: (its dual bound, None if it proved nothing; its answer, one pattern per item, if it
    found one). With ``total`` = U it is the relaxation (its bound bounds every award cheaper
    than U); it stops once the bound reaches ``stop_at`` (lowered by what ``on_answer`` returns)
    or ``enough()`` (asked once an answer came: e.g. the search's own bound proves it), or once
    ``news()`` says something else may end the search (asked at most every NEWS_SECONDS: e.g. the
    background tree sent an award)."""
    items = len(reduced.problem.items)
    spend = enumerated.spend
    count = len(enumerated)
    highs = new_highs()
    none_i, none_v = np.zeros(0, np.int32), np.zeros(0)
    highs.addRows(items, np.ones(items), np.ones(items), 0, none_i, none_i, none_v)
    vendors = len(enumerated.vendors)
    highs.addRows(vendors, np.full(vendors, -highspy.kHighsInf), np.full(vendors, share * total), 0,
                  none_i, none_i, none_v)
    starts, index, value = [], [], []
    for k, item in enumerate(enumerated.item):
        starts.append(len(index))
        index.append(int(item))
        value.append(1.0)
        for j in np.flatnonzero(spend[k] > 0):
            index.append(items + int(j))
            value.append(float(spend[k, j]))
    highs.addCols(count, enumerated.cost, np.zeros(count), np.ones(count), len(index),
                  np.array(starts, np.int32), np.array(index, np.int32), np.array(value))
    highs.changeColsIntegrality(count, np.arange(count, dtype=np.int32), np.ones(count, dtype=np.uint8))
    left = deadline - time.monotonic()
    if left < MIN_SECONDS or stopped():
        return None, None
    target = [np.inf if stop_at is None else stop_at]

    answers = [0]

    failed: list[BaseException] = []

    asked = [time.monotonic()]

    def proven(event) -> None:
        # (also after a failure in ``answered``: HiGHS honours an interrupt asked there only where
        # an interrupt callback is registered, as here -- the pool IP without one ran on)
        if (failed or event.data_out.mip_dual_bound >= target[0]
                or (answers[0] and enough is not None and enough())):
            event.interrupt()
        elif news is not None and time.monotonic() - asked[0] >= NEWS_SECONDS:
            asked[0] = time.monotonic()
            if news():
                event.interrupt()

    def answered(event) -> None:
        try:
            values = np.asarray(event.data_out.mip_solution)
            picked = np.flatnonzero(values > 0.5)
            if len(picked) == items:
                picked = [enumerated.pattern(k) for k in picked]
                answers[0] += 1
                new = on_answer(picked)
                if new is not None:
                    target[0] = min(target[0], new)
        except BaseException as error:  # raised again below, not inside HiGHS
            failed.append(error)
            event.interrupt()

    highs.cbMipInterrupt += proven
    if on_answer is not None:
        highs.cbMipImprovingSolution += answered
    highs.setOptionValue("time_limit", left)
    highs.setOptionValue("mip_rel_gap", gap)
    # no presolve where a row is very long: it does not look at the interrupt callback and grows
    # faster than the row: on a 3-line problem of 16,000 listed awards (lines of 2,500-20,500 units
    # split two ways; a capped vendor's row of 13,000) it took 6.4 s (12.4 s without its probing)
    # while the background tree had proven the award in a fraction of a second; on tiny-items
    # seed 0 (rows of 5,000 at most) 2.8 s, and without it that instance ended 0.09% from its
    # bound instead of 0.02% at 10 s
    longest = max(int(np.bincount(enumerated.item).max(initial=0)), int((spend > 0).sum(axis=0).max(initial=0)))
    if longest > PRESOLVE_MAX_ROW:
        highs.setOptionValue("presolve", "off")
    if cutoff is not None:
        highs.setOptionValue("objective_bound", cutoff)
    if not run_mip(highs):
        return None, None  # overran its limit and was given up: no answer, no bound
    if failed:
        raise failed[0]
    info = highs.getInfo()
    chosen = None
    if info.primal_solution_status == 2:  # feasible
        values = np.asarray(highs.getSolution().col_value)
        picked = np.flatnonzero(values > 0.5)
        chosen = [enumerated.pattern(k) for k in picked] if len(picked) == items else None
    status = highs.getModelStatus()
    if status in (highspy.HighsModelStatus.kInfeasible, highspy.HighsModelStatus.kObjectiveBound):
        return (np.inf if cutoff is None else cutoff), None  # nothing (cheaper than the cutoff)
    bound = float(info.mip_dual_bound)
    if not np.isfinite(bound) or status not in PROVING_STATUSES:
        return None, chosen
    if cutoff is not None and bound >= cutoff:
        return cutoff, chosen  # nothing cheaper than the cutoff (no margin: an exact proof stays exact)
    bound -= min(BOUND_SAFETY * abs(bound), MAX_SAFETY)
    return (bound if cutoff is None else min(cutoff, bound)), chosen


def _answers(search: Search, best: float) -> tuple[list[tuple[float, Award]], Callable[[list[Pattern]], float | None]]:
    """A list for the relaxation's answers that keep every rule, as (cost, award), and the
    ``on_answer`` callback that fills it: such an answer is an award, so the bound needed falls to
    its cost's target (the awards are offered after HiGHS returns: the progress callback may raise)."""
    found: list[tuple[float, Award]] = []

    def on_answer(patterns: list[Pattern]) -> float | None:
        award = award_from_patterns(patterns)
        if not exact_ok(search.reduced, award):
            return None
        cost = award_cost(search.reduced, award)
        found.append((cost, award))
        return min(cost, best) * (1 - search.target)

    return found, on_answer


class EnumerationSearch:
    """The enumeration as a step of the search, tried again whenever the best award has improved
    (a smaller budget, shorter lists) -- but not while the budget is near one at which the lists
    were too long."""

    def __init__(self, pricers: list[ItemPricer], duals: Duals, item_values: np.ndarray) -> None:
        self.pricers, self.duals, self.item_values = pricers, duals, item_values
        self.tried_at = np.inf  # the best cost at the last try
        self.too_long = np.inf  # the least budget at which the lists were too long
        self.applies = True
        # the items' lists made so far, per budget (``enumerate_patterns``; the duals and item
        # values are this search's for good)
        self.kept: dict[float, dict[int, ItemAwards]] = {}

    def attempt(self, search: Search, deadline: float) -> None:
        """Raise the bound by the relaxation and offer its answer (if it keeps every rule; else the
        answer of the relaxation tightened to that answer's total, whose capped vendors then keep
        their caps); again with the smaller budget while the best award improves."""
        reduced = search.reduced
        share = reduced.problem.constraints.max_vendor_share
        if not self.applies or share is None or share >= 1:
            return
        share = float(share)
        while not search.done() and not stopped() and time.monotonic() < deadline:
            best = search.best_cost
            lagrangian = float(self.item_values.sum())
            if best >= self.tried_at - 0.005 or best - lagrangian >= RETRY_BUDGET_SHARE * self.too_long:
                return
            self.tried_at = best
            # first a guess between the bound and the best award (a smaller budget, shorter lists):
            # min(guess, the relaxation's bound) bounds every award, cheaper or not than the guess
            caps = [best]
            guess = lagrangian + GUESS_SHARE * (best - lagrangian)
            if search.lower_bound < guess < best * (1 - search.target):
                caps.insert(0, guess)
            # the lists at the best award's budget, once: the guess's are taken from them
            # (``Enumerated.within``) -- if they are made in half the guess's time; else the guess
            # lists its own, shorter ones, as it did before
            guess_until = time.monotonic() + GUESS_TIME_SHARE * (deadline - time.monotonic())
            whole = self._lists(search, share, best,
                                deadline if len(caps) == 1 else (time.monotonic() + guess_until) / 2)
            budgeted, answer = False, None
            for cap in caps:
                if cap < best:  # the guess: a share of the time, the rest for the whole budget
                    until = guess_until
                    enumerated = (whole.within(self.item_values + (cap - lagrangian) * (1 + 1e-9) + 1e-6)
                                  if isinstance(whole, Enumerated) else self._lists(search, share, cap, until))
                else:
                    until = deadline
                    enumerated = whole if whole is not None else self._lists(search, share, cap, until)
                if isinstance(enumerated, Enumerated) and not budgeted:  # the first lists made
                    budgeted = True
                    self._budgeted(search, share, whole if isinstance(whole, Enumerated) else enumerated, deadline)
                    if search.done() or search.best_cost < best - 0.005:
                        break  # a better award: start again from it (shorter lists)
                answer = False if enumerated is False else self._try(search, share, cap, until, enumerated)
                if answer is False or search.best_cost < best - 0.005:
                    break  # too many, or a better award (start again from it)
            if answer is False:
                return
            if search.best_cost >= best - 0.005:
                return

    def _budgeted(self, search: Search, share: float, whole: Enumerated, deadline: float) -> None:
        """HiGHS choosing one award per item among the listed ones whose reduced cost is within a
        budget -- LIST_BUDGET_FIRST of the gap, then twice that, ... up to LIST_BUDGET_LAST, while
        they are at most LIST_BUDGET_MAX_PART of the ``whole`` lists, and only where those are long
        (LIST_BUDGET_MIN_LISTED) -- under the capped vendors' caps at the proven bound instead of
        the best cost (``solve_relaxation``): every award costs at least the bound, so its answers
        keep those caps (the uncapped vendors' are checked). A heuristic: over the whole lists HiGHS
        takes far longer (tiny-items 300x30x4 seed 0: over 7,462 listed awards 211,387.86 came
        after 11 s; over the 890 within a fifth of the gap, after 1.3 s; with the caps at the bound,
        over those within $20 of it, 211,394.65 after 0.8 s). (Tried first: the exact caps, as in
        ``lns.budgeted``: over 1,084 listed awards HiGHS took 17 s to reach 211,387.95; and the
        caps at the best cost, as in the relaxation: its answers broke them, and there was no
        time left to tighten them; awards/engine/README.md, twenty-second session.)"""
        if len(whole) < LIST_BUDGET_MIN_LISTED or not search.lower_bound > 0:
            return
        reduced = search.reduced
        lagrangian = float(self.item_values.sum())
        fraction = LIST_BUDGET_FIRST
        while fraction <= LIST_BUDGET_LAST and not search.done() and not stopped():
            best = search.best_cost
            within = whole.within(self.item_values + fraction * (best - lagrangian) * (1 + 1e-9) + 1e-6)
            if len(within) > LIST_BUDGET_MAX_PART * len(whole):
                return  # nearly the whole lists: the relaxation, which also bounds, is as quick
            now = time.monotonic()
            until = min(deadline, now + LIST_BUDGET_SLICE * (deadline - now))
            found, on_answer = _answers(search, best)
            solve_relaxation(within, reduced, share, search.lower_bound, until, stop_at=best * (1 - search.target),
                             cutoff=best, on_answer=on_answer, news=search.helper_news,
                             enough=lambda: bool(found) and search.would_finish(min(cost for cost, _ in found)))
            if found:
                search.offer(min(found, key=lambda entry: entry[0])[1], "enumeration within a budget")
            if time.monotonic() >= until - 0.05:
                return
            fraction *= 2

    def _lists(self, search: Search, share: float, cap: float, deadline: float) -> Enumerated | None | bool:
        """The kept awards within the budget cap - L; False if they are too many (or the
        enumeration does not apply), None at the deadline."""
        reduced = search.reduced
        budget = cap - float(self.item_values.sum())
        try:
            enumerated = enumerate_patterns(reduced, self.pricers, self.duals, self.item_values, cap, share,
                                            deadline, self.kept)
        except TooMany:
            self.too_long = min(self.too_long, budget)
            return False
        if enumerated is None and time.monotonic() < deadline and not stopped():
            self.applies = False  # not the deadline: it does not apply (no cap binds, bundles...)
            return False
        return enumerated

    def _try(self, search: Search, share: float, cap: float, deadline: float,
             enumerated: Enumerated | None) -> list[Pattern] | None:
        """The relaxation over the kept awards within the budget cap - L (None: the enumeration
        did not finish); offers the awards it finds and raises the bound."""
        reduced = search.reduced
        if enumerated is None:
            return None
        best = search.best_cost
        found, on_answer = _answers(search, best)
        stop_at = min(cap, best * (1 - search.target))
        bound, answer = solve_relaxation(
            enumerated, reduced, share, cap, deadline, stop_at=stop_at, cutoff=cap, on_answer=on_answer,
            # an award found that the search's bound (the background one's included) proves ends it
            enough=lambda: bool(found) and search.would_finish(min(cost for cost, _ in found)),
            news=search.helper_news)
        if found:
            search.offer(min(found, key=lambda entry: entry[0])[1], "enumeration")
        if bound is not None:
            search.raise_bound(bound, "enumeration bound")
        if answer is not None:
            award = award_from_patterns(answer)
            if not exact_ok(reduced, award):
                # (HiGHS may answer above its cutoff at its time limit: then nothing to tighten)
                total = sum(pattern.cost for pattern in answer)
                tightened = (solve_relaxation(enumerated, reduced, share, total, deadline, cutoff=best, gap=1e-6)[1]
                             if total < best else None)
                award = None if tightened is None else award_from_patterns(tightened)
            if award is not None:
                search.offer(award, "enumeration")
        return answer
