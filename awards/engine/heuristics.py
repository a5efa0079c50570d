"""Primal heuristics: awards that satisfy every rule, found fast.

- ``restricted_search``: HiGHS on the compact model restricted to the promising segments (those
  whose Lagrangian lower bound is close to the best bound), with only the tier choices integer
  and continuous quantities -- a relaxation that HiGHS solves far faster -- then
- ``repair``: whole units again, re-solving the quantities with the tier choices fixed;
- ``reoptimize``: large-neighbourhood search -- keep the award on most items and let HiGHS
  re-award a few items exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .formulation import build
from .master import SHARE_MARGIN, Pattern
from .presolve import Reduced

Award = dict[int, tuple[int, int]]  # bid -> (segment, quantity), reduced indices

FEASIBLE = 2  # HiGHS primal_solution_status: a feasible solution is available


def award_from_patterns(patterns: list[Pattern]) -> Award:
    return {b: (s, q) for pattern in patterns for b, s, q in pattern.award}


def award_cost(reduced: Reduced, award: Award) -> float:
    return float(sum(reduced.seg_price[s] * q for s, q in award.values()))


def _start(form, reduced: Reduced, award: Award | None) -> None:
    if award is not None:
        columns, values = form.start(reduced, award)
        form.highs.setSolution(len(columns), columns, values)


def repair(reduced: Reduced, chosen: Award, time_limit: float) -> Award | None:
    """Whole-unit quantities for the chosen segments (tier choices fixed), every rule exact."""
    keep = np.zeros(len(reduced.segments), dtype=bool)
    keep[[s for s, _ in chosen.values()]] = True
    form = build(reduced, integer_quantities=True, keep=keep, share_margin=SHARE_MARGIN)
    h = form.highs
    count = len(form.y)
    h.changeColsBounds(count, form.y.astype(np.int32), np.ones(count), np.ones(count))
    h.setOptionValue("time_limit", max(time_limit, 0.05))
    h.setOptionValue("mip_rel_gap", 1e-9)
    h.run()
    if h.getInfo().primal_solution_status != FEASIBLE:
        return None
    return form.award(reduced, np.asarray(h.getSolution().col_value))


@dataclass
class SearchOutcome:
    award: Award | None  # whole units, not yet checked exactly
    bound: float  # HiGHS dual bound of the restricted relaxation, in dollars
    solved: bool  # the restricted relaxation was solved to optimality


def restricted_search(
    reduced: Reduced,
    keep: np.ndarray,
    incumbent: Award | None,
    time_limit: float,
    *,
    gap: float,
    cutoff: float | None = None,
) -> SearchOutcome:
    """Best award over the kept segments, quantities continuous, then repaired to whole units."""
    started = _now()
    form = build(reduced, integer_quantities=False, keep=keep)
    h = form.highs
    h.setOptionValue("presolve", "off")  # HiGHS presolve densifies the share rows here
    h.setOptionValue("time_limit", max(time_limit, 0.05))
    h.setOptionValue("mip_rel_gap", gap)
    if cutoff is not None:
        h.setOptionValue("objective_bound", (cutoff - form.fixed_total) * form.scale)
    _start(form, reduced, incumbent)
    h.run()
    info = h.getInfo()
    solved = h.getModelStatus().name in ("kOptimal", "kObjectiveBound")
    bound = form.dollars(info.mip_dual_bound)
    if info.primal_solution_status != FEASIBLE:
        return SearchOutcome(None, bound, solved)
    chosen = form.award(reduced, np.asarray(h.getSolution().col_value))
    remaining = max(time_limit - (_now() - started), 1.0)
    return SearchOutcome(repair(reduced, chosen, remaining), bound, solved)


def reoptimize(reduced: Reduced, award: Award, items: list[int], time_limit: float) -> Award | None:
    """Best award that agrees with ``award`` outside ``items`` (None if HiGHS finds none in time)."""
    free = set(items)
    form = build(reduced, integer_quantities=True, items=items, fixed_award=award, share_margin=SHARE_MARGIN)
    h = form.highs
    h.setOptionValue("presolve", "off")
    h.setOptionValue("time_limit", max(time_limit, 0.05))
    h.setOptionValue("mip_rel_gap", 1e-7)
    _start(form, reduced, {b: sq for b, sq in award.items() if reduced.bid_item[b] in free})
    h.run()
    if h.getInfo().primal_solution_status != FEASIBLE:
        return None
    changed = form.award(reduced, np.asarray(h.getSolution().col_value))
    merged = {b: sq for b, sq in award.items() if reduced.bid_item[b] not in free}
    merged.update(changed)
    return merged


def _now() -> float:
    import time

    return time.monotonic()


def greedy_by_patterns(
    reduced: Reduced, patterns: list[Pattern], reduced_costs: np.ndarray, total_estimate: float
) -> Award | None:
    """Biggest items first, each takes its cheapest pooled pattern (at the duals' prices) that
    keeps every vendor under the share cap of ``total_estimate``; None if some item cannot.

    Bundles are not handled here (the pool search and the restricted search handle them).
    """
    if reduced.bundle_groups:
        return None
    share = reduced.problem.constraints.max_vendor_share
    cap = np.inf if share is None else float(share) * total_estimate * (1 - 1e-6)
    spend = np.zeros(len(reduced.vendors))
    by_item: dict[int, list[int]] = {}
    for k, pattern in enumerate(patterns):
        by_item.setdefault(pattern.item, []).append(k)
    size = {item: min(patterns[k].cost for k in ks) for item, ks in by_item.items()}
    award: Award = {}
    for item in sorted(by_item, key=lambda i: -size[i]):
        for k in sorted(by_item[item], key=lambda k: reduced_costs[k]):
            extra: dict[int, float] = {}
            for b, s, q in patterns[k].award:
                vendor = reduced.bid_vendor[b]
                extra[vendor] = extra.get(vendor, 0.0) + reduced.seg_price[s] * q
            if all(spend[v] + amount <= cap for v, amount in extra.items()):
                for v, amount in extra.items():
                    spend[v] += amount
                award.update({b: (s, q) for b, s, q in patterns[k].award})
                break
        else:
            return None
    return award
