"""Fast exact pricing of one item: the cheapest way to cover it at given (adjusted) prices.

The general tool is the DP in ``itemdp``; this module makes it cheap by using the shape of volume
tiers. Call a bid *whole-capable* on its item when it can take the whole quantity, can take any
quantity between its first tier and what the other bids leave, its tier prices never rise, its
price multiplier is positive and its fixed charge is not negative. Two whole-capable bids in one
award can always be merged into the cheaper of the two at their combined quantity without raising
the cost (all-units prices fall with quantity; one bid fewer never breaks a vendor limit). So an
optimal award uses at most one whole-capable bid, and it suffices to run the DP over the other
("general") bids -- usually only the few with a capacity -- then try each whole-capable bid on
top of it in one vectorised step.
"""

from __future__ import annotations

import numpy as np

from .itemdp import INF, ItemDP, Stage, min_plus
from .presolve import Reduced
from .sparseprice import MAX_STATES, sparse_price, states


# per-segment bounds (``forced_lower_bounds``) on items up to this many units: a dense (min,+)
# convolution each, O(n^2); bigger items' segments stay unbounded (-inf). Done one sliding window
# per segment instead it is O(n) and bounds them all, but gained nothing (README, ninth session).
FORCED_BOUND_MAX_QUANTITY = 320
# An item is priced over its bids' segment ends (``sparseprice``) where that is cheaper than the
# unit DP: one state there costs about as much as this many (unit x segment) steps of the DP
# (measured on mixed-sizes and heavy-tail 300x30x4: ~80 ns against ~5.5 ns)
SPARSE_STATE_COST = 15.0
# items of at least this many units try their whole-capable bids over quantities (``_envelope``):
# the tree alone, the same 150 nodes, CPU 5.5 s against 6.1 s on mixed-sizes seed 16, 7.05 against
# 7.14 on heavy-tail seed 2, equal on heavy-tail seed 12 (three runs each, 2026-12-06; at 500 and
# 2000 alike within the spread). Below it the step over every (segment, quantity) is as quick.
ENVELOPE_MIN_QUANTITY = 1000
WHOLE_SETS_KEPT = 8  # per item, ``_best_whole``'s arrays (or plans) kept for this many sets of whole bids


def column_below(sigma):
    """The least cost below which an item's award makes a column: its dual ``sigma`` less a
    relative tolerance (a float, or an array of them elementwise). Column generation and the tree
    test it alike, ask ``price`` for the award only there (``award_below``), and skip an item's DP
    where a known lower bound is not below it (``NodePricing._known_lower``)."""
    return sigma - 1e-9 * np.maximum(1.0, np.abs(sigma))


