"""Where the award engine's gap lies: its incumbent or its Dantzig-Wolfe bound (issue 19).

    edpool bench award-gap [--family heavy-tail] [--size 300x30x4] [--seeds 0,1,2,3,4]
                           [--seconds 60] [--json FILE]

Per instance: the Dantzig-Wolfe (Lagrangian) bound after column generation; the greedy award over
the pooled patterns and the same improved by pattern swaps (what the engine does first); then, each
for ``--seconds``: HiGHS on the integer master over the pool (one pattern per item), improved by
swaps, for a better award; and the branch-and-price below, for a better bound. The gap that the
longer searches close on each side says which side owes it.

Branch-and-price on the Dantzig-Wolfe master: a stronger bound where the master LP mixes
two awards of one item.

The master LP may cover an item with a convex combination of patterns (e.g. half of a big item
to one vendor, half to another, each at its whole-quantity tier price); the Lagrangian bound is
then the value of that mixture, which no real award reaches. Branching on a bid of such an item,
*used* (q > 0) or *not used*, splits the problem in two; each child gets its own column
generation with the decision enforced in pricing:

- not used: the bid gets a huge fixed charge (so the DP avoids it, and any pattern with it is
  barred from the child's master);
- used: the bid gets a huge negative fixed charge, added back afterwards, so every priced
  pattern contains it.

For any duals the sum of the items' cheapest adjusted awards *under the node's decisions* is a
lower bound on every award in the node, so the least bound over the open nodes bounds the
problem. Columns are shared by all nodes (the master's column bounds bar those a node forbids).
"""

from __future__ import annotations

import heapq
import time
from dataclasses import dataclass, field

import numpy as np

from awards.engine.highs import stopped
from awards.engine.master import Duals, Master, Pattern
from awards.engine.pricing import ItemPricer
from awards.engine.presolve import Reduced

BIG = 1e9  # fixed charge that enforces a branching decision in the item DP
Decision = tuple[int, int, bool]  # (item, bid, used)


@dataclass(order=True)
class Node:
    bound: float
    serial: int
    decisions: tuple[Decision, ...] = field(compare=False)
    z: np.ndarray | None = field(default=None, compare=False)


