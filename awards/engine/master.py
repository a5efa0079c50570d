"""Dantzig-Wolfe master over per-item award patterns (column generation).

A *pattern* is a complete award of one item (bid -> segment, quantity). The master chooses one
pattern per item (z_k, convex combination in the LP):

    sum_{k of item i} z_k = 1                                  (convexity, dual sigma_i)
    sum_k spend_{v,k} z_k - share * T <= 0                     (vendor share, dual -mu_v)
    T - sum_k cost_k z_k = 0                                   (total spend, dual tau)
    sum_k [b in k] z_k - sum_k [b' in k] z_k = 0               (bundle b, b', dual beta)

A pattern's reduced cost is  sum_{(b,s,q)} price_s*q*(1 + tau + mu_vendor(b)) + fixed_b - sigma_i
with fixed_b collecting the bundle duals: so pricing is the per-item DP at adjusted prices, and
for any duals  sum_i min_k(reduced cost + sigma_i)  is a valid lower bound (Lagrangian bound).
Slack columns with a large penalty keep the LP feasible while the pool is still poor.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import highspy
import numpy as np

from .formulation import INF
from .highs import new_highs, run_mip, stop_when_enough, stopped
from .presolve import Reduced

# HiGHS's root work on the pool IP (LP, then heuristics that do not look at the clock) takes about
# a second on 300 items whatever its limit: given 0.18 s it took 1.34 s (tiny-items 300x30x4 at a
# 1-s limit), so with less than this it is not started at all
MIN_IP_SECONDS = 0.5
# ... and with less than this, HiGHS's presolve is off: on tiny-items 300x30x4 its presolve and root
# work took 2.6-2.8 s of a 0.7-s limit (seed 4 at a 2-s limit: the solve took 3.2-3.5 s); without
# it the IP ends on time, with a better award (0.0113% against 0.0709%; seed 2 at 3 s: 0.0368%
# against 0.1211%). With more time presolve pays: base seed 1 at 10 s is proven 2 s later without
# it, heavy-tail seed 2 ends worse (thirteenth session, awards/engine/README.md)
PRESOLVE_MIN_IP_SECONDS = 1.5
SHARE_MARGIN = 1e-9  # if floats let a share row slip, re-solve with share*(1 - margin) and half a cent


@dataclass(frozen=True)
class Pattern:
    item: int
    award: tuple[tuple[int, int, int], ...]  # (bid, segment, quantity), sorted by bid
    cost: float

    @staticmethod
    def make(reduced: Reduced, item: int, award: dict[int, tuple[int, int]]) -> Pattern:
        entries = tuple(sorted((b, s, q) for b, (s, q) in award.items() if q > 0))
        cost = float(sum(reduced.seg_price[s] * q for _, s, q in entries))
        return Pattern(item, entries, cost)


@dataclass
class Duals:
    sigma: np.ndarray  # per item
    factor: np.ndarray  # per bid: multiplier of its raw prices
    fixed: np.ndarray | None  # per bid: bundle charge, None without bundles
    value: float  # master LP objective
    mu: np.ndarray  # per vendor: price of its share cap (0 where the cap does not bind)


class Master:
    def __init__(self, reduced: Reduced) -> None:
        self.reduced = reduced
        problem = reduced.problem
        self.items = len(problem.items)
        share = problem.constraints.max_vendor_share
        self.share = None if share is None or share >= 1 else float(share)
        self.vendors = len(reduced.vendors)
        self.bundle_rows: list[tuple[int, int]] = [
            (group[0], other) for group in reduced.bundle_groups for other in group[1:]
        ]
        self.bundle_row_of_bid: dict[int, list[tuple[int, float]]] = {}
        first_bundle_row = self.items + (self.vendors + 1 if self.share is not None else 0)
        for index, (head, other) in enumerate(self.bundle_rows):
            self.bundle_row_of_bid.setdefault(head, []).append((first_bundle_row + index, 1.0))
            self.bundle_row_of_bid.setdefault(other, []).append((first_bundle_row + index, -1.0))
        self.total_row = self.items + self.vendors if self.share is not None else None
        self.patterns: list[Pattern] = []
        self.keys: set[tuple[int, tuple]] = set()
        self.highs = new_highs()
        self._barred = np.zeros(0, dtype=bool)  # patterns barred from the LP (``set_allowed``)
        self._build_rows()

    # -- model -----------------------------------------------------------------------------
    def _build_rows(self) -> None:
        h = self.highs
        empty_i, empty_v = np.zeros(0, np.int32), np.zeros(0)
        h.addRows(self.items, np.ones(self.items), np.ones(self.items), 0, empty_i, empty_i, empty_v)
        scale = float(np.max(self.reduced.seg_price * self.reduced.item_quantity[self.reduced.seg_item],
                             initial=1.0))
        if self.share is not None:
            h.addRows(self.vendors, np.full(self.vendors, -INF), np.zeros(self.vendors), 0, empty_i, empty_i, empty_v)
            h.addRows(1, np.zeros(1), np.zeros(1), 0, empty_i, empty_i, empty_v)
            share_rows = np.arange(self.items, self.items + self.vendors, dtype=np.int32)
            h.addCol(0.0, 0.0, INF, self.vendors + 1, np.append(share_rows, self.total_row).astype(np.int32),
                     np.append(np.full(self.vendors, -self.share), 1.0))
            # slack: spend over the cap, at a price no real trade-off reaches
            for row in share_rows:
                h.addCol(1e3, 0.0, INF, 1, np.array([row], np.int32), np.array([-1.0]))
        rows = len(self.bundle_rows)
        if rows:
            h.addRows(rows, np.zeros(rows), np.zeros(rows), 0, empty_i, empty_i, empty_v)
            first = self.items + (self.vendors + 1 if self.share is not None else 0)
            for index in range(rows):
                for sign in (1.0, -1.0):
                    h.addCol(1e3 * scale, 0.0, INF, 1, np.array([first + index], np.int32), np.array([sign]))
        self.fixed_columns = h.getNumCol()

    def _column(self, pattern: Pattern) -> tuple[list[int], list[float]]:
        rows, values = [pattern.item], [1.0]
        if self.share is not None:
            spend: dict[int, float] = {}
            for b, s, q in pattern.award:
                vendor = self.reduced.bid_vendor[b]
                spend[vendor] = spend.get(vendor, 0.0) + self.reduced.seg_price[s] * q
            for vendor, amount in sorted(spend.items()):
                rows.append(self.items + vendor)
                values.append(amount)
            rows.append(self.total_row)
            values.append(-pattern.cost)
        bundle: dict[int, float] = {}
        for b, _, _ in pattern.award:
            for row, sign in self.bundle_row_of_bid.get(b, ()):
                bundle[row] = bundle.get(row, 0.0) + sign
        for row, value in sorted(bundle.items()):
            if value:  # both bids of a bundle row in one pattern cancel out
                rows.append(row)
                values.append(value)
        return rows, values

    def add(self, patterns: list[Pattern]) -> int:
        """Add the patterns not yet in the pool; return how many were new."""
        starts, index, value, costs = [], [], [], []
        for pattern in patterns:
            key = (pattern.item, pattern.award)
            if key in self.keys:
                continue
            self.keys.add(key)
            self.patterns.append(pattern)
            rows, values = self._column(pattern)
            starts.append(len(index))
            index.extend(rows)
            value.extend(values)
            costs.append(pattern.cost)
        if costs:
            count = len(costs)
            status = self.highs.addCols(count, np.array(costs), np.zeros(count), np.full(count, INF), len(index),
                                        np.array(starts, np.int32), np.array(index, np.int32), np.array(value))
            if status != highspy.HighsStatus.kOk:
                raise RuntimeError(f"master: adding {count} patterns failed ({status})")
        return len(costs)

    def set_allowed(self, allowed: np.ndarray) -> None:
        """Bar the patterns where ``allowed`` is false from the LP (a branch-and-price node); only
        the columns whose bar changes are touched (a node differs from the last in a few)."""
        count = len(self.patterns)
        barred = ~allowed[:count]
        previous = np.zeros(count, dtype=bool)
        previous[: len(self._barred)] = self._barred  # patterns added since are allowed
        changed = np.flatnonzero(barred != previous)
        if len(changed):
            columns = (self.fixed_columns + changed).astype(np.int32)
            self.highs.changeColsBounds(len(changed), columns, np.zeros(len(changed)),
                                        np.where(barred[changed], 0.0, INF))
        self._barred = barred

    # -- LP --------------------------------------------------------------------------------
    def solve_lp(self) -> tuple[Duals, np.ndarray]:
        """Solve the master LP; return the duals (as pricing inputs) and the pattern weights z."""
        h = self.highs
        h.run()
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            # from the previous basis HiGHS now and then ends "Unknown" (prices near 1e9, a
            # branch-and-price node after many bound changes); from scratch it solves them
            h.clearSolver()
            h.run()
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            # a few node LPs with coefficients from 0.5 to 1e12 (prices near 1e8 against the
            # bundle slack's cost) end in "Solve error" under simplex even from scratch; the
            # interior-point solver (with crossover, so the duals are a basis's) solves them
            # (a review's fuzzing: the tree closed that node at its parent's bound, below the optimum)
            h.clearSolver()
            h.setOptionValue("solver", "ipm")
            try:
                h.run()
            finally:
                h.setOptionValue("solver", "choose")
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(f"master LP: {h.modelStatusToString(h.getModelStatus())}")
        solution = h.getSolution()
        row_dual = np.asarray(solution.row_dual)
        z = np.asarray(solution.col_value)[self.fixed_columns :]
        reduced = self.reduced
        factor = np.ones(len(reduced.bids))
        mu = np.zeros(self.vendors)
        if self.share is not None:
            # HiGHS: duals of <= rows are <= 0 when minimising; mu >= 0 keeps the bound valid.
            mu = np.maximum(-row_dual[self.items : self.items + self.vendors], 0.0)
            factor = 1.0 - self.share * mu.sum() + mu[np.asarray(reduced.bid_vendor, dtype=np.int64)]
        fixed = None
        if self.bundle_rows:
            fixed = np.zeros(len(reduced.bids))
            for b, entries in self.bundle_row_of_bid.items():
                fixed[b] = -sum(row_dual[row] * sign for row, sign in entries)
        duals = Duals(row_dual[: self.items].copy(), factor, fixed, h.getInfo().objective_function_value, mu)
        return duals, z

    def slack_used(self) -> float:
        values = np.asarray(self.highs.getSolution().col_value)
        start = 1 if self.share is not None else 0
        return float(values[start : self.fixed_columns].sum())

    # -- integer master --------------------------------------------------------------------
    def solve_ip(
        self,
        deadline: float,
        *,
        allowed: np.ndarray | None = None,
        start: list[int] | None = None,
        gap: float = 1e-6,
        margin: float = 0.0,
        enough: Callable[[float], bool] | None = None,
    ) -> list[int] | None:
        """One pattern per item from the pool (``allowed`` ones only, no slack), or None.

        The LP is copied with integral pattern columns; the share rows get the exactness margin.
        HiGHS stops at its first answer of which ``enough(cost)`` says yes (e.g. the search's
        bound proves it).
        """
        h = new_highs()
        h.passModel(self.highs.getLp())
        count = len(self.patterns)
        keep = np.ones(count, dtype=bool) if allowed is None else allowed.astype(bool).copy()
        if start is not None:
            keep[start] = True
        # the columns left out (and the slacks) are deleted, not fixed at zero: with presolve off
        # HiGHS's root work over fixed columns ignored the clock (heavy-tail 300x30x4: 901 of
        # 2,520 patterns allowed, given 1.5 s it took 2.2-2.4 s, given 0.6 s 2.1 s; 0.9 s once deleted)
        first_slack = 1 if self.share is not None else 0
        drop = np.concatenate([np.arange(first_slack, self.fixed_columns),
                               self.fixed_columns + np.flatnonzero(~keep)]).astype(np.int32)
        if len(drop):
            h.deleteCols(len(drop), drop)
        kept = np.flatnonzero(keep)  # the pattern of each remaining pattern column
        count = len(kept)
        base = first_slack  # the share total column (if any) stays first
        columns = np.arange(base, base + count, dtype=np.int32)
        h.changeColsIntegrality(count, columns, np.ones(count, dtype=np.uint8))
        h.changeColsBounds(count, columns, np.zeros(count), np.ones(count))  # (barred from the LP or not)
        if self.share is not None and margin:
            cap = self.share * (1 - margin)
            for vendor in range(self.vendors):
                h.changeCoeff(self.items + vendor, 0, -cap)
                h.changeRowBounds(self.items + vendor, -INF, -0.005)
        if start is not None:
            position = np.full(len(self.patterns), -1, dtype=np.int64)
            position[kept] = np.arange(count)
            start_columns = columns[position[np.asarray(start, dtype=np.int64)]]
            h.setSolution(len(start_columns), start_columns, np.ones(len(start_columns)))
        left = deadline - time.monotonic()
        if left < MIN_IP_SECONDS or stopped():
            return None
        h.setOptionValue("time_limit", left)
        h.setOptionValue("mip_rel_gap", gap)
        if left < PRESOLVE_MIN_IP_SECONDS:
            h.setOptionValue("presolve", "off")
        if enough is not None:
            stop_when_enough(h, enough)
        if not run_mip(h) or h.getInfo().primal_solution_status != 2:  # kSolutionStatusFeasible
            return None
        values = np.asarray(h.getSolution().col_value)[base : base + count]
        chosen = [int(k) for k in kept[values > 0.5]]
        return chosen if len(chosen) == self.items else None

    def reduced_costs(self, duals: Duals, item_values: np.ndarray) -> np.ndarray:
        """Per pattern: adjusted cost minus the item's best adjusted cost (>= 0 up to rounding)."""
        reduced = self.reduced
        adjusted = reduced.seg_price * duals.factor[reduced.seg_bid]
        costs = np.empty(len(self.patterns))
        for k, pattern in enumerate(self.patterns):
            value = sum(adjusted[s] * q for _, s, q in pattern.award)
            if duals.fixed is not None:
                value += sum(duals.fixed[b] for b, _, _ in pattern.award)
            costs[k] = value - item_values[pattern.item]
        return costs
