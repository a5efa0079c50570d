"""Primal heuristics: awards that satisfy every rule, found fast.

- ``greedy_by_patterns``: biggest items first, each takes its cheapest pooled pattern (at the
  Lagrangian prices) that still fits every vendor's share cap;
- ``restricted_search``: HiGHS on the compact model restricted to the promising segments (those
  whose Lagrangian lower bound is close to the best bound), with only the tier choices integer
  and continuous quantities -- a relaxation HiGHS solves far faster -- then
- ``repair``: whole units again, re-solving with only the chosen bids;
- ``reoptimize``: large-neighbourhood search -- keep the award on most items and let HiGHS
  re-award a few items exactly.

Every function takes a ``deadline`` (time.monotonic()); HiGHS gets whatever is left once its
model is built. Share rows are first written exactly; only if floats let a row slip past the exact
Decimal check is the model solved again with a tiny margin.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from .formulation import Formulation, build
from .highs import run_mip, stopped
from .master import SHARE_MARGIN, Pattern
from .presolve import Reduced
from .rules import violations

Award = dict[int, tuple[int, int]]  # bid -> (segment, quantity), reduced indices

FEASIBLE = 2  # HiGHS primal_solution_status: a feasible solution is available
MIN_RUN = 0.05  # seconds: below this HiGHS is not started
REPAIR_SHARE = 0.3  # of the time left, at most, for a repair
WHOLE_UNITS_DIRECTLY = 600  # segments: restrictions this small are solved in whole units at once


def award_from_patterns(patterns: list[Pattern]) -> Award:
    return {b: (s, q) for pattern in patterns for b, s, q in pattern.award}


def award_patterns(reduced: Reduced, award: Award) -> list[Pattern]:
    """An award as one pattern per item it covers, in item order (``award_from_patterns``'s inverse)."""
    per_item: dict[int, dict[int, tuple[int, int]]] = {}
    for b, entry in award.items():
        per_item.setdefault(reduced.bid_item[b], {})[b] = entry
    return [Pattern.make(reduced, item, per_item[item]) for item in sorted(per_item)]


def award_cost(reduced: Reduced, award: Award) -> float:
    return float(sum(reduced.seg_price[s] * q for s, q in award.values()))


def exact_ok(reduced: Reduced, award: Award) -> bool:
    """Does the award pass the exact (Decimal) check of every rule?"""
    return not violations(reduced.problem, {reduced.bids[b].id: q for b, (_, q) in award.items() if q > 0})


def _margins(reduced: Reduced, attempt: Callable[[float], Award | None]) -> Award | None:
    for margin in (0.0, SHARE_MARGIN):
        award = attempt(margin)
        if award is None:
            return None
        if exact_ok(reduced, award):
            return award
    return None


def _run(form: Formulation, deadline: float, gap: float, *, presolve: bool = True) -> bool:
    """Run HiGHS until the deadline (or a stop request); False if there was no time left to start
    or it overran its time limit and was given up (``highs.run_mip``: then it has no answer)."""
    left = deadline - time.monotonic()
    if left < MIN_RUN or stopped():
        return False
    h = form.highs
    h.setOptionValue("time_limit", left)
    h.setOptionValue("mip_rel_gap", gap)
    if not presolve:
        h.setOptionValue("presolve", "off")  # HiGHS presolve densifies the share rows here
    # HiGHS 1.16's RINS and RENS solve sub-MIPs whose presolve can loop without looking at the
    # clock (HPresolve::strengthenInequalities on these integer-quantity models: a 4-s solve ran
    # for minutes; ERGO-Code/HiGHS#2226 is the same family), so they stay off here
    h.setOptionValue("mip_heuristic_run_rins", False)
    h.setOptionValue("mip_heuristic_run_rens", False)
    return run_mip(h)


def _solution(form: Formulation, reduced: Reduced) -> Award | None:
    if form.highs.getInfo().primal_solution_status != FEASIBLE:
        return None
    return form.award(reduced, np.asarray(form.highs.getSolution().col_value))


def start_solution(form: Formulation, reduced: Reduced, award: Award | None) -> None:
    """Give HiGHS ``award`` (or the part of it on the formulation's items) to start from."""
    if award is not None:
        columns, values = form.start(reduced, award)
        form.highs.setSolution(len(columns), columns, values)


def repair(
    reduced: Reduced,
    chosen: Award,
    deadline: float,
    *,
    items: list[int] | None = None,
    fixed_award: Award | None = None,
) -> Award | None:
    """Whole units again: re-solve with only the chosen bids (any of their tiers), so the
    relaxation's tier choices stand unless whole units force a neighbouring tier.

    With ``items``, only those items are re-solved and ``fixed_award`` holds the others."""
    keep = np.zeros(len(reduced.segments), dtype=bool)
    for b in chosen:
        keep[reduced.segments_of_bid[b]] = True
    free = None if items is None else set(items)
    kept = {} if free is None else {b: sq for b, sq in (fixed_award or {}).items() if reduced.bid_item[b] not in free}
    deadline = min(deadline, time.monotonic() + max(REPAIR_SHARE * (deadline - time.monotonic()), 1.0))

    def attempt(margin: float) -> Award | None:
        form = build(reduced, integer_quantities=True, items=items, fixed_award=fixed_award, keep=keep,
                     share_margin=margin)
        start_solution(form, reduced, chosen)  # partial: HiGHS completes it if it can
        changed = _solution(form, reduced) if _run(form, deadline, 1e-9) else None
        return None if changed is None else {**kept, **changed}

    return _margins(reduced, attempt)


ENOUGH_CHECK_SECONDS = 0.05  # a restricted search's ``enough`` is asked at most this often


@dataclass
class SearchOutcome:
    award: Award | None  # whole units, passes the exact check
    bound: float  # lower bound on the restricted problem (dollars; inf: nothing beats the cutoff)
    solved: bool  # HiGHS finished (optimal, or nothing beats the cutoff)


def _restricted(
    reduced: Reduced,
    keep: np.ndarray,
    incumbent: Award | None,
    deadline: float,
    gap: float,
    cutoff: float | None,
    integer: bool,
    margin: float,
    enough: Callable[[float], bool] | None = None,
) -> tuple[SearchOutcome, Award | None]:
    """One HiGHS run on the restriction; returns the outcome and the raw (unchecked) award.
    ``enough``, given HiGHS's dual bound in dollars now and then, ends the run once it says yes."""
    form = build(reduced, integer_quantities=integer, keep=keep, share_margin=margin)
    if cutoff is not None:
        form.highs.setOptionValue("objective_bound", (cutoff - form.fixed_total) * form.scale)
    start_solution(form, reduced, incumbent)
    if enough is not None:
        asked = [0.0]

        def interrupt(event) -> None:
            now = time.monotonic()
            if now - asked[0] >= ENOUGH_CHECK_SECONDS:
                asked[0] = now
                value = event.data_out.mip_dual_bound
                if np.isfinite(value) and enough(float(form.dollars(value))):
                    event.interrupt()

        form.highs.cbMipInterrupt += interrupt
    if not _run(form, deadline, gap, presolve=False):
        return SearchOutcome(None, -np.inf, False), None
    h = form.highs
    status = h.getModelStatus().name
    # HiGHS's dual bound holds for the restricted model even at the time limit; "infeasible" under
    # the cutoff means nothing in the restriction beats the incumbent.
    nothing_better = status in ("kInfeasible", "kObjectiveBound")
    bound = np.inf if nothing_better else float(form.dollars(h.getInfo().mip_dual_bound))
    solved = nothing_better or status == "kOptimal"
    return SearchOutcome(None, bound, solved), _solution(form, reduced)


def restricted_search(
    reduced: Reduced,
    keep: np.ndarray,
    incumbent: Award | None,
    deadline: float,
    *,
    gap: float,
    cutoff: float | None = None,
    whole_units: bool = False,
    enough: Callable[[float], bool] | None = None,
) -> SearchOutcome:
    """Best award over the kept segments: quantities continuous, then repaired to whole units; if
    the tier choices cannot be repaired, the restriction is solved again in whole units.
    ``whole_units``: integer quantities from the start -- slower, but its bound is exact (small
    restrictions always are solved so). ``enough`` (see ``_restricted``) may end the first run
    early: where the restriction is exact, once its bound proves the caller's best award."""
    if not whole_units and keep.sum() > WHOLE_UNITS_DIRECTLY:
        outcome, chosen = _restricted(reduced, keep, incumbent, deadline, gap, cutoff, False, 0.0, enough)
        if chosen is None:
            return outcome
        # rounding the relaxation's quantities usually keeps every rule; else re-solve them
        outcome.award = chosen if exact_ok(reduced, chosen) else repair(reduced, chosen, deadline)
        if outcome.award is not None:
            return outcome
        exact = restricted_search(reduced, keep, incumbent, deadline, gap=gap, cutoff=cutoff, whole_units=True)
        exact.bound = max(exact.bound, outcome.bound)  # both bound the restricted problem
        return exact
    runs: list[SearchOutcome] = []

    def attempt(margin: float) -> Award | None:
        outcome, award = _restricted(reduced, keep, incumbent, deadline, gap, cutoff, True, margin,
                                     enough if margin == 0.0 else None)
        runs.append(outcome)
        return award

    award = _margins(reduced, attempt)
    runs[0].award = award
    return runs[0]  # the margin-free run's bound is the one that holds


def reoptimize(
    reduced: Reduced, award: Award, items: list[int], deadline: float, keep: np.ndarray | None = None
) -> Award | None:
    """Best award that agrees with ``award`` outside ``items`` (None if HiGHS finds none in time):
    the items' tier choices with continuous quantities, then repaired to whole units."""
    free = set(items)
    kept = {b: sq for b, sq in award.items() if reduced.bid_item[b] not in free}
    form = build(reduced, integer_quantities=False, items=items, fixed_award=award, keep=keep)
    start_solution(form, reduced, {b: sq for b, sq in award.items() if reduced.bid_item[b] in free})
    if not _run(form, deadline, 1e-7, presolve=False):
        return None
    chosen = _solution(form, reduced)
    if chosen is None:
        return None
    rounded = {**kept, **chosen}
    if exact_ok(reduced, rounded):
        return rounded
    return repair(reduced, chosen, deadline, items=items, fixed_award=award)


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


PAIR_CANDIDATES = 200  # improving but cap-breaking moves tried in pairs, per round
PAIR_BLOCK_VALUES = 1 << 20  # pairs checked at once, at most (a 1-MB mask, 8 MB of sums)
CHAIN_STEPS = 4  # repairs after a cap-breaking move, at most (an ejection chain)
CHAIN_CANDIDATES = 60


def _chain(items, delta, change, vendor_spend, total, cap, tolerance, wanted, deadline) -> list[int]:
    """An improving move that breaks caps, then the repairs that cost least per dollar of excess
    removed, until every cap holds again; the first chain that saves money in total, or [].
    ``delta`` and ``change``: each pattern's cost and spend per vendor less its item's chosen one's.

    A repair is a pattern of an item the chain has not touched, so its change is against the
    chosen pattern: what a repair leaves over each cap is ``spent - cap * paid`` (the chain's)
    plus ``change - cap * delta`` (the pattern's, made once), counted only over the vendors where
    some pattern could leave any (2-3x faster than over every vendor from each step's choice,
    heavy-tail 300x30x4, 2026-12-07; the same chains)."""
    over = np.ascontiguousarray((change - cap * delta[:, None]).T)  # vendor x pattern
    most = over.max(axis=1)
    for a in wanted[np.argsort(delta[wanted])][:CHAIN_CANDIDATES]:
        if time.monotonic() > deadline:
            break
        spent = vendor_spend + change[a]
        paid = total + delta[a]
        moves = [int(a)]
        untouched = items != items[a]
        for _ in range(CHAIN_STEPS):
            excess = np.maximum(spent - cap * paid, 0.0).sum()
            if excess <= 0:
                break
            level = spent - cap * paid
            vendors = np.flatnonzero(level + most > 0)  # (elsewhere no repair leaves any)
            left = np.maximum(over[vendors] + level[vendors, None], 0.0).sum(axis=0)
            useful = (left < excess - 1e-9) & untouched
            if not useful.any():
                break
            with np.errstate(divide="ignore", invalid="ignore"):  # the useless ones are masked out
                ratio = np.where(useful, (delta + 1e-9) / (excess - left), np.inf)
            done = useful & (left <= 0)
            if done.any() and (np.where(done, delta, np.inf).min() + paid - total) < -tolerance:
                k = int(np.argmin(np.where(done, delta, np.inf)))
            else:
                k = int(np.argmin(ratio))
            moves.append(k)
            untouched &= items != items[k]
            paid += delta[k]
            spent = spent + change[k]
        if (spent - cap * paid <= -0.01).all() and paid < total - tolerance:
            return moves
    return []


def _best_pair(wanted: np.ndarray, items: np.ndarray, delta: np.ndarray, change: np.ndarray,
               room: np.ndarray, cap: float, tolerance: float, deadline: float) -> list[int]:
    """The pair of changes (a among ``wanted``, c any other item's) that saves most and keeps every
    cap, as [a, c], or []. c's ``room`` under each cap, less what a takes of it, must stay >= 0
    (their sum regrouped). All pairs at once, over only the vendors whose cap some pair could
    break: 3-5x faster than one candidate at a time over every vendor (heavy-tail 300x30x4; the
    same pair, the first of the cheapest in the candidates' order, as before 2026-12-07). Past
    the deadline, the best pair among the candidates checked so far."""
    if not len(wanted):
        return []
    need = change[wanted] - cap * delta[wanted][:, None]  # what each candidate a takes of the room
    tight = np.flatnonzero((need > room.min(axis=0)).any(axis=0))
    # the patterns c that may pair with some candidate at all: cheap enough, and room enough
    cols = np.flatnonzero((delta < -tolerance - delta[wanted].min())
                          & (room[:, tight] >= need[:, tight].min(axis=0)).all(axis=1))
    rooms, near, where = np.ascontiguousarray(room[cols][:, tight].T), delta[cols], items[cols]
    best, moves = -tolerance, []
    block = max(1, PAIR_BLOCK_VALUES // max(1, len(cols)))
    for start in range(0, len(wanted), block):
        chunk = wanted[start:start + block]
        both = delta[chunk][:, None] + near[None, :]
        ok = (both < best) & (items[chunk][:, None] != where[None, :])
        for row, vendor in zip(rooms, tight):
            ok &= row[None, :] >= need[start:start + block, vendor][:, None]
        if ok.any():
            masked = np.where(ok, both, np.inf)
            a, c = divmod(int(np.argmin(masked)), len(cols))
            best, moves = float(masked[a, c]), [int(chunk[a]), int(cols[c])]
        if time.monotonic() > deadline:
            break
    return moves


def pattern_local_search(
    reduced: Reduced, patterns: list[Pattern], chosen: list[int], deadline: float
) -> list[int] | None:
    """Improve a choice of one pooled pattern per item (``chosen[item]`` = pattern index) by
    moves that keep every vendor within the share cap: the best single change of one item's
    pattern, else the best pair of changes on two items (one that saves money but breaks a cap,
    one that makes room under it). Returns the improved choice, or None if nothing improved.

    Works on the dense pattern x vendor spend matrix, so a round over thousands of patterns takes
    milliseconds; the caps get a relative margin of 1e-9 (the exact check follows anyway)."""
    share = reduced.problem.constraints.max_vendor_share
    if share is None or reduced.bundle_groups or not patterns:
        return None
    cap = float(share) * (1 - 1e-9)
    count, vendors = len(patterns), len(reduced.vendors)
    items = np.array([pattern.item for pattern in patterns])
    cost = np.array([pattern.cost for pattern in patterns])
    spend = np.zeros((count, vendors))
    for k, pattern in enumerate(patterns):
        for b, s, q in pattern.award:
            spend[k, reduced.bid_vendor[b]] += reduced.seg_price[s] * q
    chosen = np.array(chosen, dtype=np.int64)
    total = float(cost[chosen].sum())
    vendor_spend = spend[chosen].sum(axis=0)
    tolerance = 1e-6 * max(total, 1.0) * 1e-3
    improved = False
    while time.monotonic() < deadline and not stopped():
        current = chosen[items]
        delta = cost - cost[current]
        change = spend - spend[current]
        room = cap * (total + delta)[:, None] - (vendor_spend[None, :] + change) - 0.01
        fits = (room >= 0).all(axis=1)
        single = np.where(fits & (delta < -tolerance), delta, np.inf)
        k = int(np.argmin(single))
        moves: list[int] = []
        if np.isfinite(single[k]):
            moves = [k]
        else:
            wanted = np.flatnonzero(~fits & (delta < -tolerance))
            wanted = wanted[np.argsort(delta[wanted])][:PAIR_CANDIDATES]
            moves = _best_pair(wanted, items, delta, change, room, cap, tolerance, deadline)
        if not moves and CHAIN_STEPS:
            moves = _chain(items, delta, change, vendor_spend, total, cap, tolerance,
                           np.flatnonzero(~fits & (delta < -tolerance)), deadline)
        if not moves:
            break
        for k in moves:
            item = items[k]
            total += cost[k] - cost[chosen[item]]
            vendor_spend += spend[k] - spend[chosen[item]]
            chosen[item] = k
        improved = True
    return [int(k) for k in chosen] if improved else None


def as_reduced(reduced: Reduced, award: Mapping[str, int]) -> Award | None:
    """A bid-id award in reduced indices (None if some quantity fits no surviving segment)."""
    result: Award = {}
    for bid_id, quantity in award.items():
        if quantity <= 0:
            continue
        b = reduced.bid_position.get(bid_id)
        if b is None:
            return None
        segment = next(
            (s for s in reduced.segments_of_bid[b] if reduced.seg_lo[s] <= quantity <= reduced.seg_hi[s]), None
        )
        if segment is None:
            return None
        result[b] = (segment, quantity)
    return result
