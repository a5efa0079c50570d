"""Where the award engine's gap lies: its incumbent or its Dantzig-Wolfe bound (issue 19).

    edpool bench award-gap [--family heavy-tail] [--size 300x30x4] [--seeds 0,1,2,3,4]
                           [--seconds 60] [--json FILE]

Per instance: the Dantzig-Wolfe (Lagrangian) bound after column generation; the greedy award over
the pooled patterns and the same improved by pattern swaps (what the engine does first); then, each
for ``--seconds``: HiGHS on the integer master over the pool (one pattern per item), improved by
swaps, for a better award; and branch-and-price on the master, for a better bound. The gap that the
longer searches close on each side says which side owes it.

The branch-and-price is the engine's own (`awards.engine.branching`; the engine runs it only
where a pricing pass is cheap); here it gets ``--seconds`` on every family.
"""

from __future__ import annotations

import time

import numpy as np

from awards.engine.branching import BranchAndPrice
from awards.engine.master import Master, Pattern
from awards.engine.pricing import ItemPricer


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
