"""A bound above the decomposition's where its items are big: HiGHS's branch-and-bound on the
compact model, in the background child (``background``) in place of branch-and-price.

The Dantzig-Wolfe bound is the value of a mixture of whole awards per item; where items run to
thousands of units and the share cap makes the optimum split some of them, that mixture can sit
0.03-0.2% under every real award (a tier reached by the whole quantity is not reached by a part).
Branch-and-price closes such gaps node by node, but each node prices every item again, which on
items of thousands of units costs 0.2-0.4 s: it raised the bound by a few dollars in a 20-s run.
HiGHS on the compact model (``formulation.build``: a tier choice per segment, continuous
quantities) starts below the decomposition (its root LP, its cuts about at it) but its tree, which
branches on one bid's tier at a time, gets above it in about ten seconds: on a 300-item instance
with items of 5,000-50,000 units it closed 0.13 of the 0.17% gap in 16 s.

So, given the search's best award (its cost the cutoff), the child keeps the segments that can be
in a cheaper award (per-segment Lagrangian bounds at its root duals, ``bounds``), starts HiGHS from
that award, and reports HiGHS's dual bound as it rises (from the interrupt callback) and its
improving solutions that keep every rule after rounding; the caller checks each exactly. The
bound holds for the whole problem: every award cheaper than the cutoff lies in the restriction,
quantities relaxed to continuous only lower it, and ``min(bound, cutoff)`` is what is reported.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from .bounds import SegmentBounds
from .branching import NODE_PASSES
from .formulation import build
from .heuristics import as_reduced, award_cost, exact_ok, run_mip, start_solution
from .master import Duals
from .presolve import Reduced
from .pricing import ItemPricer

# The child turns from branch-and-price to this only with at least this many seconds left (its
# bound passes the decomposition's after 5-15 s of HiGHS; before that, nothing is gained) ...
MIN_SECONDS = 8.0
# ... at once where branch-and-price could not afford this many nodes in the time left (a node
# costs ``branching.NODE_PASSES`` pricing passes; items of 5,000-50,000 units: 0.3-0.45 s a pass,
# and 30 nodes raised the bound by $55 of a $129,000 gap) ...
MIN_NODES = 60
# ... else once this share of the time left at the hand-over has passed without branch-and-price
# closing the gap: where it does, it does so early -- on base 300x30x4 seed 1 (0.08-s passes, the
# award handed over 0.06% above the bound, the optimum 0.013%) it proved the optimum in 7 s, the
# compact model from that award not in 20 s -- and where it does not (base seed 4: +$242 of a
# $2,160 gap in 20 s, +$257 in 60 s), the compact model from a later, better award does better.
LATER_SHARE = 0.5


def turn_at(*, pass_seconds: float, now: float, deadline: float) -> float | None:
    """When the child should turn from branch-and-price (a pricing pass taking ``pass_seconds``)
    to the compact model, given the search's award at ``now``; None: not at all."""
    left = deadline - now
    if left < MIN_SECONDS:
        return None
    if left < MIN_NODES * NODE_PASSES * pass_seconds:
        return now
    later = now + LATER_SHARE * left
    return later if deadline - later >= MIN_SECONDS else None


def compact_bound(reduced: Reduced, pricers: list[ItemPricer], duals: Duals, *, best_cost: float,
                  best_award: Mapping[str, int], deadline: float, stop: Callable[[], bool],
                  on_bound: Callable[[float], None], on_award: Callable[[dict[str, int]], None],
                  caller_best: Callable[[], float]) -> float:
    """HiGHS on the restriction of the compact model to the segments that can be in an award
    cheaper than ``best_cost``, from ``best_award``; ``on_bound`` gets each rise of its bound
    (already capped at ``best_cost``), ``on_award`` each award it finds that keeps every rule and
    beats ``caller_best()``. Returns the final bound (``best_cost`` if nothing cheaper exists)."""
    segment_bounds = SegmentBounds(reduced, pricers)
    per_segment = segment_bounds.per_segment(duals, segment_bounds.item_values(duals))
    keep = per_segment <= best_cost + 1e-6
    start = as_reduced(reduced, best_award)
    if start is not None:
        keep[[s for s, _ in start.values()]] = True
    form = build(reduced, integer_quantities=False, keep=keep)
    highs = form.highs
    highs.setOptionValue("objective_bound", (best_cost - form.fixed_total) * form.scale)
    start_solution(form, reduced, start)
    best_bound = [-np.inf]

    def bound_in_dollars(value: float) -> float:
        return min(form.dollars(value), best_cost) if np.isfinite(value) else -np.inf

    def interrupt(event) -> None:
        value = bound_in_dollars(event.data_out.mip_dual_bound)
        if value > best_bound[0]:
            best_bound[0] = value
            on_bound(value)
        if stop():
            event.interrupt()

    def improving(event) -> None:
        award = form.award(reduced, np.asarray(event.data_out.mip_solution))
        if award and exact_ok(reduced, award) and award_cost(reduced, award) < caller_best() - 0.005:
            on_award({reduced.bids[b].id: q for b, (_, q) in award.items() if q > 0})

    highs.cbMipInterrupt += interrupt
    highs.cbMipImprovingSolution += improving
    if not run_mip(form, deadline, 1e-7, presolve=False):  # (as every restricted search here)
        return -np.inf
    status = highs.getModelStatus().name
    if status in ("kInfeasible", "kObjectiveBound"):  # nothing in the restriction beats the cutoff
        final = best_cost
    elif status in ("kOptimal", "kTimeLimit", "kInterrupt", "kSolutionLimit"):
        final = bound_in_dollars(highs.getInfo().mip_dual_bound)
    else:
        final = -np.inf
    if final > best_bound[0]:
        on_bound(final)
    return max(final, best_bound[0])