class ItemPricer:
    def __init__(self, reduced: Reduced, item: int, *, segments: dict[int, list[int]] | None = None,
                 lo: np.ndarray | None = None, hi: np.ndarray | None = None) -> None:
        """``segments``, ``lo``, ``hi``: a restricted view (``restricted``); by default every bid's
        segments at their presolved ranges."""
        self.item = item
        self.quantity = int(reduced.item_quantity[item])
        if segments is None:
            segments = {b: reduced.segments_of_bid[b] for b in reduced.bids_of_item[item]}
        self.bids = list(segments)
        self.segments = segments
        self.lo = reduced.seg_lo if lo is None else lo
        self.hi = reduced.seg_hi if hi is None else hi
        self.limit = reduced.problem.constraints.max_vendors_per_item
        least = sorted((int(self.lo[self.segments[b]].min()), b) for b in self.bids)
        self.whole_capable = []
        for b in self.bids:
            others_least = next((lo for lo, other in least if other != b), self.quantity)
            if self._whole_capable(reduced, b, self.quantity - others_least):
                self.whole_capable.append(b)
        whole = set(self.whole_capable)
        self.always_general = [b for b in self.bids if b not in whole]
        # every (segment, quantity) a whole-capable bid can take, flattened for one vector step
        segs = np.array([s for b in self.whole_capable for s in self.segments[b]], dtype=np.int64)
        lows = self.lo[segs].astype(np.int64)
        lengths = self.hi[segs].astype(np.int64) - lows + 1
        starts = np.cumsum(lengths) - lengths
        self.flat_segment = np.repeat(segs, lengths)
        self.flat_quantity = np.arange(int(lengths.sum())) - np.repeat(starts - lows, lengths)
        self.flat_bid = reduced.seg_bid[self.flat_segment]
        self.flat_rest = self.quantity - self.flat_quantity  # what the other bids then cover
        self._ends: dict = {}  # ``sparse_price``'s segment ends, per bids
        self._units: np.ndarray | None = None  # 0..quantity as floats (``_envelope``)
        self._blocks: dict[int, list] = {}  # the DP's segment blocks per bid (``ItemDP``)
        self._flats: dict[tuple[int, ...], tuple] = {}  # the flat arrays cut to some whole bids (``_best_whole``)
        self._plans: dict[tuple[int, ...], _EnvelopePlan] = {}  # ``_envelope``'s, per whole bids

    def _whole_capable(self, reduced: Reduced, b: int, ceiling: int) -> bool:
        """Takes the whole quantity, every quantity from its first up to ``ceiling``, prices never rise."""
        segs = sorted(self.segments[b], key=lambda s: (reduced.segments[s].tier, self.lo[s]))
        prices = [reduced.segments[s].price for s in segs]
        if any(later > earlier for earlier, later in zip(prices, prices[1:])):
            return False
        covered_to = int(self.lo[segs[0]]) - 1
        reaches_whole = False
        for s in sorted(segs, key=lambda s: self.lo[s]):
            lo, hi = int(self.lo[s]), int(self.hi[s])
            reaches_whole = reaches_whole or lo <= self.quantity <= hi
            if lo <= covered_to + 1:
                covered_to = max(covered_to, hi)
        return reaches_whole and covered_to >= min(ceiling, self.quantity - 1)

    def restricted(self, reduced: Reduced, ranges: dict[int, tuple[int, int]]) -> ItemPricer | None:
        """This item's pricer with bid b's quantity kept in ``ranges[b]`` = (least, most) when
        used (a branch-and-price decision; 0 = unused is left to the caller): its segments cut to
        the range, those left empty dropped, a bid left with none dropped. None if no bid is left.
        Whole-capability is decided again on the cut ranges, so the merge argument still holds."""
        lo, hi = self.lo.copy(), self.hi.copy()
        segments: dict[int, list[int]] = {}
        for b in self.bids:
            kept = self.segments[b]
            if b in ranges:
                least, most = max(ranges[b][0], 1), ranges[b][1]
                kept = [s for s in kept if max(lo[s], least) <= min(hi[s], most)]
                for s in kept:
                    lo[s], hi[s] = max(lo[s], least), min(hi[s], most)
            if kept:
                segments[b] = kept
        if not segments:
            return None
        return ItemPricer(reduced, self.item, segments=segments, lo=lo, hi=hi)

    def price(
        self, price: np.ndarray, factor: np.ndarray, fixed: np.ndarray | None, *, with_award: bool,
        exclude: frozenset[int] = frozenset(), award_below: float = np.inf,
    ) -> tuple[float, dict[int, tuple[int, int]] | None]:
        """Least adjusted cost of covering the item and, if asked, the award bid -> (segment, qty).

        ``price`` is the adjusted price per segment; ``factor`` the bid's multiplier of its raw
        prices (its sign decides whether the merge argument holds); ``fixed`` a charge per bid;
        ``exclude`` bids the award may not use (a branching decision). ``award_below``: the
        award only where the least cost is below it (a column pricing needs only those, and
        the DP's backtrack is skipped for the rest: most of a converged pass).
        """
        whole = [
            b
            for b in self.whole_capable
            if factor[b] > 0 and (fixed is None or fixed[b] >= 0) and b not in exclude
        ]
        general = self.always_general
        if len(whole) < len(self.whole_capable) or exclude:
            general = [b for b in self.bids if b not in set(whole) and b not in exclude]
        count = states(general, whole, self.segments)
        steps = self.quantity * sum(len(self.segments[b]) for b in (*general, *whole))
        if count <= MAX_STATES and count * SPARSE_STATE_COST < steps:
            value, award = sparse_price(self.quantity, general, whole, self.segments, self.lo, self.hi, price,
                                        fixed, self.limit, self._ends)
            if not np.isfinite(value):
                return INF, None
            return value, award if with_award and value < award_below else None
        dp = ItemDP(self.quantity, self.lo, self.hi, price, self.limit, len(self.bids), blocks=self._blocks)
        for b in general:
            dp.add(Stage(b, self.segments[b], 0.0 if fixed is None else float(fixed[b])))
        table = dp.table
        level = int(np.argmin(table[:, -1]))
        best = float(table[level, -1])
        pick = None
        if whole:
            sources = dp.sources()
            found = self._best_whole(whole, price, fixed, sources.min(axis=0))
            if found is not None and found[0] < best:
                best, bid, segment, quantity = found
                remaining = self.quantity - quantity
                if dp.unlimited:
                    level = 0 if table[0, remaining] <= table[1, remaining] else 1
                else:
                    level = int(np.argmin(sources[:, remaining]))
                pick = (bid, segment, quantity, remaining, level)
        if not np.isfinite(best):
            return INF, None
        if not with_award or best >= award_below:
            return best, None
        if pick is None:
            return best, dp.backtrack(level, self.quantity)
        bid, segment, quantity, remaining, level = pick
        award = dp.backtrack(level, remaining)
        award[bid] = (segment, quantity)
        return best, award

    def _best_whole(self, whole: list[int], price: np.ndarray, fixed: np.ndarray | None,
                    source_best: np.ndarray) -> tuple[float, int, int, int] | None:
        """The cheapest award with one of the ``whole`` bids at some quantity q and the general
        bids covering the rest at ``source_best[Q - q]``: (cost, bid, segment, q); None if the
        ``whole`` bids offer no quantity. One vector step over every (segment, quantity) they
        offer; on a big item without fixed charges over the quantities instead (``_envelope``)."""
        if fixed is None and self.quantity >= ENVELOPE_MIN_QUANTITY:
            return self._envelope(whole, price, source_best)
        qty, seg, rest, bids = self.flat_quantity, self.flat_segment, self.flat_rest, self.flat_bid
        if len(whole) < len(self.whole_capable):
            key = tuple(whole)
            flat = self._flats.get(key)
            if flat is None:
                mask = np.isin(self.flat_bid, whole)
                flat = qty[mask], seg[mask], rest[mask], bids[mask]
                if len(self._flats) < WHOLE_SETS_KEPT:
                    self._flats[key] = flat
            qty, seg, rest, bids = flat
        values = source_best[rest] + price[seg] * qty
        if fixed is not None:
            values = values + fixed[bids]
        if not len(values):
            return None
        at = int(np.argmin(values))
        return float(values[at]), int(bids[at]), int(seg[at]), int(qty[at])

    def _envelope(self, whole: list[int], price: np.ndarray,
                  source_best: np.ndarray) -> tuple[float, int, int, int] | None:
        """``_best_whole`` over quantities: at each quantity the least price any ``whole`` bid
        offers there, times the quantity, plus the rest's cost; the same costs, computed in the
        item's quantity of work instead of the bids' quantities together (a few bids each offering
        most of a big item). The least price is constant between two segment ends: it is taken per
        such interval in one step over a (segment x interval) table (``_EnvelopePlan``), then
        spread over the interval's quantities (one slice minimum per segment before, 2026-12-06:
        a tenth of a pricing pass on heavy-tail 300x30x4 in numpy call overhead)."""
        quantity = self.quantity
        plan = self._plans.get(tuple(whole))
        if plan is None:
            plan = _EnvelopePlan(self, whole)
            if len(self._plans) < WHOLE_SETS_KEPT:
                self._plans[tuple(whole)] = plan
        if plan.empty:
            return None
        if self._units is None:
            self._units = np.arange(quantity + 1, dtype=np.float64)
        offered = price[plan.segments]
        least = np.where(plan.cover, offered[:, None], INF).min(axis=0)  # per interval
        values = np.repeat(least, plan.lengths) * self._units[1:] + source_best[quantity - 1 :: -1]  # q = 1..Q
        at = int(np.argmin(values))
        q = at + 1
        interval = int(np.searchsorted(plan.starts, q, side="right")) - 1
        # the bid and segment of that price, the first as listed
        first = np.flatnonzero(plan.cover[:, interval] & (offered == least[interval]))
        if not len(first):
            return None  # every quantity out of reach (inf)
        k = int(first[0])
        return float(values[at]), int(plan.bids[k]), int(plan.segments[k]), q


