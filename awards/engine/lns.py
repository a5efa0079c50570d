"""Large-neighbourhood search over the pattern pool.

The pool IP (HiGHS choosing one pooled pattern per item for every item at once) finds the big
steps but stalls on its larger stage; pattern swaps and ejection chains change at most a handful
of items. In between: keep the award on most items and let HiGHS re-choose, exactly, the pooled
patterns of a few dozen items -- those two or three capped vendors hold (the vendors whose caps
the award must fill out of whole items) and the items whose cheap pooled patterns would give them
units. Such a sub-problem has a few hundred binaries and one row per vendor whose cap it could
break; HiGHS gets at most SUB_SECONDS on it, started from the current choice and told to look
only for cheaper ones, so a neighbourhood either improves the award or costs well under a second.
It stops after MAX_MISSES neighbourhoods in a row (or the caller's stall time) without a better
choice, and gives the time back to the restricted search.

Where the background branch-and-price runs, its best open node guides them: at most every
GUIDE_SECONDS the items where that node's LP (which costs about the tree's bound) uses patterns
other than the award's are re-chosen together (``_guided``), beside one neighbourhood of the kind
above. A better award often needs a big item split and a chain of some 35 items among capped
vendors to make room (mixed-sizes seed 2): the random neighbourhoods rarely free them together,
the tree's best node names them.

AT_ONCE neighbourhoods, on disjoint items, are solved side by side in threads: HiGHS lets go of
the GIL while it solves (400 pairs of MIPs in parallel ran at twice the serial throughput, none
failed), and both changes are kept together when the caps allow it. The threads do not ask the
caller's stop check (it may read a database); a stop waits for at most SUB_SECONDS.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from .formulation import INF
from .highs import new_highs, run_mip, stop_when_enough, stopped
from .master import Pattern
from .presolve import Reduced

MAX_FREE_ITEMS = 60  # items re-chosen together, at most
# HiGHS time for one neighbourhood, at most (on a machine 3x slower than the one it was set on
# they all run into it; letting it grow to 2 s there was worse: README, eighteenth session)
SUB_SECONDS = 0.6
MAX_MISSES = 8  # neighbourhoods in a row without a better choice, and they give way
AT_ONCE = 2  # neighbourhoods solved side by side (HiGHS lets go of the GIL; 2 cores)
# the background tree's best node is asked for at most this often (``pool_lns``'s guide; 1 s
# proved mixed-sizes seed 2 but left heavy-tail seed 2 at 0.0165%, 0.5 s at 0.0129%)
GUIDE_SECONDS = 0.5
MAX_GUIDED = 120  # items re-chosen together where the tree's best node differs, at most
CAP_MARGIN = 1e-9  # relative margin on the caps (the exact Decimal check follows anyway)


class PoolArrays:
    """The pool as dense arrays: item, cost and spend per vendor of each pattern."""

    def __init__(self, reduced: Reduced, patterns: list[Pattern]) -> None:
        count, vendors = len(patterns), len(reduced.vendors)
        self.items = np.array([pattern.item for pattern in patterns], dtype=np.int64)
        self.cost = np.array([pattern.cost for pattern in patterns])
        self.spend = np.zeros((count, vendors))
        for k, pattern in enumerate(patterns):
            for b, s, q in pattern.award:
                self.spend[k, reduced.bid_vendor[b]] += reduced.seg_price[s] * q
        self.of_item: list[np.ndarray] = [np.zeros(0, dtype=np.int64)] * (int(self.items.max(initial=-1)) + 1)
        order = np.argsort(self.items, kind="stable")
        bounds = np.searchsorted(self.items[order], np.arange(len(self.of_item) + 1))
        for item in range(len(self.of_item)):
            self.of_item[item] = order[bounds[item] : bounds[item + 1]]


def _solve_sub(pool: PoolArrays, chosen: np.ndarray, free: list[int], share: float,
               deadline: float, allowed: np.ndarray | None = None, seconds: float = SUB_SECONDS,
               enough: Callable[[float], bool] | None = None, repair: bool = False) -> np.ndarray | None:
    """The cheapest choice of pooled patterns for the ``free`` items (only ``allowed`` ones
    besides the current choice, if given), the others kept; None if HiGHS found nothing better
    than the current choice in ``seconds``. HiGHS stops at the first choice whose total cost
    ``enough`` says yes to (in the calling thread only: ``budgeted``). ``repair``: the current
    choice breaks a cap, so any choice within the caps will do, however dear (``repair``: no
    cutoff at the current choice's cost)."""
    if allowed is not None:
        allowed = allowed.copy()
        allowed[chosen] = True
        free = [i for i in free if allowed[pool.of_item[i]].sum() > 1]
    if not free:
        return None
    columns = np.concatenate([pool.of_item[i] if allowed is None else pool.of_item[i][allowed[pool.of_item[i]]]
                              for i in free])
    free_set = np.zeros(len(chosen), dtype=bool)
    free_set[free] = True
    kept = chosen[~free_set]
    fixed_total = float(pool.cost[kept].sum())
    fixed_spend = pool.spend[kept].sum(axis=0)
    current = chosen[free]
    total = fixed_total + float(pool.cost[current].sum())
    scale = 100.0 / max(float(pool.cost[columns].max()), 1.0)
    cap = share * (1 - CAP_MARGIN)
    room = cap * fixed_total - fixed_spend - 0.01
    # a vendor's row can only bind if the free items' choices could push it past its room
    worst = np.zeros(pool.spend.shape[1])
    for i in free:
        worst += (pool.spend[pool.of_item[i]] - cap * pool.cost[pool.of_item[i]][:, None]).max(axis=0)
    rows = np.flatnonzero(worst > room)

    h = new_highs()
    n = len(columns)
    h.addVars(n, np.zeros(n), np.ones(n))
    h.changeColsCost(n, np.arange(n, dtype=np.int32), pool.cost[columns] * scale)
    h.changeColsIntegrality(n, np.arange(n, dtype=np.int32), np.ones(n, dtype=np.uint8))
    position = {int(k): j for j, k in enumerate(columns)}
    for i in free:
        index = np.array([position[int(k)] for k in pool.of_item[i] if int(k) in position], dtype=np.int32)
        h.addRow(1.0, 1.0, len(index), index, np.ones(len(index)))
    if len(rows):
        # the free items' total as a column of its own, so that each vendor's row holds its spends
        # and that column instead of every column's cost (spend - cap * cost, a dense row): on
        # heavy-tail and mixed-sizes 300x30x4, 8 of 10 proven sooner (heavy-tail seeds 0 and 3 in 7 s
        # instead of 9.5; README, twenty-second session)
        h.addVar(0.0, INF)
        h.addRow(0.0, 0.0, n + 1, np.arange(n + 1, dtype=np.int32), np.append(pool.cost[columns] * scale, -1.0))
        for v in rows:
            values = pool.spend[columns, v] * scale
            nonzero = np.flatnonzero(values).astype(np.int32)
            h.addRow(-INF, room[v] * scale, len(nonzero) + 1, np.append(nonzero, n).astype(np.int32),
                     np.append(values[nonzero], -cap))
    start = np.array([position[int(k)] for k in current], dtype=np.int32)
    start_values = np.ones(len(start))
    if h.getNumCol() > n:  # the total column: the current choice's
        start = np.append(start, n).astype(np.int32)
        start_values = np.append(start_values, float(pool.cost[current].sum()) * scale)
    h.setSolution(len(start), start, start_values)
    left = min(deadline - time.monotonic(), seconds)
    if left < 0.05 or stopped():
        return None
    h.setOptionValue("time_limit", left)
    h.setOptionValue("mip_rel_gap", 1e-7)
    h.setOptionValue("presolve", "off")
    if not repair:
        h.setOptionValue("objective_bound", (total - fixed_total) * scale * (1 - 1e-9))
    if enough is not None:
        stop_when_enough(h, enough, lambda value: fixed_total + value / scale)
    if not run_mip(h) or h.getInfo().primal_solution_status != 2:
        return None
    values = np.asarray(h.getSolution().col_value)[:n]
    picked = columns[values > 0.5]
    if len(picked) != len(free) or (not repair and float(pool.cost[picked].sum())
                                    >= float(pool.cost[current].sum()) - 0.005):
        return None
    better = chosen.copy()
    better[pool.items[picked]] = picked
    return better


def repair(pool: PoolArrays, share: float, chosen: list[int], free: list[int], allowed: np.ndarray,
           deadline: float) -> list[int] | None:
    """The cheapest choice of ``allowed`` pooled patterns for the ``free`` items that keeps every
    share cap, the other items keeping their ``chosen`` pattern (which may break a cap: e.g. the
    master LP's choice, rounded); None if HiGHS found none by the deadline."""
    found = _solve_sub(pool, np.array(chosen, dtype=np.int64), free, share, deadline, allowed=allowed,
                       seconds=deadline - time.monotonic(), repair=True)
    return None if found is None else [int(k) for k in found]


def budgeted(reduced: Reduced, patterns: list[Pattern], chosen: list[int], allowed: np.ndarray,
             deadline: float, enough: Callable[[float], bool] | None = None) -> list[int] | None:
    """The cheapest choice of one pooled pattern per item among the ``allowed`` ones (and the
    ``chosen`` ones), HiGHS started from ``chosen``, by the deadline or at the first choice whose
    cost ``enough`` says yes to; None if it found none cheaper (``poolsearch`` gives it the
    patterns within a budget of reduced cost)."""
    pool = PoolArrays(reduced, patterns)
    share = float(reduced.problem.constraints.max_vendor_share)
    current = np.array(chosen, dtype=np.int64)
    better = _solve_sub(pool, current, list(range(len(current))), share, deadline, allowed=allowed,
                        seconds=deadline - time.monotonic(), enough=enough)
    return None if better is None else [int(k) for k in better]


def _neighbourhood(pool: PoolArrays, chosen: np.ndarray, capped: list[int], reduced_costs: np.ndarray,
                   rng: random.Random, exclude: set[int]) -> list[int]:
    """Items of two or three capped vendors: those they hold, and those with a cheap pooled
    pattern that gives them units, cheapest alternatives first, at most MAX_FREE_ITEMS; none of
    the items in ``exclude`` (another neighbourhood's, solved at the same time)."""
    vendors = rng.sample(capped, k=min(len(capped), rng.choice((2, 2, 3))))
    held = set(np.flatnonzero((pool.spend[chosen][:, vendors] > 0).any(axis=1)).tolist()) - exclude
    touching = np.flatnonzero((pool.spend[:, vendors] > 0).any(axis=1))
    score: dict[int, float] = {}
    for k in touching:
        item = int(pool.items[k])
        if item not in held and item not in exclude:
            score[item] = min(score.get(item, np.inf), float(reduced_costs[k]) * rng.uniform(0.5, 1.5))
    held_list = list(held)
    rng.shuffle(held_list)
    free = held_list[: MAX_FREE_ITEMS * 2 // 3]
    free += sorted(score, key=score.get)[: MAX_FREE_ITEMS - len(free)]
    return free


def _guided(pool: PoolArrays, current: np.ndarray, support: list[tuple[int, float]]) -> list[int]:
    """The items whose patterns in ``support`` (pool index, weight: the background tree's best
    node's LP solution) are not the current choice, the most weight away from it first, at most
    MAX_GUIDED. That node's LP costs about the tree's bound, so where the current award is far
    above it, these items (a split of a big item and the chain among capped vendors that makes
    room for it) are where the money is."""
    away: dict[int, float] = {}
    for k, weight in support:
        item = int(pool.items[k])
        if current[item] != k:
            away[item] = away.get(item, 0.0) + weight
    return sorted(away, key=lambda item: (-away[item], item))[:MAX_GUIDED]


def _merged(pool: PoolArrays, current: np.ndarray, won: list[tuple[list[int], np.ndarray]],
            share: float) -> np.ndarray:
    """Neighbourhoods solved side by side from ``current`` change disjoint items, but the caps
    couple them: both changes together if that keeps every cap (with the sub-problems' margin),
    else the better one alone."""
    best = min((result for _, result in won), key=lambda choice: float(pool.cost[choice].sum()))
    if len(won) == 1:
        return best
    together = current.copy()
    for free, result in won:
        together[free] = result[free]
    total = float(pool.cost[together].sum())
    room = share * (1 - CAP_MARGIN) * total - pool.spend[together].sum(axis=0)
    if (room >= 0.01).all() and total < float(pool.cost[best].sum()):
        return together
    return best


def applies(reduced: Reduced, mu: np.ndarray | None) -> bool:
    """Whether neighbourhoods can help: a share cap that binds on two vendors or more (the LP's
    share prices ``mu``), and no bundles (a bundle ties items the neighbourhoods would split)."""
    return (reduced.problem.constraints.max_vendor_share is not None and not reduced.bundle_groups
            and mu is not None and int((mu > 1e-9).sum()) >= 2)


def pool_lns(reduced: Reduced, patterns: list[Pattern], chosen: list[int], reduced_costs: np.ndarray,
             mu: np.ndarray, deadline: float, stall: float,
             on_better: Callable[[list[int]], list[int] | None], seed: int = 0,
             stats: dict | None = None,
             guide: Callable[[], tuple[list[tuple[int, float]], np.ndarray]] | None = None,
             between: Callable[[], list[int] | None] | None = None) -> list[int] | None:
    """Improve a choice of one pooled pattern per item by re-choosing a few dozen items at a time
    (see the module docstring) until the deadline, or ``stall`` seconds without a better choice.
    Each better choice goes to ``on_better`` at once (the caller's best award and progress); it
    returns the choice to go on from (that one, or one it improved further, e.g. by pattern
    swaps), or None to stop (the target is reached). Returns the last choice, None if none was
    better than ``chosen``.
    ``stats``, if given, gets the neighbourhoods tried and improved (and those of them guided).
    ``guide``, if given, is asked at most every GUIDE_SECONDS for the tree's best node's LP, as
    (pool index, weight) pairs, and the pool's reduced costs; it may first pool patterns of its
    own (appended to ``patterns``, which the pool arrays then follow).
    ``between``, if given, is asked before each round (``poolsearch``: the budgeted search, once
    the gap is near): a choice it returns is where they go on from, an empty one ends them; it
    may pool patterns too (then unscored until the next guide: reduced cost inf)."""
    stats = {} if stats is None else stats
    if not applies(reduced, mu) or not patterns:
        return None
    share = reduced.problem.constraints.max_vendor_share
    pool = PoolArrays(reduced, patterns)
    current = np.array(chosen, dtype=np.int64)
    capped = [int(v) for v in np.flatnonzero(mu > 1e-9)]
    rng = random.Random(seed)
    improved = False
    tried = wins = 0
    last_win = time.monotonic()
    misses = 0
    last_guide, last_guided = -np.inf, None
    guided_tried = guided_won = 0
    workers = AT_ONCE if (os.cpu_count() or 1) > 1 else 1
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="award-neighbourhood") as executor:
        while (time.monotonic() < deadline - 0.05 and not stopped() and time.monotonic() - last_win <= stall
               and misses < MAX_MISSES):
            if between is not None:
                following = between()
                if len(patterns) > len(pool.items):  # it pooled patterns of its own
                    pool = PoolArrays(reduced, patterns)  # (their reduced costs come with the next guide)
                    reduced_costs = np.append(reduced_costs, np.full(len(patterns) - len(reduced_costs), np.inf))
                if following is not None:
                    if not following:
                        break
                    current, improved, last_win, misses = np.array(following, dtype=np.int64), True, time.monotonic(), 0
            frees: list[list[int]] = []
            taken: set[int] = set()
            guided = False  # frees[0] is the guide's
            if guide is not None and time.monotonic() - last_guide >= GUIDE_SECONDS:
                last_guide = time.monotonic()
                support, reduced_costs = guide()
                if len(patterns) > len(pool.items):  # the guide pooled patterns of its own
                    pool = PoolArrays(reduced, patterns)
                free = _guided(pool, current, support)
                key = (tuple(free), current.tobytes())
                if free and key != last_guided:  # (the same sub-problem again would fail again)
                    last_guided, guided = key, True
                    frees.append(free)
                    taken.update(free)
            for _ in range(workers - len(frees)):
                free = _neighbourhood(pool, current, capped, reduced_costs, rng, taken)
                if free:
                    frees.append(free)
                    taken.update(free)
            if not frees:
                break
            start = current
            results = list(executor.map(lambda free: _solve_sub(pool, start, free, float(share), deadline), frees))
            tried += len(frees)
            won = [(free, result) for free, result in zip(frees, results) if result is not None]
            if guided:
                guided_tried += 1
                guided_won += results[0] is not None
            if not won:
                misses += len(frees)
                continue
            misses = 0
            wins += len(won)
            last_win = time.monotonic()
            improved = True
            better = _merged(pool, current, won, float(share))
            following = on_better([int(k) for k in better])
            if following is None:
                current = better
                break
            current = np.array(following, dtype=np.int64)
    stats.update(tried=tried, improved=wins, guided_tried=guided_tried, guided_improved=guided_won)
    return [int(k) for k in current] if improved else None
