"""The one tier rule (core.tiers): the tier and price at a quantity, below the first breakpoint,
and validating a tier list within the domain bounds."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings, strategies as st

from core.bounds import POOLED_QUANTITY_MAX, UNIT_PRICE_MAX
from core.tiers import MAX_TIERS, clean_tiers, reaches_first_tier, tier_at, tier_index, unit_price_at

TIERS = [{"min_quantity": 1, "unit_price": "10.00"}, {"min_quantity": 100, "unit_price": "9.00"},
         {"min_quantity": 500, "unit_price": "8.50"}]
FROM_TEN = [{"min_quantity": 10, "unit_price": "5.00"}, {"min_quantity": 20, "unit_price": "4.00"}]


@pytest.mark.parametrize("quantity, price, tier_min, next_min, to_next", [
    (0, "10.00", 1, 100, 100), (1, "10.00", 1, 100, 99), (99, "10.00", 1, 100, 1),
    (100, "9.00", 100, 500, 400), (499, "9.00", 100, 500, 1), (500, "8.50", 500, None, None),
    (10_000, "8.50", 500, None, None)])
def test_tier_at_every_boundary(quantity, price, tier_min, next_min, to_next):
    position = tier_at(TIERS, quantity)
    assert position.unit_price == Decimal(price) and position.tier_min == tier_min
    assert position.next_min == next_min and position.units_to_next == to_next
    assert unit_price_at(TIERS, quantity) == Decimal(price)


@pytest.mark.parametrize("quantity", [0, 1, 9])
def test_below_the_first_breakpoint_the_first_tier_prices(quantity):
    """The decided rule: a quantity under the first minimum is priced at the first tier (and the
    next tier is the second), it is not left without a price."""
    position = tier_at(FROM_TEN, quantity)
    assert position.unit_price == Decimal("5.00") and position.tier_min == 10
    assert position.next_min == 20 and position.units_to_next == 20 - quantity
    assert not reaches_first_tier(FROM_TEN, quantity)
    assert reaches_first_tier(FROM_TEN, 10)


def test_tiers_out_of_order_are_read_in_order():
    assert unit_price_at(list(reversed(TIERS)), 150) == Decimal("9.00")
    assert tier_at(list(reversed(TIERS)), 0).tier_min == 1


def test_an_empty_tier_list_has_no_price():
    with pytest.raises(ValueError):
        tier_at([], 5)


tier_lists = st.lists(st.integers(1, 10_000), min_size=1, max_size=MAX_TIERS, unique=True).flatmap(
    lambda minimums: st.lists(st.integers(1, 100_000), min_size=len(minimums), max_size=len(minimums)).map(
        lambda prices: [{"min_quantity": m, "unit_price": f"{p / 100:.2f}"}
                        for m, p in zip(sorted(minimums), prices)]))


@settings(max_examples=300, deadline=None)
@given(tier_lists, st.integers(0, 20_000))
def test_the_price_is_the_last_reached_tier_or_the_first(tiers, quantity):
    reached = [t for t in tiers if t["min_quantity"] <= quantity]
    expected = reached[-1] if reached else tiers[0]
    position = tier_at(tiers, quantity)
    assert position.unit_price == Decimal(expected["unit_price"])
    assert position.tier_min == expected["min_quantity"]
    assert tier_index([t["min_quantity"] for t in tiers], quantity) == tiers.index(expected)
    assert reaches_first_tier(tiers, quantity) == bool(reached)
    if position.next_min is not None:
        assert position.next_min > quantity and position.units_to_next > 0


@settings(max_examples=200, deadline=None)
@given(tier_lists)
def test_a_clean_tier_list_comes_back_unchanged(tiers):
    assert clean_tiers(tiers, "tiers") == (tiers, {})


def test_clean_tiers_names_the_bad_field():
    tiers, errors = clean_tiers([{"min_quantity": 5, "unit_price": "1.001"},
                                 {"min_quantity": 2, "unit_price": "1.00"}], "tiers")
    assert set(errors) == {"tiers[1].unit_price", "tiers[2].min_quantity"}
    assert errors["tiers[1].unit_price"] == "Prices are in whole cents."
    assert errors["tiers[2].min_quantity"] == "Tiers must start at increasing quantities."
    for empty in ([], None, "1@9.50", {}):
        assert clean_tiers(empty, "tiers") == ([], {"tiers": "Give at least one volume tier."})


@pytest.mark.parametrize("minimum", [0, -3, POOLED_QUANTITY_MAX + 1, 2.5, "5", True, None,
                                     float("inf"), float("nan")])
def test_clean_tiers_refuses_a_minimum_out_of_bounds(minimum):
    _, errors = clean_tiers([{"min_quantity": minimum, "unit_price": "1.00"}], "t")
    assert errors == {"t[1].min_quantity": f"A whole number from 1 to {POOLED_QUANTITY_MAX:,} units."}


@pytest.mark.parametrize("price, message", [
    ("0", "The price must be from"), ("-1.00", "The price must be from"),
    (str(UNIT_PRICE_MAX + Decimal("0.01")), "The price must be from"), ("NaN", "The price must be from"),
    ("Infinity", "The price must be from"), ("9.999", "Prices are in whole cents."),
    ("abc", "A price such as 12.50"), ("1" * 21, "A price such as 12.50"), (None, "A price such as 12.50"),
    ("$9.50", "A price such as 12.50")])
def test_clean_tiers_refuses_a_price_out_of_bounds(price, message):
    _, errors = clean_tiers([{"min_quantity": 1, "unit_price": price}], "t")
    assert list(errors) == ["t[1].unit_price"] and errors["t[1].unit_price"].startswith(message)


def test_clean_tiers_canonical_form_and_bounds():
    tiers, errors = clean_tiers([{"min_quantity": 1.0, "unit_price": 9.5},
                                 {"min_quantity": POOLED_QUANTITY_MAX, "unit_price": str(UNIT_PRICE_MAX)}], "t")
    assert errors == {}
    assert tiers == [{"min_quantity": 1, "unit_price": "9.50"},
                     {"min_quantity": POOLED_QUANTITY_MAX, "unit_price": "10000000.00"}]


def test_clean_tiers_limits_the_number_of_tiers():
    many = [{"min_quantity": i, "unit_price": "1.00"} for i in range(1, MAX_TIERS + 2)]
    assert clean_tiers(many, "t")[1] == {"t": f"At most {MAX_TIERS} tiers."}
    assert clean_tiers(many[:MAX_TIERS], "t")[1] == {}
    assert clean_tiers(["x"], "t")[1] == {"t[1]": "Each tier must be an object with min_quantity and unit_price."}
