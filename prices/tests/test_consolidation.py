"""The consolidation arithmetic (pure)."""

import datetime as dt
from decimal import Decimal

from prices.consolidation import Declared, Line, outside_opportunity, split_opportunity

TIERS_A = [{"min_quantity": 1, "unit_price": "300.00"}, {"min_quantity": 500, "unit_price": "280.00"},
           {"min_quantity": 2000, "unit_price": "260.00"}]
TIERS_B = [{"min_quantity": 1, "unit_price": "310.00"}, {"min_quantity": 500, "unit_price": "275.00"}]


def line(agreement_id, tiers, volume, buyers=1):
    return Line(agreement_id=agreement_id, agreement_number=f"MA-{agreement_id}", vendor=f"V{agreement_id}",
                end_date=dt.date(2027, 6, 30), line_reference="CB", product_id=agreement_id,
                product_name=f"Chromebook {agreement_id}", tiers=tiers, volume=volume, buyers=buyers)


def test_split_moves_all_volume_onto_the_line_that_saves_most():
    a, b = line(1, TIERS_A, 300, buyers=3), line(2, TIERS_B, 300, buyers=4)
    o = split_opportunity("Chromebooks", [a, b])
    # today: 300 x 300 + 300 x 310 = 183,000; on A: 600 x 280 = 168,000; on B: 600 x 275 = 165,000
    assert o.target.agreement_id == 2
    assert o.saving == Decimal("18000.00")
    assert (o.volume_after, o.price_after, o.tier_min_after, o.districts, o.units_moved) == (600, Decimal("275.00"), 500, 3, 300)
    assert o.sentence == ("3 districts buying Chromebooks under other agreements: MA-2 would reach its 500-unit "
                          "tier ($275.00 a unit, from $310.00), saving about $18,000.")


def test_no_split_when_one_agreement_carries_the_volume():
    assert split_opportunity("Chromebooks", [line(1, TIERS_A, 300), line(2, TIERS_B, 0)]) is None


def test_outside_buyers_move_the_tier_and_earn_true_ups_for_current_buyers():
    a = line(1, TIERS_A, 400)
    declared = [Declared(1, "D1", 100, Decimal("295.00")), Declared(2, "D2", 50, Decimal("289.99"))]
    o = outside_opportunity("Chromebooks", [a], declared)
    # 550 units reach the 500 tier at 280: movers save 100 x 15 + 50 x 9.99; current buyers 400 x 20
    assert o.price_after == Decimal("280.00") and o.tier_min_after == 500
    assert o.saving == Decimal("1500.00") + Decimal("499.50") + Decimal("8000.00")
    assert o.districts == 2 and o.units_moved == 150
    assert "2 districts buying Chromebooks outside the pool: MA-1 would reach its 500-unit tier" in o.sentence


def test_a_district_already_paying_less_does_not_move_and_the_price_is_worked_out_without_it():
    a = line(1, TIERS_A, 400)
    # all together 2,100 units reach 260, but D2 pays 250: it would not move; without it 500 units
    # reach 280, so D1 alone moves
    declared = [Declared(1, "D1", 100, Decimal("295.00")), Declared(2, "D2", 1600, Decimal("250.00"))]
    o = outside_opportunity("Chromebooks", [a], declared)
    assert [d.district_id for d in o.movers] == [1]
    together = [Declared(1, "D1", 100, Decimal("295.00")), Declared(2, "D2", 1600, Decimal("270.00"))]
    assert outside_opportunity("Chromebooks", [a], together).price_after == Decimal("260.00")
    assert o.price_after == Decimal("280.00") and o.volume_after == 500


def test_nobody_moves_when_everyone_pays_less_outside():
    a = line(1, TIERS_A, 0)
    assert outside_opportunity("Chromebooks", [a], [Declared(1, "D1", 100, Decimal("250.00"))]) is None


def test_amounts_round_half_up_to_the_cent():
    tiers = [{"min_quantity": 1, "unit_price": "0.05"}]
    o = outside_opportunity("Pencils", [line(1, tiers, 0)], [Declared(1, "D1", 3, Decimal("0.07"))])
    assert o.saving == Decimal("0.06")
