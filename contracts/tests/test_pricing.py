from decimal import Decimal

import pytest

from contracts.pricing import clean_tiers, tier_at

TIERS = [{"min_quantity": 1, "unit_price": "10.00"}, {"min_quantity": 100, "unit_price": "9.00"},
         {"min_quantity": 500, "unit_price": "8.50"}]


@pytest.mark.parametrize("quantity, price, tier_min, next_min, to_next", [
    (0, "10.00", 1, 100, 100), (1, "10.00", 1, 100, 99), (99, "10.00", 1, 100, 1),
    (100, "9.00", 100, 500, 400), (499, "9.00", 100, 500, 1), (500, "8.50", 500, None, None),
    (10_000, "8.50", 500, None, None)])
def test_tier_at_every_boundary(quantity, price, tier_min, next_min, to_next):
    position = tier_at(TIERS, quantity)
    assert position.unit_price == Decimal(price) and position.tier_min == tier_min
    assert position.next_min == next_min and position.units_to_next == to_next


def test_clean_tiers_names_the_bad_field():
    tiers, errors = clean_tiers([{"min_quantity": 5, "unit_price": "1.001"},
                                 {"min_quantity": 2, "unit_price": "1.00"}], "tiers")
    assert set(errors) == {"tiers[1].unit_price", "tiers[2].min_quantity"}
    assert clean_tiers([], "tiers")[1] == {"tiers": "Give at least one volume tier."}
