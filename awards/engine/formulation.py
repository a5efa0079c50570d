"""The integer program, built for HiGHS.

Variables, per segment s (a bid's tier over the whole-unit range [lo_s, hi_s]):

    y_s in {0, 1}          the bid is awarded within this segment
    w_s in [0, hi_s - lo_s] units above lo_s, so the awarded quantity is  x_s = lo_s*y_s + w_s

and, with a share cap, T = total spend. The constraints:

    w_s <= (hi_s - lo_s) * y_s                    (link; no row when lo_s == hi_s)
    sum_{s of bid b} y_s <= 1                     (one tier per bid)
    sum_{s of item i} x_s = quantity_i            (cover every item exactly)
    sum_{s of item i} y_s <= max_vendors_per_item
    sum_{s of b} y_s = sum_{s of b'} y_s          (bundles: b, b' in one all-or-nothing group)
    sum_{s of vendor v} p_s x_s <= share * T,   T = sum_s p_s x_s

minimising sum_s p_s x_s. This is the disjunctive (convex-hull) formulation of each bid's
all-units price curve, written with one link row per segment instead of two. ``w`` may be
integer (the exact problem) or continuous (the quantity relaxation: only the tier choices are
integer, which is a relaxation, so its dual bound is a valid bound for the exact problem).

The model can cover only some items (the others' awards fixed, their spend counted in the share
rows) and only some segments (``keep``). ``plain.py`` has the textbook model the benchmark
compares against.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import highspy
import numpy as np

from .highs import new_highs
from .presolve import Reduced

INF = highspy.kHighsInf


@dataclass
class ModelBuilder:
    """Collects columns and rows, then hands HiGHS one sparse model."""

    cost: list[float] = field(default_factory=list)
    lower: list[float] = field(default_factory=list)
    upper: list[float] = field(default_factory=list)
    integer: list[int] = field(default_factory=list)
    row_lower: list[float] = field(default_factory=list)
    row_upper: list[float] = field(default_factory=list)
    starts: list[int] = field(default_factory=lambda: [0])
    indices: list[np.ndarray] = field(default_factory=list)
    values: list[np.ndarray] = field(default_factory=list)

    def columns(self, count: int, cost, lower, upper, integer: bool) -> np.ndarray:
        first = len(self.cost)
        self.cost.extend(np.broadcast_to(np.asarray(cost, dtype=float), (count,)).tolist())
        self.lower.extend(np.broadcast_to(np.asarray(lower, dtype=float), (count,)).tolist())
        self.upper.extend(np.broadcast_to(np.asarray(upper, dtype=float), (count,)).tolist())
        self.integer.extend([1 if integer else 0] * count)
        return np.arange(first, first + count)

    def row(self, columns, coefficients, lower: float = -INF, upper: float = INF) -> None:
        columns = np.asarray(columns, dtype=np.int32)
        coefficients = np.broadcast_to(np.asarray(coefficients, dtype=float), columns.shape)
        self.indices.append(columns)
        self.values.append(np.array(coefficients))
        self.starts.append(self.starts[-1] + len(columns))
        self.row_lower.append(lower)
        self.row_upper.append(upper)

    def highs(self, *, threads: int | None = None) -> highspy.Highs:
        h = new_highs(threads=threads)
        lp = highspy.HighsLp()
        lp.num_col_ = len(self.cost)
        lp.num_row_ = len(self.row_lower)
        lp.col_cost_ = np.array(self.cost)
        lp.col_lower_ = np.array(self.lower)
        lp.col_upper_ = np.array(self.upper)
        lp.row_lower_ = np.array(self.row_lower)
        lp.row_upper_ = np.array(self.row_upper)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
        lp.a_matrix_.start_ = np.array(self.starts, dtype=np.int32)
        lp.a_matrix_.index_ = (
            np.concatenate(self.indices).astype(np.int32) if self.indices else np.zeros(0, np.int32)
        )
        lp.a_matrix_.value_ = np.concatenate(self.values) if self.values else np.zeros(0)
        lp.integrality_ = [
            highspy.HighsVarType.kInteger if flag else highspy.HighsVarType.kContinuous
            for flag in self.integer
        ]
        h.passModel(lp)
        return h


@dataclass
class Formulation:
    """A built model and where its variables are, so solutions map back to segments.

    Money is scaled (``scale`` model units per dollar) and the share rows count only the spend on
    the model's own items against each vendor's remaining room, which keeps HiGHS well-conditioned.
    """

    highs: highspy.Highs
    segments: np.ndarray  # global segment index per local segment
    y: np.ndarray  # column of y_s per local segment
    w: np.ndarray  # column of w_s per local segment, -1 when lo_s == hi_s
    total: int | None  # column of the model's own spend (scaled), if any
    scale: float = 1.0
    fixed_total: float = 0.0  # dollars spent on the items outside the model

    def dollars(self, objective: float) -> float:
        """A model objective value (or bound) as total dollars, fixed items included."""
        return objective / self.scale + self.fixed_total

    def start(self, reduced: Reduced, award: dict[int, tuple[int, int]]) -> tuple[np.ndarray, np.ndarray]:
        """(columns, values) encoding an award (bid -> (segment, quantity)) as a MIP start."""
        local = {int(s): index for index, s in enumerate(self.segments)}
        values = np.zeros(self.highs.getNumCol())
        spend = 0.0
        for segment, quantity in award.values():
            if segment not in local:
                continue
            index = local[segment]
            values[self.y[index]] = 1.0
            if self.w[index] >= 0:
                values[self.w[index]] = quantity - reduced.seg_lo[segment]
            spend += reduced.seg_price[segment] * quantity
        if self.total is not None:
            values[self.total] = spend * self.scale
        return np.arange(len(values), dtype=np.int32), values

    def award(self, reduced: Reduced, values: np.ndarray) -> dict[int, tuple[int, int]]:
        """The award (bid -> (segment, whole quantity)) in a solution vector.

        Quantities are rounded per item so that they still add up to the item's quantity and
        stay inside their segments (exact for integer models; for continuous quantities the
        largest remainders get the spare units)."""
        by_item: dict[int, list[tuple[int, int, float]]] = {}
        for index, segment in enumerate(self.segments):
            if values[self.y[index]] > 0.5:
                extra = values[self.w[index]] if self.w[index] >= 0 else 0.0
                quantity = min(max(reduced.seg_lo[segment] + extra, reduced.seg_lo[segment]), reduced.seg_hi[segment])
                by_item.setdefault(int(reduced.seg_item[segment]), []).append(
                    (int(reduced.seg_bid[segment]), int(segment), float(quantity)))
        result: dict[int, tuple[int, int]] = {}
        for item, entries in by_item.items():
            floors = [int(np.floor(q + 1e-6)) for _, _, q in entries]
            spare = int(reduced.item_quantity[item]) - sum(floors)
            order = sorted(range(len(entries)), key=lambda k: -(entries[k][2] - floors[k]))
            for k in order:
                if spare <= 0:
                    break
                if floors[k] < reduced.seg_hi[entries[k][1]]:
                    floors[k] += 1
                    spare -= 1
            for (bid, segment, _), quantity in zip(entries, floors):
                result[bid] = (segment, quantity)
        return result


def build(
    reduced: Reduced,
    *,
    integer_quantities: bool,
    items: list[int] | None = None,
    fixed_award: dict[int, tuple[int, int]] | None = None,
    keep: np.ndarray | None = None,
    share_margin: float = 0.0,
    threads: int | None = None,
) -> Formulation:
    """The model over ``items`` (default all); ``fixed_award`` holds the awards on the other items.

    ``keep`` (per segment) leaves segments out; ``share_margin`` tightens the share rows (relative,
    plus half a cent) so that an integer solution also passes the exact Decimal check.
    """
    problem = reduced.problem
    constraints = problem.constraints
    items = list(range(len(problem.items))) if items is None else sorted(items)
    fixed_award = fixed_award or {}
    free_items = set(items)
    bids_of = {i: reduced.bids_of_item[i] for i in items}
    segs = np.array([s for i in items for b in bids_of[i] for s in reduced.segments_of_bid[b]], dtype=np.int64)
    if keep is not None:
        segs = segs[keep[segs]]
    lo, hi = reduced.seg_lo[segs], reduced.seg_hi[segs]
    biggest = float(np.max(reduced.seg_price[segs] * hi, initial=1.0))
    scale = 100.0 / biggest if biggest > 0 else 1.0
    price = reduced.seg_price[segs] * scale
    count = len(segs)
    local_of_bid: dict[int, list[int]] = {}
    for index, s in enumerate(segs):
        local_of_bid.setdefault(int(reduced.seg_bid[s]), []).append(index)
    model = ModelBuilder()
    y = model.columns(count, price * lo, 0.0, 1.0, integer=True)
    widths = hi - lo
    has_w = widths > 0
    w = np.full(count, -1, dtype=np.int64)
    w[has_w] = model.columns(int(has_w.sum()), price[has_w], 0.0, widths[has_w], integer_quantities)
    share = constraints.max_vendor_share
    total = None
    if share is not None and share < 1:
        total = int(model.columns(1, 0.0, 0.0, INF, integer=False)[0])

    for index in np.flatnonzero(has_w):
        model.row([w[index], y[index]], [1.0, -widths[index]], upper=0.0)
    for local in local_of_bid.values():
        if len(local) > 1:
            model.row(y[local], 1.0, upper=1.0)
    limit = constraints.max_vendors_per_item
    for i in items:
        local = np.array([index for b in bids_of[i] for index in local_of_bid.get(b, [])], dtype=np.int64)
        if len(local) == 0:
            model.row([], [], 1.0, 1.0)  # nothing can cover this item: infeasible by construction
            continue
        local_w = local[has_w[local]]
        quantity = reduced.item_quantity[i]
        model.row(np.concatenate([y[local], w[local_w]]), np.concatenate([lo[local], np.ones(len(local_w))]),
                  quantity, quantity)
        if limit is not None and len({int(reduced.seg_bid[segs[index]]) for index in local}) > limit:
            model.row(y[local], 1.0, upper=float(limit))
    for group in reduced.bundle_groups:
        free = [b for b in group if reduced.bid_item[b] in free_items]
        if not free:
            continue
        fixed_members = [b for b in group if reduced.bid_item[b] not in free_items]
        if fixed_members:
            used = 1.0 if fixed_members[0] in fixed_award else 0.0
            for b in free:
                model.row(y[local_of_bid.get(b, [])], 1.0, used, used)
            continue
        head = local_of_bid.get(free[0], [])
        for other in free[1:]:
            mine = local_of_bid.get(other, [])
            model.row(np.concatenate([y[head], y[mine]]),
                      np.concatenate([np.ones(len(head)), -np.ones(len(mine))]), 0.0, 0.0)
    fixed_total = 0.0
    if total is not None:
        cap = float(share) * (1.0 - share_margin)
        slack = 0.005 if share_margin else 0.0
        fixed_spend = np.zeros(len(reduced.vendors))
        for b, (s, q) in fixed_award.items():
            if reduced.bid_item[b] not in free_items:
                fixed_spend[reduced.bid_vendor[b]] += reduced.seg_price[s] * q
        fixed_total = float(fixed_spend.sum())
        room = (cap * fixed_total - fixed_spend - slack) * scale  # per vendor, before this model's spend
        vendor = reduced.seg_vendor[segs]
        for v in range(len(reduced.vendors)):
            mine = np.flatnonzero(vendor == v)
            if len(mine) == 0 and room[v] >= 0:
                continue
            mine_w = mine[has_w[mine]]
            # spend_v - cap * T <= room_v, T = this model's spend
            model.row(np.concatenate([y[mine], w[mine_w], [total]]),
                      np.concatenate([price[mine] * lo[mine], price[mine_w], [-cap]]), upper=room[v])
        model.row(np.concatenate([y, w[has_w], [total]]),
                  np.concatenate([price * lo, price[has_w], [-1.0]]), 0.0, 0.0)
    return Formulation(model.highs(threads=threads), segs, y, w, total, scale, fixed_total)