class BranchAndPrice:
    def __init__(self, reduced: Reduced, pricers: list[ItemPricer], master: Master) -> None:
        self.reduced = reduced
        self.pricers = pricers
        self.master = master
        self.serial = 0
        self.bids_of_pattern: list[frozenset[int]] = []
        self.priced = 0  # item DPs run, for the stats

    # -- a node's view of the master -----------------------------------------------------
    def _pattern_bids(self, k: int) -> frozenset[int]:
        while len(self.bids_of_pattern) <= k:
            pattern = self.master.patterns[len(self.bids_of_pattern)]
            self.bids_of_pattern.append(frozenset(b for b, _, _ in pattern.award))
        return self.bids_of_pattern[k]

    def allowed(self, decisions: tuple[Decision, ...]) -> np.ndarray:
        count = len(self.master.patterns)
        self._pattern_bids(count - 1)
        mask = np.ones(count, dtype=bool)
        if not decisions:
            return mask
        items = np.array([pattern.item for pattern in self.master.patterns])
        for item, bid, used in decisions:
            for k in np.flatnonzero(items == item):
                if (bid in self.bids_of_pattern[k]) != used:
                    mask[k] = False
        return mask

    def _price_item(self, item: int, adjusted: np.ndarray, duals: Duals,
                    decisions: list[tuple[int, bool]], with_award: bool = True):
        pricer = self.pricers[item]
        self.priced += 1
        if not decisions:
            return pricer.price(adjusted, duals.factor, duals.fixed, with_award=with_award)
        fixed = np.zeros(len(self.reduced.bids)) if duals.fixed is None else duals.fixed.copy()
        credit = 0.0
        for bid, used in decisions:
            if used:
                fixed[bid] -= BIG
                credit += BIG
            else:
                fixed[bid] += BIG
        value, award = pricer.price(adjusted, duals.factor, fixed, with_award=True)
        value += credit
        if not np.isfinite(value) or value > BIG / 2 or award is None:
            return np.inf, None
        bids = set(award)
        if any((bid in bids) != used for bid, used in decisions):
            return np.inf, None
        return value, award

    def _seed(self, decisions: tuple[Decision, ...]) -> bool:
        """Give every item a pattern the node allows (at list prices); False if one has none."""
        by_item: dict[int, list[tuple[int, bool]]] = {}
        for item, bid, used in decisions:
            by_item.setdefault(item, []).append((bid, used))
        ones = np.ones(len(self.reduced.bids))
        plain = Duals(np.zeros(len(self.pricers)), ones, None, 0.0, np.zeros(len(self.reduced.vendors)))
        found = []
        for item, rules in by_item.items():
            value, award = self._price_item(item, self.reduced.seg_price, plain, rules)
            if award is None:
                return False
            found.append(Pattern.make(self.reduced, item, award))
        self.master.add(found)
        return True

    def column_generation(self, node: Node, deadline: float, tolerance: float = 1e-7,
                          max_rounds: int = 50) -> float:
        """The node's bound (inf if it holds no award); its LP solution is left in node.z."""
        if not self._seed(node.decisions):
            return np.inf
        by_item: dict[int, list[tuple[int, bool]]] = {}
        for item, bid, used in node.decisions:
            by_item.setdefault(item, []).append((bid, used))
        master = self.master
        reduced = self.reduced
        bound = node.bound
        for _ in range(max_rounds):
            mask = self.allowed(node.decisions)
            master.set_allowed(mask)
            duals, z = master.solve_lp()
            node.z = z
            adjusted = reduced.seg_price * duals.factor[reduced.seg_bid]
            total, found = 0.0, []
            for pricer in self.pricers:
                value, award = self._price_item(pricer.item, adjusted, duals, by_item.get(pricer.item, []))
                if not np.isfinite(value):
                    return np.inf
                total += value
                sigma = duals.sigma[pricer.item]
                if award is not None and value - sigma < -1e-9 * max(1.0, abs(sigma)):
                    found.append(Pattern.make(reduced, pricer.item, award))
            bound = max(bound, total)
            added = master.add(found)
            if not added or duals.value - bound <= tolerance * abs(duals.value):
                break
            if time.monotonic() > deadline or stopped():
                break
        master.set_allowed(self.allowed(node.decisions))
        return bound

    # -- the tree --------------------------------------------------------------------------
    def branch_choice(self, node: Node) -> tuple[int, int] | None:
        """(item, bid) to branch on: the bid whose weight in its item's LP mixture is nearest 1/2,
        among the items with the most money at stake; None if the LP is integral."""
        z = node.z
        if z is None:
            return None
        weight: dict[tuple[int, int], float] = {}
        stake: dict[int, float] = {}
        for k in np.flatnonzero((z > 1e-6) & (z < 1 - 1e-6)):
            pattern = self.master.patterns[k]
            stake[pattern.item] = max(stake.get(pattern.item, 0.0), pattern.cost)
            for b in self._pattern_bids(int(k)):
                weight[pattern.item, b] = weight.get((pattern.item, b), 0.0) + float(z[k])
        best, choice = -1.0, None
        for (item, bid), w in weight.items():
            if w >= 1 - 1e-6:
                continue
            score = min(w, 1 - w) * stake[item]
            if score > best:
                best, choice = score, (item, bid)
        return choice

    def run(self, root_bound: float, root_z: np.ndarray, deadline: float, incumbent: float = np.inf,
            on_bound=None, max_nodes: int = 10_000) -> tuple[float, int, list[Node]]:
        """Best-first branch-and-price until the deadline; returns (bound, nodes solved, open)."""
        root = Node(root_bound, 0, (), root_z)
        heap = [root]
        solved = 0
        integral_values: list[float] = []
        while heap and time.monotonic() < deadline and not stopped() and solved < max_nodes:
            node = heapq.heappop(heap)
            if node.bound >= incumbent:
                heapq.heappush(heap, node)
                break
            choice = self.branch_choice(node)
            if choice is None:
                integral_values.append(node.bound)
                continue
            item, bid = choice
            for used in (True, False):
                self.serial += 1
                child = Node(node.bound, self.serial, node.decisions + ((item, bid, used),))
                child.bound = self.column_generation(child, deadline)
                solved += 1
                if np.isfinite(child.bound):
                    heapq.heappush(heap, child)
            if on_bound is not None:
                on_bound(self.bound(heap, integral_values))
        self.master.set_allowed(np.ones(len(self.master.patterns), dtype=bool))
        return self.bound(heap, integral_values), solved, heap

    @staticmethod
    def bound(heap: list[Node], closed: list[float]) -> float:
        values = [node.bound for node in heap] + closed
        return min(values) if values else np.inf


def _swap(reduced, master: Master, award, deadline: float):
    from awards.engine.heuristics import award_from_patterns, exact_ok, pattern_local_search

    keys = {(pattern.item, pattern.award): k for k, pattern in enumerate(master.patterns)}
    per_item: dict[int, dict] = {}
    for b, entry in award.items():
        per_item.setdefault(reduced.bid_item[b], {})[b] = entry
    chosen = [keys.get((item, Pattern.make(reduced, item, per_item[item]).award)) for item in sorted(per_item)]
    if None in chosen:
        return award
    better = pattern_local_search(reduced, master.patterns, chosen, deadline)
    if better is None:
        return award
    improved = award_from_patterns([master.patterns[k] for k in better])
    return improved if exact_ok(reduced, improved) else award


