"""Exact answers on small instances, checked against brute-force enumeration.

``brute_force`` is the reference used here and by the property tests: it enumerates every way to
cover each item, then every combination across items (with branch-and-bound on cost), and
judges each complete award with the engine's exact rule checker.
"""

from __future__ import annotations

import itertools
from decimal import Decimal

import pytest

from awards.engine import Problem, parse_problem, solve, violations
from awards.engine.rules import exact_cost


def _item_options(problem: Problem, item) -> list[tuple[Decimal, dict[str, int]]]:
    bids = problem.bids_by_item[item.id]
    least = problem.min_award_for(item)
    choices = []
    for bid in bids:
        top = min(item.quantity, bid.max_quantity or item.quantity)
        start = max(bid.min_quantity, least)
        choices.append([0] + list(range(start, top + 1)))
    limit = problem.constraints.max_vendors_per_item
    options = []
    for quantities in itertools.product(*choices):
        if sum(quantities) != item.quantity:
            continue
        if limit is not None and sum(1 for q in quantities if q) > limit:
            continue
        award = {bid.id: q for bid, q in zip(bids, quantities) if q}
        options.append((sum((problem.bid_by_id[b].cost(q) for b, q in award.items()), Decimal(0)), award))
    return sorted(options, key=lambda option: option[0])


def brute_force(problem: Problem) -> tuple[Decimal | None, dict[str, int] | None]:
    """The least exact cost of any allowed award, and one such award; (None, None) if none."""
    per_item = [_item_options(problem, item) for item in problem.items]
    if any(not options for options in per_item):
        return None, None
    floor = [options[0][0] for options in per_item]
    rest = [sum(floor[index:], Decimal(0)) for index in range(len(floor) + 1)]
    best: list = [None, None]

    def visit(index: int, cost: Decimal, award: dict[str, int]) -> None:
        if best[0] is not None and cost + rest[index] >= best[0]:
            return
        if index == len(per_item):
            if not violations(problem, award):
                best[0], best[1] = cost, dict(award)
            return
        for option_cost, option in per_item[index]:
            if best[0] is not None and cost + option_cost + rest[index + 1] >= best[0]:
                break
            visit(index + 1, cost + option_cost, {**award, **option})

    visit(0, Decimal(0), {})
    return best[0], best[1]


def tier(minimum: int, price: str) -> dict:
    return {"min_quantity": minimum, "unit_price": price}


def exact(data: dict) -> dict:
    return {**data, "options": {"relative_gap": 0.0, "time_limit_seconds": 30}}


