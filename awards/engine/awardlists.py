"""The projected enumeration's kept awards (``projection``): one item's as arrays, with an
award's pattern built only when asked for, all items' side by side, and the Pareto filter that
keeps an award only if no other costs no more and spends no more on any capped vendor."""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

import numpy as np

from .itemdp import ItemDP
from .master import Pattern
from .presolve import Reduced


@dataclass
class ItemAwards:
    """One item's kept awards, as arrays; an award's pattern (a DP backtrack) is built only when
    asked for (the relaxation picks one per item of thousands: building them all took a third of
    the enumeration's time on tiny-items)."""

    item: int
    cost: np.ndarray  # raw cost of each kept award
    spend: np.ndarray  # (kept awards, capped vendors)
    reduced: Reduced | None = None
    dp: ItemDP | None = None  # the uncapped bids' DP
    on_capped: tuple[int, ...] = ()
    taken: np.ndarray | None = None  # (kept awards, the item's capped bids): their units
    remaining: np.ndarray | None = None  # units left to the uncapped bids
    allowed: np.ndarray | None = None  # how many uncapped bids may cover them; None: any number
    # a lower bound on each kept award's adjusted cost (the master's prices), increasing in its
    # cost and spends: (1 - share * sum(mu)) * cost + sum(mu_v * spend_v); set by enumerate_patterns
    adjusted: np.ndarray | None = None

    def subset(self, keep: np.ndarray) -> ItemAwards:
        def part(values: np.ndarray | None) -> np.ndarray | None:
            return None if values is None else values[keep]

        return replace(self, cost=self.cost[keep], spend=self.spend[keep], taken=part(self.taken),
                       remaining=part(self.remaining), allowed=part(self.allowed), adjusted=part(self.adjusted))

    def pattern(self, k: int) -> Pattern:
        reduced = self.reduced
        award: dict[int, tuple[int, int]] = {}
        for j, b in enumerate(self.on_capped):
            if self.taken[k, j] > 0:
                award[b] = (_segment_of(reduced, b, int(self.taken[k, j])), int(self.taken[k, j]))
        rem = int(self.remaining[k])
        if rem:
            column = self.dp.table[:, rem]
            if self.allowed is not None:
                column = np.where(np.arange(self.dp.levels) <= self.allowed[k], column, np.inf)
            award.update(self.dp.backtrack(int(np.argmin(column)), rem))
        return Pattern.make(reduced, self.item, award)


class Enumerated:
    """The kept awards of every item (concatenated), their raw cost and spend on each capped
    vendor; ``pattern(k)`` builds one."""

    def __init__(self, vendors: list[int], lists: list[ItemAwards]) -> None:
        self.vendors = vendors
        self.lists = lists
        sizes = [len(entry.cost) for entry in lists]
        self.item = np.repeat(np.array([entry.item for entry in lists], dtype=np.int64), sizes)
        self.cost = np.concatenate([entry.cost for entry in lists]) if lists else np.zeros(0)
        self.spend = (np.vstack([entry.spend for entry in lists]) if lists
                      else np.zeros((0, len(vendors))))
        self.owner = np.repeat(np.arange(len(lists)), sizes)
        self.offset = np.repeat(np.cumsum(sizes) - sizes, sizes)

    def __len__(self) -> int:
        return len(self.cost)

    def pattern(self, k: int) -> Pattern:
        return self.lists[int(self.owner[k])].pattern(int(k - self.offset[k]))

    def within(self, limit: np.ndarray) -> Enumerated:
        """The kept awards whose adjusted cost (its lower bound ``ItemAwards.adjusted``) is at most
        ``limit`` (per item). Made at a larger budget, they serve a smaller one: every award of an
        item within the smaller budget is kept or dominated by a kept one, and that one is within
        it too (its bound only grows with cost and spends). (``enumerate_patterns`` at the smaller
        budget may list more: it prunes by a lower bound, so awards just over it can pass.)"""
        return Enumerated(self.vendors, [entry.subset(entry.adjusted <= limit[entry.item]) for entry in self.lists])

    @property
    def patterns(self) -> list[Pattern]:
        """Every kept award's pattern (for checks; the search builds only those it picks)."""
        return [self.pattern(k) for k in range(len(self))]


PARETO_BLOCK = 256  # points compared at once in ``pareto_front``


def _no_more(these: np.ndarray, than: np.ndarray) -> np.ndarray:
    """[i, j]: point j of ``these`` spends no more than point i of ``than`` anywhere (a loop over
    the few columns: numpy reduces a short last axis slowly)."""
    result = these[None, :, 0] <= than[:, 0, None]
    for d in range(1, these.shape[1]):
        result &= these[None, :, d] <= than[:, d, None]
    return result


def pareto_front(cost: np.ndarray, spend: np.ndarray, deadline: float) -> np.ndarray:
    """Indices of the points no other point dominates (costs no more, spends no more anywhere);
    raises TimeoutError past the deadline. In cost order, a block of points at a time: a point is
    dropped if a kept point or an earlier point of its block spends no more anywhere (dominance
    is transitive, so an earlier point of the block that is itself dropped drops nothing that a
    kept one would not)."""
    spend = spend[:, (spend != 0).any(axis=0)]  # the capped vendors the item's awards pay
    order = np.lexsort((*[spend[:, d] for d in range(spend.shape[1] - 1, -1, -1)], cost))
    points = spend[order]
    if points.shape[1] <= 1:  # kept: spends less than every cheaper point (or is the first)
        if not len(order) or not points.shape[1]:
            return order[:1]
        column = points[:, 0]
        least_before = np.concatenate([[np.inf], np.minimum.accumulate(column)[:-1]])
        return order[column < least_before]
    kept = np.empty((0, spend.shape[1]))
    picked: list[np.ndarray] = []
    for start in range(0, len(order), PARETO_BLOCK):
        if start and time.monotonic() > deadline:
            raise TimeoutError
        block = points[start : start + PARETO_BLOCK]
        out = _no_more(kept, block).any(axis=1)
        out |= np.tril(_no_more(block, block), -1).any(axis=1)
        kept = np.vstack([kept, block[~out]])
        picked.append(order[start : start + PARETO_BLOCK][~out])
    return np.concatenate(picked) if picked else np.zeros(0, dtype=np.int64)


def _segment_of(reduced: Reduced, bid: int, quantity: int) -> int:
    """The cheapest segment of ``bid`` pricing ``quantity`` units (the one its cost curve used)."""
    best, pick = np.inf, -1
    for s in reduced.segments_of_bid[bid]:
        if reduced.seg_lo[s] <= quantity <= reduced.seg_hi[s] and reduced.seg_price[s] < best:
            best, pick = reduced.seg_price[s], s
    return pick
