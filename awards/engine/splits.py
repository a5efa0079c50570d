"""Cap-filling splits: patterns that fill a capped vendor's share nearly exactly.

On capped families the master LP splits one big item per binding cap between the capped vendor
and the next-cheapest bid; an award made of whole-item patterns must instead fill each cap out of
whole-item lumps, so it leaves room under the caps. Here, for each capped vendor with room left
under its cap in the current award, and each item it bid on, the vendor's bid takes just the units
that fill the room and one other bid (of the item's current pattern, or of its cheapest whole-item
patterns in the pool) takes the rest. Everything comes from segment prices already known: no DP.
The pattern swaps (``heuristics.pattern_local_search``) then choose among them.
"""

from __future__ import annotations

import math

import numpy as np

from .master import Pattern
from .presolve import Reduced

MAX_SPLITS = 400  # per round: the cheapest changes against the current pattern
PARTNERS = 2  # cheapest whole-item single-bid patterns per item, besides the current pattern's bids
MIN_ROOM = 1.0  # dollars: rooms smaller than this are left alone


def _segment_for(reduced: Reduced, b: int, quantity: int) -> int | None:
    """The cheapest segment of bid b that prices exactly this quantity."""
    best, price = None, np.inf
    for s in reduced.segments_of_bid[b]:
        if reduced.seg_lo[s] <= quantity <= reduced.seg_hi[s] and reduced.seg_price[s] < price:
            best, price = s, reduced.seg_price[s]
    return best


def _fill(reduced: Reduced, b: int, target: float, whole: int) -> tuple[int, int] | None:
    """(segment, quantity) of bid b spending at most ``target`` but as much of it as possible,
    leaving at least one unit of the item to someone else."""
    best, spent = None, -1.0
    for s in reduced.segments_of_bid[b]:
        price = reduced.seg_price[s]
        q = min(int(math.floor(target / price + 1e-9)), int(reduced.seg_hi[s]), whole - 1)
        if q >= reduced.seg_lo[s] and q >= 1 and price * q > spent:
            best, spent = (s, q), price * q
    return best


def cap_filling_splits(
    reduced: Reduced, patterns: list[Pattern], chosen: list[int], capped: set[int], known: set[tuple]
) -> list[Pattern]:
    """New split patterns (not in ``known``, keys (item, award)) that fill the rooms under the
    capped vendors' caps left by the award ``chosen`` (one pattern index per item)."""
    share = reduced.problem.constraints.max_vendor_share
    limit = reduced.problem.constraints.max_vendors_per_item
    if share is None or reduced.bundle_groups or not capped or (limit is not None and limit < 2):
        return []
    share = float(share)
    vendors = len(reduced.vendors)
    spend = np.zeros(vendors)
    for k in chosen:
        for b, s, q in patterns[k].award:
            spend[reduced.bid_vendor[b]] += reduced.seg_price[s] * q
    total = float(spend.sum())
    singles: dict[int, list[Pattern]] = {}
    for pattern in patterns:
        if len(pattern.award) == 1:
            singles.setdefault(pattern.item, []).append(pattern)
    for item in singles:
        singles[item].sort(key=lambda p: p.cost)
    found: dict[tuple, tuple[float, Pattern]] = {}
    for v in sorted(capped):
        room = share * total - spend[v]
        if room < MIN_ROOM:
            continue
        for b in np.flatnonzero(np.asarray(reduced.bid_vendor) == v):
            b = int(b)
            item = reduced.bid_item[b]
            whole = int(reduced.item_quantity[item])
            current = patterns[chosen[item]]
            own = sum(reduced.seg_price[s] * q for bb, s, q in current.award if reduced.bid_vendor[bb] == v)
            partners = [bb for bb, _, _ in current.award if reduced.bid_vendor[bb] != v]
            partners += [p.award[0][0] for p in singles.get(item, [])
                         if reduced.bid_vendor[p.award[0][0]] != v][:PARTNERS]
            for partner in dict.fromkeys(partners):
                target = own + room
                for _ in range(2):  # the cap moves with the total: aim again once
                    fill = _fill(reduced, b, target, whole)
                    if fill is None:
                        break
                    s, q = fill
                    other = _segment_for(reduced, partner, whole - q)
                    if other is None:
                        fill = None
                        break
                    cost = reduced.seg_price[s] * q + reduced.seg_price[other] * (whole - q)
                    change = cost - current.cost
                    target = own + share * (total + change) - spend[v]
                if fill is None:
                    continue
                pattern = Pattern.make(reduced, item, {b: (s, q), partner: (other, whole - q)})
                key = (item, pattern.award)
                if key in known or key in found:
                    continue
                if reduced.seg_price[s] * q - own > share * (total + change) - spend[v] + 1e-6:
                    continue  # still over the cap after the second aim
                found[key] = (pattern.cost - current.cost, pattern)
    ranked = sorted(found.values(), key=lambda entry: entry[0])
    return [pattern for _, pattern in ranked[:MAX_SPLITS]]

