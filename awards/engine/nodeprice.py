"""Column generation at one node of the branch-and-price tree (``branching``): the master LP with
the patterns the node's decisions bar left out, and every item priced under the decisions on it,
exactly, so that each complete pricing pass bounds every award in the node.

A decision on a bid's quantity on an item is kept in pricing: "not used" leaves the bid out of the
item's DP; "used" gives it a credit larger than the spread of every award's adjusted cost on the
item (added back afterwards); any other range cuts the bid's segments to it
(``ItemPricer.restricted``). An item without decisions whose price at one of its last 32 pricings
still bounds it at the node's multipliers skips its DP (``_known_lower``); items whose bids all
take them whole are priced together in one vector step (``pricing.WholeOnly``).
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from .highs import stopped
from .master import Duals, Master, Pattern
from .pricing import ItemPricer, WholeOnly, column_below
from .presolve import Reduced

if TYPE_CHECKING:
    from .branching import Node

RESTRICTED_CACHE = 32
# per item without decisions, its least adjusted costs at the last this many multipliers it was
# priced at (``_known_lower`` bounds it by the best of them). The last one alone until 2026-12-06:
# of 17,201 DPs in 8 s of heavy-tail 300x30x4 seed 12's tree 14 found a column, the rest were
# priced only for the bound; with 16 or more kept, the same 60 nodes took 40% fewer DPs
KEEP_PRICED = 32
MEMORY_VALUES = 4_000_000  # ... fewer where items x bids x that would pass this many numbers (32 MB)
# (item, bid, least, most): the bid's quantity on the item must lie in [least, most], 0 meaning
# unused -- "not used" is (0, 0), "used" (1, Q); on quantities, (0, t) and (t + 1, Q)
Decision = tuple[int, int, int, int]
Ranges = dict[int, tuple[int, int]]  # bid -> (least, most), the decisions on one item combined


def decisions_by_item(decisions: tuple[Decision, ...]) -> dict[int, Ranges]:
    """A node's decisions as each item's ranges per bid."""
    by_item: dict[int, Ranges] = {}
    for item, bid, least, most in decisions:
        ranges = by_item.setdefault(item, {})
        before = ranges.get(bid, (0, most))
        ranges[bid] = (max(before[0], least), min(before[1], most))
    return by_item


def _keeps(award: dict[int, tuple[int, int]], ranges: Ranges) -> bool:
    return all(least <= (award[b][1] if b in award else 0) <= most for b, (least, most) in ranges.items())


class PriceMemory:
    """Per item, its least adjusted cost at the last ``keep`` multipliers it was priced at, kept
    in arrays over every item (its bids padded to the widest item's count), so that one vector
    step bounds every item at new multipliers (``lowers``; ``NodePricing._known_lower`` says
    why it is a bound). Only prices at multipliers > 0, without decisions or bundle charges, are
    to be remembered."""

    def __init__(self, pricers: list[ItemPricer], keep: int) -> None:
        count, width = len(pricers), max((len(pricer.bids) for pricer in pricers), default=1)
        self.keep = max(1, min(keep, MEMORY_VALUES // max(1, count * width)))
        self.bids = np.zeros((count, width), dtype=np.int64)
        self.real = np.zeros((count, width), dtype=bool)  # False: padding
        for pricer in pricers:
            self.bids[pricer.item, : len(pricer.bids)] = pricer.bids
            self.real[pricer.item, : len(pricer.bids)] = True
        self.values = np.full((count, self.keep), -np.inf)  # -inf: nothing remembered there
        self.factors = np.ones((count, self.keep, width))
        self.written = np.zeros(count, dtype=np.int64)

    def remember(self, item: int, value: float, factor: np.ndarray) -> None:
        """The item's least cost ``value`` at its bids' multipliers ``factor`` (in its pricer's
        bid order); the oldest of its ``keep`` goes."""
        slot = int(self.written[item] % self.keep)
        self.values[item, slot] = value
        self.factors[item, slot, : len(factor)] = factor
        self.written[item] += 1

    def lowers(self, factor: np.ndarray) -> np.ndarray:
        """Per item, the best of r * v over what it remembers, r = min over its bids of the new
        multiplier over the one then (>= 0) and v its least cost then; -inf if nothing applies."""
        with np.errstate(invalid="ignore", divide="ignore"):
            ratios = np.where(self.real[:, None, :], factor[self.bids][:, None, :] / self.factors, np.inf).min(axis=2)
            bounds = np.where((ratios >= 0) & (self.values > -np.inf), ratios * self.values, -np.inf)
        return bounds.max(axis=1)


class NodePricing:
    """A node's view of the shared master and its pricing (``BranchAndPrice`` builds on it)."""

    def __init__(self, reduced: Reduced, pricers: list[ItemPricer], master: Master) -> None:
        self.reduced = reduced
        self.pricers = pricers
        self.master = master
        self.bids_of_pattern: list[frozenset[int]] = []
        self.quantities_of_pattern: list[dict[int, int]] = []
        self.item_of_pattern = np.zeros(0, dtype=np.int64)
        self.priced = 0  # items priced, for the stats
        self.whole = WholeOnly(reduced, pricers)
        self._seeds: dict[tuple, Pattern | None] = {}
        # pricers cut to quantity decisions, the latest RESTRICTED_CACHE (each copies the segment
        # ranges: ~2 MB at 1000x50x5)
        self._restricted: OrderedDict[tuple, ItemPricer | None] = OrderedDict()
        self._halt: Callable[[], bool] = stopped
        # per item without decisions: its least adjusted costs at the last KEEP_PRICED
        # multipliers it was priced at (``_known_lower``)
        self.memory = PriceMemory(pricers, KEEP_PRICED)
        self.skipped = 0  # item prices taken from ``_known_lower`` instead of a DP, for the stats

    def _sync(self) -> None:
        """Per-pattern bid sets and items for the patterns added since the last call."""
        patterns = self.master.patterns
        if len(self.bids_of_pattern) < len(patterns):
            new = patterns[len(self.bids_of_pattern):]
            self.bids_of_pattern.extend(frozenset(b for b, _, _ in pattern.award) for pattern in new)
            self.quantities_of_pattern.extend({b: q for b, _, q in pattern.award} for pattern in new)
            self.item_of_pattern = np.concatenate(
                [self.item_of_pattern, np.array([pattern.item for pattern in new], dtype=np.int64)])

    def allowed(self, decisions: tuple[Decision, ...]) -> np.ndarray:
        self._sync()
        mask = np.ones(len(self.master.patterns), dtype=bool)
        for item, bid, least, most in decisions:
            for k in np.flatnonzero(self.item_of_pattern == item):
                if not least <= self.quantities_of_pattern[k].get(bid, 0) <= most:
                    mask[k] = False
        return mask

    def _pricer(self, item: int, ranges: Ranges) -> ItemPricer | None:
        """The item's pricer, its bids' segments cut to the quantity decisions (cached: the same
        decisions recur down the tree); None if no bid is left."""
        limited = {b: r for b, r in ranges.items() if r[1] > 0 and (r[0] > 1 or r[1] < self.pricers[item].quantity)}
        if not limited:
            return self.pricers[item]
        key = (item, tuple(sorted(limited.items())))
        if key in self._restricted:
            self._restricted.move_to_end(key)
        else:
            self._restricted[key] = self.pricers[item].restricted(self.reduced, limited)
            if len(self._restricted) > RESTRICTED_CACHE:
                self._restricted.popitem(last=False)
        return self._restricted[key]

    def _price_item(self, item: int, adjusted: np.ndarray, duals: Duals, ranges: Ranges):
        """The item's cheapest adjusted award under the node's decisions on it, exactly: a bid
        "not used" is left out of the DP; a bid whose quantity is decided has its segments cut to
        the range (``ItemPricer.restricted``); a bid "used" gets a fixed credit larger than the
        spread of every award's adjusted cost on this item (so an award with it always wins, if
        there is one), added back afterwards. (inf, None) if no award keeps the decisions."""
        self.priced += 1
        if not ranges:  # (the award only where it makes a column: ``column_generation``'s test)
            return self.pricers[item].price(adjusted, duals.factor, duals.fixed, with_award=True,
                                            award_below=column_below(duals.sigma[item]))
        pricer = self._pricer(item, ranges)
        if pricer is None:
            return np.inf, None
        excluded = frozenset(bid for bid, (_, most) in ranges.items() if most == 0)
        forced = [bid for bid, (least, _) in ranges.items() if least >= 1]
        if any(bid not in pricer.segments for bid in forced):
            return np.inf, None  # a bid that must be used has no quantity left
        fixed = duals.fixed
        credit = 0.0
        if forced:
            segments = [s for b in pricer.bids for s in pricer.segments[b]]
            spread = float(np.abs(adjusted[segments]).max(initial=0.0)) * pricer.quantity
            if duals.fixed is not None:
                spread += float(np.abs(duals.fixed[pricer.bids]).sum())
            big = 4.0 * spread + 1.0
            fixed = np.zeros(len(self.reduced.bids)) if duals.fixed is None else duals.fixed.copy()
            for bid in forced:
                fixed[bid] -= big
                credit += big
        value, award = pricer.price(adjusted, duals.factor, fixed, with_award=True, exclude=excluded)
        if not np.isfinite(value) or award is None:
            return np.inf, None
        if not _keeps(award, ranges):
            return np.inf, None  # no award on this item keeps the decisions
        return value + credit, award

    def _known_lower(self, pricer: ItemPricer, duals: Duals, lowers: np.ndarray | None = None) -> float | None:
        """A lower bound on the item's least adjusted cost at these duals, without its DP, if it
        also shows that no award of the item prices below its dual sigma (so pricing it could add
        no column); None otherwise. For the item without decisions, no bundles, multipliers f > 0
        when it was priced (least cost v) and raw prices >= 0: every award's adjusted cost
        sum_b f'_b raw_b >= r * sum_b f_b raw_b >= r * v, r = min_b f'_b / f_b >= 0; the best of
        these bounds over the last KEEP_PRICED times it was priced. The duals of a node close to
        one priced before move few multipliers much, so r is near 1: on heavy-tail and mixed-sizes
        300x30x4 the last time alone skipped 60-85% of the DPs, and the tree solved 2.5-6x the
        nodes; best-first, the next node is often not the last one's neighbour but an earlier
        one's, and with the last 32 times the tree takes 40% fewer DPs on heavy-tail (README,
        twenty-fourth session). ``lowers``: ``self.memory.lowers(duals.factor)``, if the caller
        has it (one vector step a pricing pass for every item)."""
        if lowers is None:
            lowers = self.memory.lowers(duals.factor)
        lower = float(lowers[pricer.item])
        if not np.isfinite(lower) or lower < column_below(duals.sigma[pricer.item]):
            return None
        self.skipped += 1
        return lower

    def _seed(self, by_item: dict[int, Ranges]) -> bool:
        """Give every decided item a pattern the node allows (at list prices); False if one has none."""
        ones = np.ones(len(self.reduced.bids))
        plain = Duals(np.zeros(len(self.pricers)), ones, None, 0.0, np.zeros(len(self.reduced.vendors)))
        found = []
        for item, rules in by_item.items():
            key = (item, tuple(sorted(rules.items())))
            if key not in self._seeds:  # the same decisions recur down the tree: priced once
                _, award = self._price_item(item, self.reduced.seg_price, plain, rules)
                self._seeds[key] = None if award is None else Pattern.make(self.reduced, item, award)
            if self._seeds[key] is None:
                return False
            found.append(self._seeds[key])
        self.master.add(found)
        return True

    def column_generation(self, node: Node, deadline: float, tolerance: float = 1e-7,
                          max_rounds: int = 50) -> tuple[float, np.ndarray | None, float]:
        """The node's bound (inf if it holds no award), its last LP solution and the slack that
        LP used (spend over a cap; > 0 means the solution is no award)."""
        by_item = decisions_by_item(node.decisions)
        if not self._seed(by_item):
            return np.inf, None, 0.0
        master, reduced = self.master, self.reduced
        bound, z, slack = node.bound, None, 0.0
        # items with a decision other than "not used" go through their DP; "not used" ones are
        # rows left out of the vector step
        decided = np.zeros(len(self.pricers), dtype=bool)
        decided[[item for item, ranges in by_item.items() if any(most > 0 for _, most in ranges.values())]] = True
        excluded = self.whole.rows_of([(item, bid) for item, ranges in by_item.items()
                                       for bid, (_, most) in ranges.items() if most == 0])
        for _ in range(max_rounds):
            master.set_allowed(self.allowed(node.decisions))
            try:
                duals, z = master.solve_lp()
            except RuntimeError:  # HiGHS did not solve the node's LP (seen once at prices x1e6):
                return bound, None, 0.0  # the node keeps the bound it has, and is not split further
            slack = master.slack_used()
            adjusted = reduced.seg_price * duals.factor[reduced.seg_bid]
            # items without decisions whose bids all take them whole: one vector step
            valid, least, rows = self.whole.price(adjusted, duals.factor, duals.fixed, excluded)
            priced = valid & ~decided
            if np.isinf(least[priced]).any():
                return np.inf, None, 0.0  # an item whose every bid the node leaves out
            self.priced += int(priced.sum())
            total, found, complete = float(least[priced].sum()), [], True
            sigmas = duals.sigma
            for item in np.flatnonzero(priced & (least < column_below(sigmas))):
                found.append(Pattern.make(reduced, int(item), self.whole.award(int(rows[item]))))
            lowers = self.memory.lowers(duals.factor) if duals.fixed is None else None
            for pricer in self.pricers:
                if priced[pricer.item]:
                    continue
                if time.monotonic() > deadline or self._halt():
                    complete = False  # a partial pass bounds nothing
                    break
                rules = by_item.get(pricer.item, {})
                if not rules and lowers is not None:
                    lower = self._known_lower(pricer, duals, lowers)
                    if lower is not None:
                        total += lower
                        continue
                forced = [bid for bid, (least, _) in rules.items() if least >= 1]
                used_or_not = all(r == (0, 0) or (r[0] == 1 and r[1] >= pricer.quantity) for r in rules.values())
                if valid[pricer.item] and len(forced) == 1 and used_or_not:
                    # one forced bid on an item whose bids all take it whole: it whole, or a split
                    self.priced += 1
                    excluded_bids = frozenset(bid for bid, (_, most) in rules.items() if most == 0)
                    value, award = self.whole.price_forced(pricer, forced[0], excluded_bids, adjusted, duals.fixed)
                else:
                    value, award = self._price_item(pricer.item, adjusted, duals, rules)
                if not np.isfinite(value):
                    return np.inf, None, 0.0
                if not rules and duals.fixed is None and (duals.factor[pricer.bids] > 0).all():
                    self.memory.remember(pricer.item, value, duals.factor[pricer.bids])
                total += value
                if award is not None and value < column_below(duals.sigma[pricer.item]):
                    found.append(Pattern.make(reduced, pricer.item, award))
            if complete:
                bound = max(bound, total)
            added = master.add(found)
            if not complete or not added or duals.value - bound <= tolerance * abs(duals.value):
                break
            if time.monotonic() > deadline or self._halt():
                break
        return bound, z, slack
