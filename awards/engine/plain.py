"""The textbook disjunctive formulation, kept as the benchmark's point of comparison.

Per bid b and tier t: integer x_bt in [0, M_bt], binary y_bt, with
m_bt*y_bt <= x_bt <= M_bt*y_bt (m: the tier's min_quantity, raised to the minimum award;
M: next tier's min_quantity - 1, else the bid's max_quantity, else the item's quantity),
sum_t y_bt <= 1, exact coverage, the per-item vendor limit, bundle equalities and
sum_{vendor v} p x <= share * sum_all p x. No presolve, no bounds, no starting solution.
"""

from __future__ import annotations

import numpy as np

from .formulation import ModelBuilder
from .model import Problem


def build_plain(problem: Problem, *, threads: int | None = None):
    """Return (highs, x columns per (bid id, tier index)); HiGHS minimises total cost."""
    model = ModelBuilder()
    x_cols: dict[tuple[str, int], int] = {}
    y_cols: dict[tuple[str, int], int] = {}
    for bid in problem.bids:
        item = problem.item_by_id[bid.item]
        cap = min(item.quantity, bid.max_quantity or item.quantity)
        for index, tier in enumerate(bid.tiers):
            upper = bid.tiers[index + 1].min_quantity - 1 if index + 1 < len(bid.tiers) else cap
            upper = min(upper, cap)
            lower = max(tier.min_quantity, problem.min_award_for(item))
            x = int(model.columns(1, float(tier.unit_price), 0.0, max(upper, 0), integer=True)[0])
            y = int(model.columns(1, 0.0, 0.0, 1.0, integer=True)[0])
            x_cols[bid.id, index] = x
            y_cols[bid.id, index] = y
            model.row([x, y], [1.0, -float(lower)], lower=0.0)
            model.row([x, y], [1.0, -float(max(upper, 0))], upper=0.0)
        model.row([y_cols[bid.id, t] for t in range(len(bid.tiers))], 1.0, upper=1.0)
    limit = problem.constraints.max_vendors_per_item
    for item in problem.items:
        keys = [(bid.id, t) for bid in problem.bids_by_item[item.id] for t in range(len(bid.tiers))]
        model.row([x_cols[key] for key in keys], 1.0, item.quantity, item.quantity)
        if limit is not None:
            model.row([y_cols[key] for key in keys], 1.0, upper=float(limit))
    for bundle in problem.bundles:
        head = problem.bid_by_id[bundle.bids[0]]
        for other_id in bundle.bids[1:]:
            other = problem.bid_by_id[other_id]
            columns = [y_cols[head.id, t] for t in range(len(head.tiers))]
            columns += [y_cols[other.id, t] for t in range(len(other.tiers))]
            coefficients = [1.0] * len(head.tiers) + [-1.0] * len(other.tiers)
            model.row(columns, coefficients, 0.0, 0.0)
    share = problem.constraints.max_vendor_share
    if share is not None:
        keys = list(x_cols)
        prices = np.array([float(problem.bid_by_id[b].tiers[t].unit_price) for b, t in keys])
        columns = np.array([x_cols[key] for key in keys])
        vendors = np.array([problem.bid_by_id[b].vendor for b, _ in keys])
        for vendor in problem.vendors:
            mine = (vendors == vendor).astype(float)
            # spend_v - share * total <= 0, written out over every quantity variable
            model.row(columns, prices * (mine - float(share)), upper=0.0)
    return model.highs(threads=threads), x_cols
