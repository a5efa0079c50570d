"""The award engine keeps its own copy of the tier rule (``Bid.tier_for``, over ``Tier`` objects,
on the solver's hot path). It is the rule of ``core.tiers``: the same tier for every quantity,
below the first breakpoint included, on random tier lists."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings, strategies as st

from awards.engine.model import Bid, Tier
from core.tiers import tier_at


@st.composite
def tier_lists(draw) -> list[dict]:
    minimums = sorted(draw(st.lists(st.integers(1, 5_000), min_size=1, max_size=10, unique=True)))
    prices = draw(st.lists(st.decimals(min_value=Decimal("0.001"), max_value=Decimal("99999"), places=3),
                           min_size=len(minimums), max_size=len(minimums)))
    return [{"min_quantity": m, "unit_price": str(p)} for m, p in zip(minimums, prices)]


def engine_bid(tiers: list[dict]) -> Bid:
    return Bid(id="b", vendor="v", item="i",
               tiers=tuple(Tier(t["min_quantity"], Decimal(t["unit_price"])) for t in tiers))


@settings(max_examples=500, deadline=None)
@given(tier_lists(), st.integers(0, 10_000))
def test_engine_tier_for_is_core_tier_at(tiers, quantity):
    tier = engine_bid(tiers).tier_for(quantity)
    position = tier_at(tiers, quantity)
    assert (tier.min_quantity, tier.unit_price) == (position.tier_min, position.unit_price)


@settings(max_examples=200, deadline=None)
@given(tier_lists())
def test_engine_agrees_at_every_breakpoint_and_beside_it(tiers):
    bid = engine_bid(tiers)
    for tier in tiers:
        for quantity in (tier["min_quantity"] - 1, tier["min_quantity"], tier["min_quantity"] + 1):
            assert bid.tier_for(quantity).unit_price == tier_at(tiers, quantity).unit_price


def test_below_the_first_tier_the_engine_prices_at_it_but_cost_refuses_it():
    bid = engine_bid([{"min_quantity": 10, "unit_price": "5.00"}, {"min_quantity": 20, "unit_price": "4.00"}])
    assert bid.tier_for(3) == Tier(10, Decimal("5.00"))
    assert bid.cost(0) == 0 and bid.cost(10) == Decimal("50.00")
    with pytest.raises(ValueError, match="below its first tier"):
        bid.cost(9)