def measure(family: str, size_name: str, seed: int, seconds: float) -> dict:
    import os

    from awards.engine import parse_problem
    from awards.engine.bounds import SegmentBounds
    from awards.engine.colgen import generate_columns, initial_patterns
    from awards.engine.heuristics import award_cost, award_from_patterns, exact_ok, greedy_by_patterns
    from awards.engine.presolve import presolve
    from bench.generate import SIZES, generate

    started = time.monotonic()
    problem = parse_problem(generate(SIZES[size_name], seed, family))
    reduced = presolve(problem)
    pricers = [ItemPricer(reduced, item) for item in range(len(problem.items))]
    master = Master(reduced)
    master.add(initial_patterns(reduced, pricers))
    root = generate_columns(reduced, pricers, master, deadline=time.monotonic() + 120)
    dw = root.lower_bound
    values = SegmentBounds(reduced, pricers).item_values(root.duals)
    costs = master.reduced_costs(root.duals, values)
    row = {"family": family, "size": size_name, "seed": seed, "dw_bound": dw,
           "column_generation_seconds": round(time.monotonic() - started, 1)}
    greedy = greedy_by_patterns(reduced, master.patterns, costs, root.lp_value)
    best = np.inf
    if greedy is not None:
        row["greedy"] = award_cost(reduced, greedy)
        greedy = _swap(reduced, master, greedy, time.monotonic() + 10)
        row["greedy_swaps"] = best = award_cost(reduced, greedy)
    chosen = master.solve_ip(time.monotonic() + seconds, gap=1e-6)
    if chosen is not None:
        award = award_from_patterns([master.patterns[k] for k in chosen])
        if exact_ok(reduced, award):
            award = _swap(reduced, master, award, time.monotonic() + 10)
            row["pool_ip_swaps"] = award_cost(reduced, award)
            best = min(best, row["pool_ip_swaps"])
    row["best_award"] = best
    search = BranchAndPrice(reduced, pricers, master)
    bound, nodes, _ = search.run(dw, root.z, time.monotonic() + seconds, incumbent=best)
    row.update(bp_bound=bound, bp_nodes=nodes, load=round(os.getloadavg()[0], 1),
               gap_vs_dw=(best - dw) / best, gap_vs_bp=(best - bound) / best)
    return row


def main(argv: list[str] | None = None) -> int:
    import argparse
    import json

    parser = argparse.ArgumentParser(prog="edpool bench award-gap")
    parser.add_argument("--family", default="heavy-tail")
    parser.add_argument("--size", default="300x30x4")
    parser.add_argument("--seeds", default="0,1,2,3,4")
    parser.add_argument("--seconds", type=float, default=60.0, help="for the pool search and for branching, each")
    parser.add_argument("--json")
    args = parser.parse_args(argv)
    from bench.generate import FAMILIES, SIZES

    if args.family not in FAMILIES:
        parser.error(f"unknown family {args.family!r}; known: {', '.join(FAMILIES)}")
    if args.size not in SIZES:
        parser.error(f"unknown size {args.size!r}; known: {', '.join(SIZES)}")
    try:
        seeds = [int(s) for s in args.seeds.split(",")]
    except ValueError:
        parser.error(f"--seeds: comma-separated whole numbers, not {args.seeds!r}")
    if not args.seconds > 0:
        parser.error("--seconds must be positive")
    rows = []
    print(f"{'seed':>4} {'DW bound':>14} {'greedy':>9} {'+swaps':>9} {'pool+swaps':>10} {'B&P bound':>10} "
          f"{'nodes':>5} {'gap vs DW':>9} {'vs B&P':>8} {'load':>5}")
    for seed in seeds:
        row = measure(args.family, args.size, seed, args.seconds)
        rows.append(row)

        def rel(key: str) -> str:
            value = row.get(key)
            return "-" if value is None or not np.isfinite(value) else f"{100 * (value - row['dw_bound']) / value:+.4f}%"

        print(f"{seed:>4} {row['dw_bound']:>14,.2f} {rel('greedy'):>9} {rel('greedy_swaps'):>9} "
              f"{rel('pool_ip_swaps'):>10} {rel('bp_bound'):>10} {row['bp_nodes']:>5} "
              f"{100 * row['gap_vs_dw']:>8.4f}% {100 * row['gap_vs_bp']:>7.4f}% {row['load']:>5}", flush=True)
    print("Awards and the B&P bound as their distance above the DW bound; gap: best award vs each bound.")
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(rows, handle, indent=2, default=float)
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
