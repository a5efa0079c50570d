"""Presolve: turn bids into priced quantity segments and drop everything that can never be awarded.

A *segment* is one way a bid can be awarded: a tier together with the whole-unit range
``[lo, hi]`` in which that tier prices the award. The range is cut down by

- the bid's own rules: the tier's min_quantity up to the next tier's min_quantity - 1, the
  bid's max_quantity and the consortium's minimum award;
- its item: never more than the item's quantity, never so little that the other bids on the
  item (at most ``max_vendors_per_item - 1`` of them) cannot cover the rest, and never so much
  that the remainder is smaller than any other bid can take (unless it takes the whole item).

Bids left without a segment are dropped, and with them every bid they share a bundle with
(all-or-nothing). Dropping bids can tighten the others, so the passes repeat until nothing changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

import numpy as np

from .model import Bid, Problem


class Segment(NamedTuple):
    bid: int  # index into Reduced.bids
    tier: int  # index into the bid's tiers
    lo: int
    hi: int
    price: Decimal


@dataclass
class Reduced:
    """The presolved problem: surviving bids, their segments and the all-or-nothing groups."""

    problem: Problem
    bids: list[Bid]
    bid_item: list[int]  # index into problem.items
    bid_vendor: list[int]  # index into vendors
    vendors: list[str]
    segments: list[Segment]
    bundle_groups: list[list[int]]  # bid indices that are awarded all together or not at all
    dropped_bids: int = 0
    dropped_segments: int = 0
    stats: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.seg_bid = np.array([s.bid for s in self.segments], dtype=np.int64)
        self.seg_lo = np.array([s.lo for s in self.segments], dtype=np.float64)
        self.seg_hi = np.array([s.hi for s in self.segments], dtype=np.float64)
        self.seg_price = np.array([float(s.price) for s in self.segments], dtype=np.float64)
        self.seg_item = np.array([self.bid_item[s.bid] for s in self.segments], dtype=np.int64)
        self.seg_vendor = np.array([self.bid_vendor[s.bid] for s in self.segments], dtype=np.int64)
        self.item_quantity = np.array([item.quantity for item in self.problem.items], dtype=np.float64)
        self.segments_of_bid: list[list[int]] = [[] for _ in self.bids]
        for index, segment in enumerate(self.segments):
            self.segments_of_bid[segment.bid].append(index)
        self.bids_of_item: list[list[int]] = [[] for _ in self.problem.items]
        for index, item in enumerate(self.bid_item):
            self.bids_of_item[item].append(index)
        self.bid_position = {bid.id: index for index, bid in enumerate(self.bids)}  # bid id -> index


def _bundle_groups(problem: Problem) -> dict[str, int]:
    """Bids linked by (possibly overlapping) bundles, as a group number per bundled bid."""
    parent: dict[str, str] = {}

    def find(bid: str) -> str:
        while parent.setdefault(bid, bid) != bid:
            parent[bid] = parent[parent[bid]]
            bid = parent[bid]
        return bid

    for bundle in problem.bundles:
        first = find(bundle.bids[0])
        for other in bundle.bids[1:]:
            parent[find(other)] = first
    roots: dict[str, int] = {}
    return {bid: roots.setdefault(find(bid), len(roots)) for bid in list(parent)}


def _ranges(bid: Bid, least: int, most: int) -> list[tuple[int, int, int]]:
    """(tier index, lo, hi) for every tier that can price an award within [least, most]."""
    ranges = []
    for index, tier in enumerate(bid.tiers):
        upper = bid.tiers[index + 1].min_quantity - 1 if index + 1 < len(bid.tiers) else most
        lo, hi = max(tier.min_quantity, least), min(upper, most)
        if lo <= hi:
            ranges.append((index, lo, hi))
    return ranges


def _cut(ranges: list[tuple[int, int, int]], ceiling: int, whole: int) -> list[tuple[int, int, int]]:
    """Keep the quantities <= ceiling, plus exactly ``whole`` (the item's entire quantity)."""
    kept = []
    for tier, lo, hi in ranges:
        if lo <= min(hi, ceiling):
            kept.append((tier, lo, min(hi, ceiling)))
        if lo <= whole <= hi and whole > ceiling:
            kept.append((tier, whole, whole))
    return kept


def _tighten(
    quantity: int, base: dict[str, list[tuple[int, int, int]]], limit: int | None
) -> dict[str, list[tuple[int, int, int]]]:
    """Cut each bid's ranges by what the item's other bids can and cannot take."""
    firsts = sorted((found[0][1], bid_id) for bid_id, found in base.items())
    lasts = sorted(((found[-1][2], bid_id) for bid_id, found in base.items()), reverse=True)
    total_last = sum(hi for hi, _ in lasts)
    ranges = {}
    for bid_id, own in base.items():
        smallest_other = next((lo for lo, other in firsts if other != bid_id), None)
        own_last = own[-1][2]
        if limit is None:
            others_can_take = total_last - own_last
        else:
            top = [hi for hi, other in lasts[:limit] if other != bid_id][: limit - 1]
            others_can_take = sum(top)
        # The others (at most limit - 1 of them) cover at most others_can_take: this bid takes the rest.
        least = quantity - others_can_take
        own = [(tier, max(lo, least), hi) for tier, lo, hi in own if max(lo, least) <= hi]
        # Leaving a remainder smaller than any other bid can take is impossible.
        ceiling = quantity if smallest_other is None else quantity - smallest_other
        ranges[bid_id] = _cut(own, ceiling, quantity)
    return ranges


def presolve(problem: Problem) -> Reduced:
    group_of = _bundle_groups(problem)
    limit = problem.constraints.max_vendors_per_item
    alive = {bid.id for bid in problem.bids}
    base: dict[str, list[tuple[int, int, int]]] = {}
    for item in problem.items:
        for bid in problem.bids_by_item[item.id]:
            base[bid.id] = _ranges(
                bid, problem.min_award_for(item), min(item.quantity, bid.max_quantity or item.quantity)
            )
    ranges: dict[str, list[tuple[int, int, int]]] = {}
    dirty = {item.id for item in problem.items}
    while dirty:
        for item in problem.items:
            if item.id not in dirty:
                continue
            usable = {
                bid.id: base[bid.id]
                for bid in problem.bids_by_item[item.id]
                if bid.id in alive and base[bid.id]
            }
            for bid in problem.bids_by_item[item.id]:
                ranges[bid.id] = []
            ranges.update(_tighten(item.quantity, usable, limit))
        dead = {bid_id for bid_id in alive if not ranges.get(bid_id)}
        dead_groups = {group_of[bid_id] for bid_id in dead if bid_id in group_of}
        for bundle_bid, group in group_of.items():
            if group in dead_groups:
                dead.add(bundle_bid)
        # A bundle with more bids on one item than the per-item vendor limit allows is dead too.
        if limit is not None:
            members: dict[tuple[int, str], int] = {}
            for bundle_bid, group in group_of.items():
                key = (group, problem.bid_by_id[bundle_bid].item)
                members[key] = members.get(key, 0) + 1
            too_many = {group for (group, _), count in members.items() if count > limit}
            dead |= {bundle_bid for bundle_bid, group in group_of.items() if group in too_many}
        newly_dead = dead & alive
        alive -= newly_dead
        dirty = {problem.bid_by_id[bid_id].item for bid_id in newly_dead}

    item_index = {item.id: index for index, item in enumerate(problem.items)}
    kept = [bid for bid in problem.bids if bid.id in alive]
    vendors = sorted({bid.vendor for bid in kept})
    vendor_index = {vendor: index for index, vendor in enumerate(vendors)}
    segments = [
        Segment(index, tier, lo, hi, bid.tiers[tier].unit_price)
        for index, bid in enumerate(kept)
        for tier, lo, hi in ranges[bid.id]
    ]
    position = {bid.id: index for index, bid in enumerate(kept)}
    grouped: dict[int, list[int]] = {}
    for bid_id, group in group_of.items():
        if bid_id in position:
            grouped.setdefault(group, []).append(position[bid_id])
    return Reduced(
        problem=problem,
        bids=kept,
        bid_item=[item_index[bid.item] for bid in kept],
        bid_vendor=[vendor_index[bid.vendor] for bid in kept],
        vendors=vendors,
        segments=segments,
        bundle_groups=[sorted(group) for group in grouped.values() if len(group) > 1],
        dropped_bids=len(problem.bids) - len(kept),
        dropped_segments=sum(len(bid.tiers) for bid in problem.bids) - len(segments),
    )


def restrict(reduced: Reduced, keep: np.ndarray) -> Reduced:
    """The same problem with only the segments where ``keep`` is true (bundles stay all-or-nothing)."""
    keep = keep.copy()
    for group in reduced.bundle_groups:
        if any(not keep[reduced.segments_of_bid[b]].any() for b in group):
            for b in group:
                keep[reduced.segments_of_bid[b]] = False
    alive = [b for b in range(len(reduced.bids)) if keep[reduced.segments_of_bid[b]].any()]
    position = {b: index for index, b in enumerate(alive)}
    segments = [
        Segment(position[s.bid], s.tier, s.lo, s.hi, s.price)
        for s, kept in zip(reduced.segments, keep)
        if kept
    ]
    return Reduced(
        problem=reduced.problem,
        bids=[reduced.bids[b] for b in alive],
        bid_item=[reduced.bid_item[b] for b in alive],
        bid_vendor=[reduced.bid_vendor[b] for b in alive],
        vendors=reduced.vendors,
        segments=segments,
        bundle_groups=[
            [position[b] for b in group] for group in reduced.bundle_groups if all(b in position for b in group)
        ],
        dropped_bids=reduced.dropped_bids + len(reduced.bids) - len(alive),
        dropped_segments=reduced.dropped_segments + len(reduced.segments) - len(segments),
    )
