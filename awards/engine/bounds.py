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
        self.fixing = [FixingData(reduced, pricer) for pricer in pricers]

    def compute(self, duals: Duals) -> tuple[float, np.ndarray]:
        """(Lagrangian bound L, per segment a lower bound on any award using it)."""
        reduced = self.reduced
        adjusted = reduced.seg_price * duals.factor[reduced.seg_bid]
        values = np.array(
            [pricer.price(adjusted, duals.factor, duals.fixed, with_award=False)[0] for pricer in self.pricers]
        )
        total = float(values.sum())
        per_segment = np.full(len(reduced.segments), -np.inf)
        for pricer, fixing, value in zip(self.pricers, self.fixing, values):
            forced = forced_lower_bounds(pricer, fixing, adjusted, duals.factor, duals.fixed)
            if forced is not None:
                per_segment[fixing.segments] = total - value + forced
        return total, per_segment