class _EnvelopePlan:
    """The segments some ``whole`` bids of an item offer on quantities 1..Q (cut to them, in the
    order listed), the intervals between their ends (``starts``, ``lengths``: together 1..Q) and
    which segment covers which interval (``cover``): fixed per item and bids, kept by the pricer."""

    def __init__(self, pricer: ItemPricer, whole: list[int]) -> None:
        quantity = pricer.quantity
        ranges = [(b, s, max(int(pricer.lo[s]), 1), min(int(pricer.hi[s]), quantity))
                  for b in whole for s in pricer.segments[b]]
        ranges = [r for r in ranges if r[2] <= r[3]]
        self.empty = not ranges
        self.bids = np.array([r[0] for r in ranges], dtype=np.int64)
        self.segments = np.array([r[1] for r in ranges], dtype=np.int64)
        lo = np.array([r[2] for r in ranges], dtype=np.int64)
        hi = np.array([r[3] for r in ranges], dtype=np.int64)
        cuts = np.unique(np.concatenate([[1, quantity + 1], lo, hi + 1]))
        self.starts = cuts[:-1]
        self.lengths = np.diff(cuts)
        self.cover = (lo[:, None] <= self.starts[None, :]) & (self.starts[None, :] <= hi[:, None])


class WholeOnly:
    """The items all of whose bids are whole-capable (no capacities: many small items), priced
    together in one vector step. By the merge argument (module docstring) such an item's cheapest
    award at positive multipliers and non-negative fixed charges is one bid taking it whole: the
    least of ``price[segment holding Q] * Q + fixed`` over its bids, exactly what
    ``ItemPricer.price`` returns for it, without a DP per item."""

    def __init__(self, reduced: Reduced, pricers: list[ItemPricer]) -> None:
        rows = [
            (pricer.item, b, s)
            for pricer in pricers
            if not pricer.always_general
            for b in pricer.bids
            for s in pricer.segments[b]
            if pricer.lo[s] <= pricer.quantity <= pricer.hi[s]
        ]
        self.items = len(pricers)
        self.row_item = np.array([r[0] for r in rows], dtype=np.int64)
        self.row_bid = np.array([r[1] for r in rows], dtype=np.int64)
        self.row_segment = np.array([r[2] for r in rows], dtype=np.int64)
        self.row_quantity = reduced.item_quantity[self.row_item] if rows else np.zeros(0)
        self.eligible = np.zeros(self.items, dtype=bool)
        self.eligible[self.row_item] = True
        self._segments: dict[int, dict[int, np.ndarray]] = {}

    def _segment_at(self, pricer: ItemPricer) -> dict[int, np.ndarray]:
        """Per bid of the item: the segment that prices each quantity 0..Q (-1 where none)."""
        table = self._segments.get(pricer.item)
        if table is None:
            table = {}
            for b in pricer.bids:
                at = np.full(pricer.quantity + 1, -1, dtype=np.int64)
                for s in pricer.segments[b]:
                    lo, hi = int(pricer.lo[s]), min(int(pricer.hi[s]), pricer.quantity)
                    if lo <= hi:
                        at[lo : hi + 1] = s
                table[b] = at
            self._segments[pricer.item] = table
        return table

    def price_forced(self, pricer: ItemPricer, bid: int, excluded: frozenset[int], price: np.ndarray,
                     fixed: np.ndarray | None) -> tuple[float, dict[int, tuple[int, int]] | None]:
        """The cheapest award of an item priced here (its multipliers positive, charges not
        negative) that uses ``bid`` and none of ``excluded``.

        By the merge argument the award's other bids merge into one; so it is ``bid`` whole, or
        ``bid`` and one other bid splitting the quantity. (With two bids forced that no longer
        holds -- both may take one unit and a cheaper third the rest -- so those go to the DP.)
        (inf, None) if there is no such award."""
        quantity = pricer.quantity
        table = self._segment_at(pricer)
        counts = np.arange(quantity + 1)

        def curve(b: int) -> np.ndarray:
            at = table[b]
            values = np.where(at >= 0, price[at] * counts, np.inf)
            values[0] = np.inf  # a used bid takes at least one unit
            return values + (0.0 if fixed is None else fixed[b])

        own = curve(bid)
        best, award = float(own[quantity]), {bid: (int(table[bid][quantity]), quantity)}
        others = [o for o in pricer.bids if o != bid and o not in excluded]
        if quantity >= 2 and others and (pricer.limit is None or pricer.limit >= 2):
            curves = np.array([curve(o) for o in others])
            partner = curves.argmin(axis=0)  # per remainder r: the cheapest other bid
            rest = curves[partner, counts]
            totals = own[1:quantity] + rest[quantity - 1 : 0 : -1]  # bid takes x = 1 .. Q-1
            at = int(np.argmin(totals))
            if totals[at] < best:
                x = at + 1
                other = others[int(partner[quantity - x])]
                best = float(totals[at])
                award = {bid: (int(table[bid][x]), x), other: (int(table[other][quantity - x]), quantity - x)}
        if not np.isfinite(best):
            return np.inf, None
        return best, award

    def rows_of(self, pairs: list[tuple[int, int]]) -> np.ndarray:
        """A mask of the rows of these (item, bid) pairs."""
        mask = np.zeros(len(self.row_item), dtype=bool)
        for item, bid in pairs:
            mask |= (self.row_item == item) & (self.row_bid == bid)
        return mask

    def price(self, price: np.ndarray, factor: np.ndarray, fixed: np.ndarray | None,
              excluded: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per item: whether it was priced here, its least adjusted cost (inf if every bid is
        ``excluded``: a mask of rows the award may not use), and the row (bid, segment) of its
        award; items not priced here must go through their ``ItemPricer``."""
        values = price[self.row_segment] * self.row_quantity
        bad = factor[self.row_bid] <= 0
        if fixed is not None:
            values = values + fixed[self.row_bid]
            bad |= fixed[self.row_bid] < 0
        if excluded is not None:
            values = np.where(excluded, np.inf, values)
        priced = self.eligible.copy()
        priced[self.row_item[bad]] = False
        order = np.lexsort((values, self.row_item))
        first = np.ones(len(order), dtype=bool)
        first[1:] = self.row_item[order][1:] != self.row_item[order][:-1]
        best_row = np.full(self.items, -1, dtype=np.int64)
        best_row[self.row_item[order[first]]] = order[first]
        least = np.full(self.items, np.inf)
        least[priced] = values[best_row[priced]]
        return priced, least, best_row

    def award(self, row: int) -> dict[int, tuple[int, int]]:
        return {int(self.row_bid[row]): (int(self.row_segment[row]), int(self.row_quantity[row]))}


class FixingData:
    """Per-item flattened (segment, quantity) pairs of *all* bids, for bound-based fixing."""

    def __init__(self, reduced: Reduced, pricer: ItemPricer) -> None:
        segs = np.array([s for b in pricer.bids for s in pricer.segments[b]], dtype=np.int64)
        lows = reduced.seg_lo[segs].astype(np.int64)
        lengths = reduced.seg_hi[segs].astype(np.int64) - lows + 1
        starts = np.cumsum(lengths) - lengths
        self.segments = segs
        self.starts = starts
        self.flat_segment = np.repeat(segs, lengths)
        self.flat_quantity = np.arange(int(lengths.sum())) - np.repeat(starts - lows, lengths)
        self.flat_bid = reduced.seg_bid[self.flat_segment]


def forced_lower_bounds(
    pricer: ItemPricer,
    fixing: FixingData,
    price: np.ndarray,
    factor: np.ndarray,
    fixed: np.ndarray | None,
) -> np.ndarray | None:
    """Per segment of the item (in ``fixing.segments`` order): a lower bound on the least adjusted
    cost of covering the item with that segment in use. None when too costly to compute.

    Any award using bid b at x units costs  c_b(x) + R(Q - x), with R the cheapest cover of the
    rest by the other bids. By the merge argument the rest needs at most one whole-capable bid, so
    R >= E = min(D, D (+) W): D the DP over the general bids (vendor limit ignored, and b allowed
    in it), W the lower envelope of all whole-capable bids' cost curves. Both only lower R.
    """
    n = pricer.quantity + 1
    whole = [b for b in pricer.whole_capable if factor[b] > 0 and (fixed is None or fixed[b] >= 0)]
    general = [b for b in pricer.bids if b not in set(whole)]
    if general and n > FORCED_BOUND_MAX_QUANTITY:
        return None
    values = price[fixing.flat_segment] * fixing.flat_quantity
    if fixed is not None:
        values = values + fixed[fixing.flat_bid]
    envelope = np.full(n, INF)
    in_whole = np.isin(fixing.flat_bid, whole)
    np.minimum.at(envelope, fixing.flat_quantity[in_whole], values[in_whole])
    if general:
        dp = ItemDP(pricer.quantity, pricer.lo, pricer.hi, price, None, len(pricer.bids))
        for b in general:
            dp.add(Stage(b, pricer.segments[b], 0.0 if fixed is None else float(fixed[b])))
        base = dp.table.min(axis=0)
        rest = np.minimum(base, min_plus(base, envelope))
    else:
        rest = envelope.copy()
        rest[0] = 0.0
    totals = values + rest[pricer.quantity - fixing.flat_quantity]
    return np.minimum.reduceat(totals, fixing.starts) if len(totals) else np.zeros(0)