CASES = {
    "all-units discount beats splitting": {
        "items": [{"id": "laptop", "quantity": 10}],
        "bids": [
            {"id": "a", "vendor": "A", "item": "laptop", "tiers": [tier(1, "100"), tier(10, "80")]},
            {"id": "b", "vendor": "B", "item": "laptop", "tiers": [tier(1, "90")], "max_quantity": 6},
        ],
    },
    "capacity forces a split": {
        "items": [{"id": "tablet", "quantity": 9}],
        "bids": [
            {"id": "a", "vendor": "A", "item": "tablet", "tiers": [tier(1, "50"), tier(5, "40")], "max_quantity": 6},
            {"id": "b", "vendor": "B", "item": "tablet", "tiers": [tier(1, "55"), tier(4, "45")]},
            {"id": "c", "vendor": "C", "item": "tablet", "tiers": [tier(3, "47")], "max_quantity": 4},
        ],
    },
    "share cap": {
        "items": [{"id": "x", "quantity": 6}, {"id": "y", "quantity": 4}],
        "bids": [
            {"id": "ax", "vendor": "A", "item": "x", "tiers": [tier(1, "10"), tier(4, "8")]},
            {"id": "bx", "vendor": "B", "item": "x", "tiers": [tier(1, "11"), tier(3, "9.5")]},
            {"id": "ay", "vendor": "A", "item": "y", "tiers": [tier(1, "20")]},
            {"id": "by", "vendor": "B", "item": "y", "tiers": [tier(1, "21"), tier(4, "19")]},
            {"id": "cy", "vendor": "C", "item": "y", "tiers": [tier(2, "22")]},
        ],
        "constraints": {"max_vendor_share": 0.5},
    },
    "bundle all-or-nothing": {
        "items": [{"id": "x", "quantity": 5}, {"id": "y", "quantity": 5}],
        "bids": [
            {"id": "ax", "vendor": "A", "item": "x", "tiers": [tier(1, "10")]},
            {"id": "ay", "vendor": "A", "item": "y", "tiers": [tier(1, "30")]},
            {"id": "bx", "vendor": "B", "item": "x", "tiers": [tier(1, "12")]},
            {"id": "by", "vendor": "B", "item": "y", "tiers": [tier(1, "20")]},
        ],
        "bundles": [{"id": "a-both", "bids": ["ax", "ay"]}],
    },
    "vendor limit and minimum award": {
        "items": [{"id": "x", "quantity": 12}, {"id": "tiny", "quantity": 2}],
        "bids": [
            {"id": "a", "vendor": "A", "item": "x", "tiers": [tier(1, "5"), tier(8, "4")], "max_quantity": 8},
            {"id": "b", "vendor": "B", "item": "x", "tiers": [tier(1, "6")], "max_quantity": 5},
            {"id": "c", "vendor": "C", "item": "x", "tiers": [tier(1, "4.5")], "max_quantity": 3},
            {"id": "d", "vendor": "D", "item": "x", "tiers": [tier(1, "7")]},
            {"id": "t", "vendor": "A", "item": "tiny", "tiers": [tier(1, "3")]},
        ],
        "constraints": {"max_vendors_per_item": 2, "min_award_quantity": 4},
    },
    "sub-cent prices": {
        "items": [{"id": "licence", "quantity": 7}],
        "bids": [
            {"id": "a", "vendor": "A", "item": "licence", "tiers": [tier(1, "0.125"), tier(5, "0.119")]},
            {"id": "b", "vendor": "B", "item": "licence", "tiers": [tier(1, "0.121")], "max_quantity": 3},
        ],
        "constraints": {"max_vendor_share": 0.8},
    },
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_engine_matches_brute_force(name: str) -> None:
    problem = parse_problem(exact(CASES[name]))
    expected_cost, _ = brute_force(problem)
    result = solve(problem)
    assert expected_cost is not None
    assert result.status == "optimal"
    assert not violations(problem, result.award)
    assert exact_cost(problem, result.award) == expected_cost
    assert result.lower_bound is not None and result.lower_bound <= result.total_cost


def test_known_answer_all_units() -> None:
    """10 laptops: 10 from A at 80 (800) beats 6 from B at 90 + 4 from A at 100 (940)."""
    result = solve(parse_problem(exact(CASES["all-units discount beats splitting"])))
    assert result.award == {"a": 10}
    assert result.total_cost == Decimal("800.00")
    assert [(a.unit_price, a.cost) for a in result.allocations] == [(Decimal("80"), Decimal("800.00"))]


def test_bundle_forces_the_pair() -> None:
    """B alone costs 5*12 + 5*20 = 160; A's cheap x (50) comes only with its dear y (150)."""
    result = solve(parse_problem(exact(CASES["bundle all-or-nothing"])))
    assert result.award == {"bx": 5, "by": 5}
    assert result.total_cost == Decimal("160.00")


def test_minimum_award_is_waived_on_small_items() -> None:
    result = solve(parse_problem(exact(CASES["vendor limit and minimum award"])))
    assert result.award["t"] == 2
    assert all(q >= 4 for bid, q in result.award.items() if bid != "t")


def test_example_chromebooks_against_the_plain_model() -> None:
    """Too big to enumerate: the textbook model solved by HiGHS is the independent reference."""
    import json
    from pathlib import Path

    from awards.engine.plain import build_plain

    path = Path(__file__).resolve().parents[1] / "engine" / "examples" / "chromebooks.json"
    problem = parse_problem(json.loads(path.read_text()))
    result = solve(problem)
    highs, _ = build_plain(problem)
    highs.setOptionValue("mip_rel_gap", 0.0)
    highs.run()
    assert result.status == "optimal"
    assert not violations(problem, result.award)
    assert abs(float(result.total_cost) - highs.getInfo().objective_function_value) < 0.01
