"""The baselines a buyer compares the engine's award with: how they would award by hand."""

from __future__ import annotations

from decimal import Decimal

from awards.engine import parse_problem
from awards.engine.baseline import LOWEST_FIRST_TIER, RULE_KEEPING, baselines
from awards.engine.solve import solve


def capped_problem() -> dict:
    """Vendor A is cheapest on every item, B next, C last; none may take more than 40% of the
    spend, so the award must be spread."""
    items = [("laptops", 100, 500), ("tablets", 100, 300), ("licences", 1000, 20), ("displays", 10, 2000),
             ("chargers", 200, 40), ("cases", 200, 25)]
    bids = []
    for item, _, price in items:
        for vendor, markup in (("a", "1.00"), ("b", "1.03"), ("c", "1.06")):
            bids.append({"id": f"{vendor}-{item}", "vendor": vendor, "item": item,
                         "tiers": [{"min_quantity": 1, "unit_price": str(Decimal(price) * Decimal(markup))}]})
    return {"items": [{"id": i, "quantity": q} for i, q, _ in items], "bids": bids,
            "constraints": {"max_vendor_share": "0.4"}}


def test_the_rule_keeping_baseline_respects_the_share_cap_where_the_plain_ones_do_not():
    problem = parse_problem(capped_problem())
    by_name = {b.name: b for b in baselines(problem)}
    assert not by_name[LOWEST_FIRST_TIER].feasible  # all to vendor A: 100% of the spend
    kept = by_name[RULE_KEEPING]
    assert kept.feasible and kept.covers_all_items, kept.violations
    assert len({bid_id[0] for bid_id in kept.award}) == 3  # spread over the three vendors
    result = solve(problem)
    savings = {row["baseline"]: Decimal(row["amount"]) for row in result.savings()}
    assert savings[RULE_KEEPING] >= 0  # the engine never does worse than an allowed baseline


def test_no_share_cap_no_rule_keeping_baseline():
    data = capped_problem()
    del data["constraints"]
    assert RULE_KEEPING not in {b.name for b in baselines(parse_problem(data))}
