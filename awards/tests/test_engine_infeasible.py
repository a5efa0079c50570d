"""Infeasible problems are reported as such, with a reason a buyer understands."""

from __future__ import annotations

import pytest

from awards.engine import parse_problem, solve
from awards.tests.test_engine_bruteforce import brute_force


def bid(ident: str, vendor: str, item: str, price: str = "10", minimum: int = 1, cap: int | None = None) -> dict:
    data = {"id": ident, "vendor": vendor, "item": item, "tiers": [{"min_quantity": minimum, "unit_price": price}]}
    if cap is not None:
        data["max_quantity"] = cap
    return data


CASES = {
    "nobody bid": (
        {"items": [{"id": "x", "quantity": 3}, {"id": "y", "quantity": 2}], "bids": [bid("a", "A", "x")]},
        ["item 'y'", "nobody bid"],
    ),
    "capacity short": (
        {"items": [{"id": "x", "quantity": 10}], "bids": [bid("a", "A", "x", cap=4), bid("b", "B", "x", cap=5)]},
        ["item 'x' (10 units)", "at most 9 units"],
    ),
    "vendor limit": (
        {"items": [{"id": "x", "quantity": 10}],
         "bids": [bid("a", "A", "x", cap=4), bid("b", "B", "x", cap=4), bid("c", "C", "x", cap=5)],
         "constraints": {"max_vendors_per_item": 2}},
        ["at most 2 bid(s) per item", "at most 9 units"],
    ),
    "tier minimums cannot add up": (
        {"items": [{"id": "x", "quantity": 7}],
         "bids": [bid("a", "A", "x", minimum=4, cap=5), bid("b", "B", "x", minimum=4, cap=6)]},
        ["exactly 7 units", "tier minimums"],
    ),
    "no combination adds up (presolve keeps every bid)": (
        {"items": [{"id": "x", "quantity": 10}],
         "bids": [bid("a", "A", "x", minimum=6, cap=6), bid("b", "B", "x", minimum=6, cap=6),
                  bid("c", "C", "x", minimum=3, cap=3)]},
        ["exactly 10 units", "tier minimums"],
    ),
    "minimum award": (
        {"items": [{"id": "x", "quantity": 7}],
         "bids": [bid("a", "A", "x", cap=5), bid("b", "B", "x", cap=5)],
         "constraints": {"min_award_quantity": 4}},
        ["at least 4 units"],
    ),
    "share cap needs more vendors": (
        {"items": [{"id": "x", "quantity": 10}],
         "bids": [bid("a", "A", "x"), bid("b", "B", "x"), bid("c", "C", "x")],
         "constraints": {"max_vendor_share": 0.25}},
        ["share cap of 25%", "at least 4 vendors", "only 3"],
    ),
    "share cap with a sole supplier": (
        {"items": [{"id": "big", "quantity": 10}, {"id": "small", "quantity": 1}],
         "bids": [bid("a", "A", "big", "100"), bid("b", "B", "small", "5"), bid("c", "C", "small", "5")],
         "constraints": {"max_vendor_share": 0.5}},
        ["share cap of 50%"],
    ),
    "bundle cannot be honoured": (
        {"items": [{"id": "x", "quantity": 5}, {"id": "y", "quantity": 5}],
         "bids": [bid("ax", "A", "x"), bid("ay", "A", "y", cap=2)],
         "bundles": [{"id": "pair", "bids": ["ax", "ay"]}]},
        ["item 'x'", "bundles"],
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_infeasible_problem_says_why(name: str) -> None:
    data, words = CASES[name]
    problem = parse_problem(data)
    assert brute_force(problem) == (None, None)
    result = solve(problem, time_limit=10)
    assert result.status == "infeasible"
    assert result.allocations == [] and result.total_cost is None
    for phrase in words:
        assert phrase in result.message, result.message
    answer = result.to_dict()
    assert answer["status"] == "infeasible" and answer["message"] == result.message
