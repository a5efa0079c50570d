"""Exact pricing of one big item over its bids' segment ends, not over every unit count.

``ItemPricer.price`` runs a DP over "units covered" (``itemdp``): O(quantity) per segment, 5-25 ms
on an item of 30,000-50,000 units, most of a pricing pass on instances with such items. This
module gets the same least cost from far fewer numbers, by two facts:

1. Once each used bid's segment is chosen, the quantities solve a linear program with one
   equation (they add up to the item's quantity) and a range per bid; at an optimal vertex at
   most one bid lies strictly inside its segment's range, every other at one of its two ends
   (whatever the signs of the prices: it is a vertex of a box cut by one hyperplane).
2. At most one whole-capable bid is used (``pricing``'s merge argument; the caller passes as
   ``whole`` only bids for which it holds).

So it suffices to try each bid as the one "free" bid (any quantity in one of its segments) with
every other bid unused or at a segment end -- a DP over the sums of segment ends, a few hundred
to a few thousand states -- the whole-capable bids forming one stage (at most one of them). The
vendor limit counts the bids used. Where the states would be too many (many bids with
capacities), the caller keeps the unit DP.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

MAX_STATES = 60_000  # states of one stage's product above which the unit DP is used instead


class _Stage:
    """One stage's options: (quantity, cost, bid, segment), option 0 being "none"."""

    def __init__(self, quantity: np.ndarray, cost: np.ndarray, bid: np.ndarray, segment: np.ndarray) -> None:
        self.quantity, self.cost, self.bid, self.segment = quantity, cost, bid, segment


def _end_points(bids: Sequence[int], segments: dict[int, list[int]], lo: np.ndarray, hi: np.ndarray,
                quantity: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(quantity, bid, segment) of nothing (entry 0) or one of ``bids`` at one end of one of its
    segments (cut to ``quantity``): the same at any prices, so the caller may keep them."""
    q, b_, s_ = [0], [-1], [-1]
    for b in bids:
        for s in segments[b]:
            low, high = int(lo[s]), min(int(hi[s]), quantity)
            for end in sorted({low, high}) if low <= high else ():
                q.append(end)
                b_.append(b)
                s_.append(s)
    return np.array(q, dtype=np.int64), np.array(b_, dtype=np.int64), np.array(s_, dtype=np.int64)


def _ends(points: tuple[np.ndarray, np.ndarray, np.ndarray], price: np.ndarray, fixed: np.ndarray | None) -> _Stage:
    """The stage of ``_end_points`` at these prices."""
    quantity, bid, segment = points
    cost = price[segment] * quantity
    if fixed is not None:
        cost = cost + fixed[bid]
    cost[0] = 0.0
    return _Stage(quantity, cost, bid, segment)


class _Table:
    """The least cost of each (units covered, bids used) reachable through the stages, with the
    choices behind it for the backtrack."""

    def __init__(self) -> None:
        self.covered = np.zeros(1, dtype=np.int64)
        self.used = np.zeros(1, dtype=np.int64)
        self.cost = np.zeros(1)
        self.steps: list[tuple[_Stage, np.ndarray, np.ndarray]] = []  # (stage, parent, option) per state

    def extend(self, stage: _Stage, quantity: int, limit: int) -> None:
        covered = self.covered[:, None] + stage.quantity[None, :]
        used = self.used[:, None] + (stage.quantity > 0)[None, :]
        cost = self.cost[:, None] + stage.cost[None, :]
        parent, option = np.nonzero((covered <= quantity) & (used <= limit) & np.isfinite(cost))
        covered, used, cost = covered[parent, option], used[parent, option], cost[parent, option]
        key = covered * (limit + 1) + used
        order = np.lexsort((cost, key))
        first = np.ones(len(order), dtype=bool)
        first[1:] = key[order][1:] != key[order][:-1]
        keep = order[first]
        self.covered, self.used, self.cost = covered[keep], used[keep], cost[keep]
        self.steps.append((stage, parent[keep], option[keep]))

    def copy(self) -> _Table:
        """The same states (``extend`` replaces the arrays, never changes them)."""
        other = _Table()
        other.covered, other.used, other.cost, other.steps = self.covered, self.used, self.cost, list(self.steps)
        return other

    def award(self, state: int) -> dict[int, tuple[int, int]]:
        award: dict[int, tuple[int, int]] = {}
        for stage, parent, option in reversed(self.steps):
            chosen = int(option[state])
            if chosen:
                award[int(stage.bid[chosen])] = (int(stage.segment[chosen]), int(stage.quantity[chosen]))
            state = int(parent[state])
        return award


def states(general: Sequence[int], whole: Sequence[int], segments: dict[int, list[int]]) -> int:
    """How many states the biggest table could reach (before merging equal sums)."""
    count = 1 + 2 * sum(len(segments[b]) for b in whole)
    for b in general:
        count *= 1 + 2 * len(segments[b])
    return count


def sparse_price(quantity: int, general: Sequence[int], whole: Sequence[int], segments: dict[int, list[int]],
                 lo: np.ndarray, hi: np.ndarray, price: np.ndarray, fixed: np.ndarray | None,
                 limit: int | None, cache: dict | None = None) -> tuple[float, dict[int, tuple[int, int]] | None]:
    """Least cost of covering ``quantity`` with ``general`` bids (any number, up to ``limit`` bids
    in all) and at most one of the ``whole`` bids, and the award bid -> (segment, quantity);
    (inf, None) if there is none. Same answer as the unit DP (``ItemPricer.price``). ``cache``: a
    dict the caller keeps for these ``segments``, ``lo``, ``hi`` and ``quantity`` (the segment
    ends do not change with the prices)."""
    cache = {} if cache is None else cache

    def points(bids: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if bids not in cache:
            cache[bids] = _end_points(bids, segments, lo, hi, quantity)
        return cache[bids]

    cap = len(general) + len(whole) if limit is None else limit
    whole_stage = _ends(points(tuple(whole)), price, fixed)
    ends = [_ends(points((b,)), price, fixed) for b in general]
    best, found = np.inf, None
    prefix = _Table()  # the general bids before the free one, at their ends (shared by the later ones)
    for j, free in enumerate([*general, None]):
        table = prefix.copy()
        for stage in ends[j + 1 :]:
            table.extend(stage, quantity, cap)
        if free is not None:
            prefix.extend(ends[j], quantity, cap)
            table.extend(whole_stage, quantity, cap)
        # the free bid (each whole one where none is free) at any quantity of one of its segments
        # that completes a state: every (segment, state) at once, segments first as a loop would
        pairs = [(b, s) for b in ([free] if free is not None else whole) for s in segments[b]]
        if not pairs or not len(table.cost):
            continue
        bids = np.array([b for b, _ in pairs], dtype=np.int64)
        segs = np.array([s for _, s in pairs], dtype=np.int64)
        low, high = np.maximum(lo[segs], 1)[:, None], hi[segs][:, None]
        charge = np.zeros(len(pairs)) if fixed is None else fixed[bids].astype(float)
        rest = (quantity - table.covered)[None, :]
        ok = (rest >= low) & (rest <= high) & (table.used < cap)[None, :]
        values = np.where(ok, table.cost[None, :] + price[segs][:, None] * rest + charge[:, None], np.inf)
        k, at = np.unravel_index(int(np.argmin(values)), values.shape)
        if values[k, at] < best:
            best = float(values[k, at])
            found = (table, int(at), int(bids[k]), int(segs[k]), int(rest[0, at]))
    if found is None:
        return np.inf, None
    table, at, b, s, q = found
    award = table.award(at)
    award[b] = (s, q)
    return best, award
