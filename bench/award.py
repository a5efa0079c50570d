"""Benchmark: the award engine against HiGHS on the plain disjunctive formulation.

    edpool bench award [--sizes 50x8x3,300x30x4,1000x50x5] [--seeds 0] [--time-limit 60]
                       [--plain-time-limit S] [--gap 1e-4] [--json FILE]

Per size and seed: a generated instance (bench/generate.py); the engine's time to its target gap
(or its gap at the limit), the times at which its proven gap first fell to 0.1% and 0.01%, HiGHS
on the textbook model with the same gap target and its own time limit, the ratio of the two times,
and the engine against the baseline award ("lowest first-tier price per item").
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import queue
import time
from typing import Any

from awards.engine import parse_problem, solve
from awards.engine.plain import build_plain
from bench.generate import SIZES, Size, generate


def parse_size(text: str) -> Size:
    if text in SIZES:
        return SIZES[text]
    items, vendors, tiers = (int(part) for part in text.split("x"))
    return Size(items, vendors, tiers)


def first_time_within(trace: list, gap: float) -> float | None:
    """When the engine's proven gap first fell to ``gap`` (from its trace), None if never."""
    for event in trace:
        seconds, best, bound = event["seconds"], event["best"], event["bound"]
        if best is not None and bound is not None and best > 0 and (best - bound) / best <= gap:
            return seconds
    return None


def _plain_child(data: dict, time_limit: float, gap: float, results) -> None:
    started = time.monotonic()
    highs, _ = build_plain(parse_problem(data))
    highs.setOptionValue("time_limit", float(time_limit))
    highs.setOptionValue("mip_rel_gap", gap)
    highs.run()
    info = highs.getInfo()
    found = info.primal_solution_status == 2
    results.put({
        "status": highs.modelStatusToString(highs.getModelStatus()),
        "seconds": round(time.monotonic() - started, 2),
        "cost": round(info.objective_function_value, 2) if found else None,
        "bound": round(info.mip_dual_bound, 2),
        "gap": info.mip_gap if found else None,
        "optimal": highs.getModelStatus().name == "kOptimal",
    })


def run_plain(data: dict, time_limit: float, gap: float) -> dict[str, Any]:
    """HiGHS on the plain model, in a child process: HiGHS does not always honour its time limit
    (presolve of the dense share rows on big instances), so the child is killed 30 s after it."""
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    child = context.Process(target=_plain_child, args=(data, time_limit, gap, results), daemon=True)
    started = time.monotonic()
    child.start()
    try:
        return results.get(timeout=time_limit + 30)
    except queue.Empty:
        return {"status": "killed at the limit", "seconds": round(time.monotonic() - started, 2),
                "cost": None, "bound": None, "gap": None, "optimal": False}
    finally:
        if child.is_alive():
            child.kill()
        child.join()


def run_engine(problem, time_limit: float) -> dict[str, Any]:
    result = solve(problem, time_limit=time_limit)
    answer = result.to_dict()
    trace = answer["stats"].get("trace", [])
    baseline = next(b for b in answer["baselines"] if b["name"] == "lowest first-tier price per item")
    return {
        "status": answer["status"],
        "seconds": answer["solve_seconds"],
        "cost": float(answer["total_cost"]) if answer["total_cost"] else None,
        "bound": float(answer["lower_bound"]) if answer["lower_bound"] else None,
        "gap": answer["relative_gap"],
        "optimal": answer["status"] == "optimal",
        "to_0.1%": first_time_within(trace, 1e-3),
        "to_0.01%": first_time_within(trace, 1e-4),
        "baseline_cost": float(baseline["total_cost"]) if baseline["total_cost"] else None,
        "baseline_feasible": baseline["satisfies_constraints"],
        "found_by": answer["stats"].get("found_by"),
        "phase_seconds": answer["stats"].get("phase_seconds"),
    }


def _fmt_gap(gap: float | None) -> str:
    return "-" if gap is None else f"{100 * gap:.4f}%"


def _fmt_time(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds:.1f}s"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="edpool bench award")
    parser.add_argument("--sizes", default=",".join(SIZES), help="comma-separated ITEMSxVENDORSxTIERS")
    parser.add_argument("--seeds", default="0", help="comma-separated instance seeds")
    parser.add_argument("--time-limit", type=float, default=60.0, help="engine limit, seconds")
    parser.add_argument("--plain-time-limit", type=float, default=None,
                        help="plain-formulation limit, seconds (default: the engine's)")
    parser.add_argument("--gap", type=float, default=None,
                        help="relative gap both runs aim for (default: the size's target, 0.01%%; "
                             "0.1%% for 1000x50x5)")
    parser.add_argument("--skip-plain", action="store_true", help="run only the engine")
    parser.add_argument("--json", help="also write the measurements to this file")
    args = parser.parse_args(argv)
    plain_limit = args.plain_time_limit or args.time_limit

    rows = []
    header = (f"{'size':<11} {'seed':>4} {'target':>6}  {'engine':>8} {'gap':>9} {'0.1%':>6} {'0.01%':>6}  "
              f"{'plain':>8} {'gap':>9}  {'ratio':>7}  {'vs first-tier baseline':>22}")
    print(header)
    print("-" * len(header))
    for text in args.sizes.split(","):
        size = parse_size(text.strip())
        for seed in (int(s) for s in args.seeds.split(",")):
            data = generate(size, seed)
            gap = size.target_gap if args.gap is None else args.gap
            data["options"] = {"relative_gap": gap, "time_limit_seconds": args.time_limit}
            problem = parse_problem(data)
            engine = run_engine(problem, args.time_limit)
            plain = None if args.skip_plain else run_plain(data, plain_limit, gap)
            ratio = "-"
            if plain is not None:
                faster = plain["seconds"] / max(engine["seconds"], 1e-3)
                if engine["optimal"] and plain["optimal"]:
                    ratio = f"{faster:.1f}x"
                elif engine["optimal"]:
                    ratio = f">{faster:.1f}x"
            versus = "-"
            if engine["cost"] and engine["baseline_cost"]:
                saved = 100 * (engine["baseline_cost"] - engine["cost"]) / engine["baseline_cost"]
                feasible = "feasible" if engine["baseline_feasible"] else "infeasible"
                versus = f"-{saved:.2f}% ({feasible})"
            print(
                f"{size.name:<11} {seed:>4} {100 * gap:>5.2g}%  "
                f"{_fmt_time(engine['seconds']):>8} {_fmt_gap(engine['gap']):>9} "
                f"{_fmt_time(engine['to_0.1%']):>6} {_fmt_time(engine['to_0.01%']):>6}  "
                f"{_fmt_time(plain and plain['seconds']):>8} {_fmt_gap(plain and plain['gap']):>9}  "
                f"{ratio:>7}  {versus:>22}",
                flush=True,
            )
            rows.append({"size": size.name, "seed": seed, "target_gap": gap, "engine": engine, "plain": plain})
    print("\ntarget: the proven gap both runs aim for. engine: time to reach it (or the limit) and the")
    print("proven gap; 0.1% / 0.01%: when the proven gap first got there. plain: HiGHS on the textbook")
    print("model, same target. ratio: plain time / engine time (\">\" when the plain run hit its limit).")
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(rows, handle, indent=2)
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
