"""Lagrangian bounds from the master's duals, per item and per segment.

At duals (mu, beta) every award costs at least  L = sum_i L_i,  L_i being item i's cheapest
award at adjusted prices (the pricing DP). An award that uses segment s of item i costs at least
L - L_i + F_s, with F_s a lower bound on item i's cheapest adjusted award using s. Segments with
L - L_i + F_s above the best known award can be dropped without losing any better award.
"""

from __future__ import annotations

import numpy as np

from .master import Duals
from .presolve import Reduced
from .pricing import FixingData, ItemPricer, forced_lower_bounds


class SegmentBounds:
    def __init__(self, reduced: Reduced, pricers: list[ItemPricer]) -> None:
        self.reduced = reduced
        self.pricers = pricers

    def item_values(self, duals: Duals) -> np.ndarray:
        """L_i per item: its cheapest award at the duals' adjusted prices (their sum is L)."""
        adjusted = self.reduced.seg_price * duals.factor[self.reduced.seg_bid]
        return np.array(
            [pricer.price(adjusted, duals.factor, duals.fixed, with_award=False)[0] for pricer in self.pricers]
        )

    def per_segment(self, duals: Duals, values: np.ndarray) -> np.ndarray:
        """Per segment, a lower bound on the cost of any award that uses it (-inf: unknown)."""
        reduced = self.reduced
        adjusted = reduced.seg_price * duals.factor[reduced.seg_bid]
        total = float(values.sum())
        bounds = np.full(len(reduced.segments), -np.inf)
        for pricer, value in zip(self.pricers, values):
            fixing = FixingData(reduced, pricer)
            forced = forced_lower_bounds(pricer, fixing, adjusted, duals.factor, duals.fixed)
            if forced is not None:
                bounds[fixing.segments] = total - value + forced
        return bounds
