"""Bulk-buy award: the award engine allocates the estimated quantities at the lowest total cost
under the solicitation's share cap and vendors-per-line limit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from sourcing.services.awards import award_issue_notice, award_plan, engine_problem
from sourcing.services.bids import bid_submit
from sourcing.services.solicitations import (solicitation_create, solicitation_publish,
                                             solicitation_start_evaluation)
from sourcing.tests.conftest import content
from sourcing import selectors
from tests.factories import UserFactory, VendorFactory


def tiers(p1, p2):
    return [{"min_quantity": 1, "unit_price": p1}, {"min_quantity": 500, "unit_price": p2}]


@pytest.fixture
def bulk(cast, category, clock):
    staff = cast.actor(cast.staff)
    now = clock.now()
    s = solicitation_create(content=content(
        category, award_method="bulk_buy", max_vendor_share=Decimal("0.6"), max_vendors_per_line=2,
        lines=[{"reference": "CB", "description": "Chromebook", "estimated_quantity": 1000}],
        requirements=[], criteria=[{"name": "Price", "weight": 100, "is_price": True}]),
        questions_deadline=now + dt.timedelta(days=1), bid_deadline=now + dt.timedelta(days=2),
        actor=staff)
    s = solicitation_publish(solicitation=s, actor=staff)
    prices = {"A": ("300.00", "280.00"), "B": ("305.00", "285.00"), "C": ("320.00", "300.00")}
    for name, (p1, p2) in prices.items():
        vendor = VendorFactory(name=f"Bulk {name}")
        user = UserFactory(role="vendor_user", organisation=vendor.organisation)
        bid_submit(solicitation=s, data={"lines": [{"line": "CB", "tiers": tiers(p1, p2)}],
                                         "attestations": {}}, actor=cast.actor(user))
    clock.set(s.bid_deadline)
    return solicitation_start_evaluation(solicitation=s, actor=staff)


def test_engine_allocates_under_the_share_cap(cast, bulk):
    staff = cast.actor(cast.staff)
    problem = engine_problem(bulk, selectors.evaluation(solicitation=bulk, actor=staff))
    assert problem["constraints"] == {"max_vendor_share": 0.6, "max_vendors_per_item": 2}
    plan = award_plan(solicitation=bulk, actor=staff)
    assert plan.ready, plan.problems
    allocations = {ev.bid.vendor_name: alloc[0] for ev, alloc in plan.winners}
    # No vendor may take more than 60% of the spend, so the cheapest (A) cannot take it all;
    # the next cheapest (B) covers the rest, and C (dearest) gets nothing.
    assert set(allocations) == {"Bulk A, Inc.", "Bulk B, Inc."}
    assert sum(a["quantity"] for a in allocations.values()) == 1000
    total = sum(Decimal(a["cost"]) for a in allocations.values())
    assert Decimal(plan.engine_result["total_cost"]) == total
    for a in allocations.values():
        assert Decimal(a["cost"]) <= Decimal("0.6") * total
    award = award_issue_notice(solicitation=bulk, actor=staff)
    assert award.engine_result["status"] == "optimal"
    assert {ab.allocations[0]["quantity"] for ab in award.awarded_bids.all()} == \
        {a["quantity"] for a in allocations.values()}
