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
from .rules import violations

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


def exact_ok(reduced: Reduced, award: Award) -> bool:
    """Does the award pass the exact (Decimal) check of every rule?"""
    return not violations(reduced.problem, {reduced.bids[b].id: q for b, (_, q) in award.items() if q > 0})


def margins_until_exact(reduced: Reduced, attempt) -> Award | None:
    """Run ``attempt(margin)`` with the share rows exact first, tightened only if floats lied."""
    for margin in (0.0, SHARE_MARGIN):
        award = attempt(margin)
        if award is None:
            return None
        if exact_ok(reduced, award):
            return award
    return None


def repair(reduced: Reduced, chosen: Award, time_limit: float) -> Award | None:
    """Whole-unit quantities for the chosen segments (tier choices fixed), every rule exact."""
    keep = np.zeros(len(reduced.segments), dtype=bool)
    keep[[s for s, _ in chosen.values()]] = True

    def attempt(margin: float) -> Award | None:
        form = build(reduced, integer_quantities=True, keep=keep, share_margin=margin)
        h = form.highs
        count = len(form.y)
        h.changeColsBounds(count, form.y.astype(np.int32), np.ones(count), np.ones(count))
        h.setOptionValue("time_limit", max(time_limit / 2, 0.05))
        h.setOptionValue("mip_rel_gap", 1e-9)
        h.run()
        if h.getInfo().primal_solution_status != FEASIBLE:
            return None
        return form.award(reduced, np.asarray(h.getSolution().col_value))

    return margins_until_exact(reduced, attempt)


@dataclass
class SearchOutcome:
    award: Award | None  # whole units, not yet checked exactly
    bound: float  # lower bound on the restricted problem (dollars; inf: nothing beats the cutoff)
    solved: bool  # the restricted relaxation was solved to optimality
    chosen: Award | None = None  # the relaxation's tier choices (quantities rounded)


def restricted_search(
    reduced: Reduced,
    keep: np.ndarray,
    incumbent: Award | None,
    time_limit: float,
    *,
    gap: float,
    cutoff: float | None = None,
    whole_units: bool = False,
) -> SearchOutcome:
    """Best award over the kept segments, quantities continuous, then repaired to whole units
    (``whole_units``: integer quantities from the start -- slower, but its bound is exact).

    If the tier choices cannot be repaired (rare: the relaxation used fractional units to squeeze
    under a share cap), the same restriction is solved again with whole units.
    """
    started = _now()
    if whole_units:
        return _restricted(reduced, keep, incumbent, time_limit, gap, cutoff, integer=True)
    outcome = _restricted(reduced, keep, incumbent, time_limit, gap, cutoff, integer=False)
    if outcome.award is None and outcome.chosen is not None:
        outcome.award = repair(reduced, outcome.chosen, max(time_limit - (_now() - started), 1.0))
    if outcome.award is None and outcome.chosen is not None:
        spent = _now() - started
        exact = _restricted(reduced, keep, incumbent, max(time_limit - spent, 1.0), gap, cutoff, integer=True)
        exact.bound = max(exact.bound, outcome.bound)  # both bound the restricted problem
        outcome = exact
    return outcome


def _restricted(
    reduced: Reduced,
    keep: np.ndarray,
    incumbent: Award | None,
    time_limit: float,
    gap: float,
    cutoff: float | None,
    *,
    integer: bool,
) -> SearchOutcome:
    if integer:
        outcomes: list[SearchOutcome] = []

        def attempt(margin: float) -> Award | None:
            outcomes.append(_restricted_once(reduced, keep, incumbent, time_limit / 2, gap, cutoff, True, margin))
            return outcomes[-1].award

        award = margins_until_exact(reduced, attempt)
        outcomes[0].award = award
        return outcomes[0]  # the margin-free run's bound is the one that holds
    return _restricted_once(reduced, keep, incumbent, time_limit, gap, cutoff, False, 0.0)


def _restricted_once(
    reduced: Reduced,
    keep: np.ndarray,
    incumbent: Award | None,
    time_limit: float,
    gap: float,
    cutoff: float | None,
    integer: bool,
    margin: float,
) -> SearchOutcome:
    form = build(reduced, integer_quantities=integer, keep=keep, share_margin=margin)
    h = form.highs
    h.setOptionValue("presolve", "off")  # HiGHS presolve densifies the share rows here
    h.setOptionValue("time_limit", max(time_limit, 0.05))
    h.setOptionValue("mip_rel_gap", gap)
    if cutoff is not None:
        h.setOptionValue("objective_bound", (cutoff - form.fixed_total) * form.scale)
    _start(form, reduced, incumbent)
    h.run()
    info = h.getInfo()
    status = h.getModelStatus().name
    solved = status in ("kOptimal", "kObjectiveBound", "kInfeasible")
    # HiGHS's dual bound holds for the restricted model even at the time limit; "infeasible" under
    # the cutoff means nothing in the restriction beats the incumbent.
    bound = np.inf if status in ("kInfeasible", "kObjectiveBound") else form.dollars(info.mip_dual_bound)
    if info.primal_solution_status != FEASIBLE:
        return SearchOutcome(None, bound, solved)
    chosen = form.award(reduced, np.asarray(h.getSolution().col_value))
    if integer:
        return SearchOutcome(chosen, bound, solved)
    return SearchOutcome(None, bound, solved, chosen)


def reoptimize(reduced: Reduced, award: Award, items: list[int], time_limit: float) -> Award | None:
    """Best award that agrees with ``award`` outside ``items`` (None if HiGHS finds none in time)."""
    free = set(items)

    def attempt(margin: float) -> Award | None:
        form = build(reduced, integer_quantities=True, items=items, fixed_award=award, share_margin=margin)
        h = form.highs
        h.setOptionValue("presolve", "off")
        h.setOptionValue("time_limit", max(time_limit / 2, 0.05))
        h.setOptionValue("mip_rel_gap", 1e-7)
        _start(form, reduced, {b: sq for b, sq in award.items() if reduced.bid_item[b] in free})
        h.run()
        if h.getInfo().primal_solution_status != FEASIBLE:
            return None
        merged = {b: sq for b, sq in award.items() if reduced.bid_item[b] not in free}
        merged.update(form.award(reduced, np.asarray(h.getSolution().col_value)))
        return merged

    return margins_until_exact(reduced, attempt)


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
