"""Price is scored by formula: lowest evaluated price / the bid's evaluated price x the price
weight, where the evaluated price prices the estimated quantities at the bid's own tiers.

When every responsive bid prices every line, the totals compare and the lowest responsive total
gets the whole weight. When some responsive bids price only some lines, totals do not compare:
each bid is then compared line by line with the lowest responsive cost of the lines it prices.
The tabulation (page and JSON) says which rule applied. Scores are rounded to cents, half up."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sourcing.services.bids import bid_submit
from sourcing.tabulation import PRICE_RULE_PER_LINE, PRICE_RULE_TOTAL, OpenedBid, evaluate, price_rule
from tests.helpers import bid_data
from tests.helpers import token
from tests.helpers import login

LINES = [{"reference": "L1", "estimated_quantity": 100}, {"reference": "L2", "estimated_quantity": 10}]


def opened(bid_id: int, prices: dict[str, str], attested: bool = True) -> OpenedBid:
    return OpenedBid(
        bid_id=bid_id, vendor_id=bid_id, vendor_name=f"Vendor {bid_id}", submitted_at=None,
        revision=1, digest="x" * 64, addenda_confirmed=0,
        content={"lines": [{"line": ref, "tiers": [{"min_quantity": 1, "unit_price": p}]}
                           for ref, p in prices.items()],
                 "attestations": {"dpa": attested}})


def scores(bids, weight=40, lines=LINES):
    evs = evaluate(solicitation_lines=lines, requirements=[{"code": "dpa", "text": "DPA"}],
                   criteria=[{"name": "Price", "weight": weight, "is_price": True}], addenda=0,
                   bids=bids, consensus={}, evaluator_scores={})
    return {ev.bid.bid_id: ev for ev in evs}, price_rule(evs)


def test_the_lowest_total_gets_the_whole_weight_even_when_another_bid_wins_a_line():
    # Bid 1: 100 x 10.00 + 10 x 50.00 = 1,500.00; bid 2: 100 x 11.00 + 10 x 20.00 = 1,300.00.
    # Bid 1 is cheapest on L1 and bid 2 on L2: mixing the cheapest lines (1,200.00) as "lowest"
    # would give nobody the whole weight. The lowest total (bid 2) does.
    evs, rule = scores([opened(1, {"L1": "10.00", "L2": "50.00"}),
                        opened(2, {"L1": "11.00", "L2": "20.00"})])
    assert rule == PRICE_RULE_TOTAL
    assert evs[2].evaluated_total == Decimal("1300.00") and evs[2].price_score == Decimal("40.00")
    # 40 x 1,300 / 1,500 = 34.666... -> 34.67
    assert evs[1].evaluated_total == Decimal("1500.00") and evs[1].price_score == Decimal("34.67")
    assert evs[1].price_rule == evs[2].price_rule == PRICE_RULE_TOTAL


def test_scores_round_half_up_to_the_cent():
    # 25 x 1.00 / 8.00 = 3.125 exactly: half up gives 3.13 (half even would give 3.12).
    evs, _ = scores([opened(1, {"L1": "0.01"}), opened(2, {"L1": "0.08"})], weight=25,
                    lines=[{"reference": "L1", "estimated_quantity": 100}])
    assert evs[1].price_score == Decimal("25.00") and evs[2].price_score == Decimal("3.13")


def test_non_responsive_bids_neither_score_nor_set_the_lowest():
    evs, rule = scores([opened(1, {"L1": "1.00", "L2": "1.00"}, attested=False),
                        opened(2, {"L1": "10.00", "L2": "10.00"}),
                        opened(3, {"L1": "20.00", "L2": "20.00"})])
    assert rule == PRICE_RULE_TOTAL
    assert evs[1].price_score == 0 and not evs[1].responsive
    assert evs[2].price_score == Decimal("40.00") and evs[3].price_score == Decimal("20.00")


def test_partial_bids_are_compared_line_by_line_and_the_rule_says_so():
    # Bid 3 prices only L1, so totals do not compare (its 1,000.00 is not a cheaper offer for
    # the whole solicitation). Per line: L1's lowest is 1,000.00 (bid 3), L2's is 200.00 (bid 2).
    evs, rule = scores([opened(1, {"L1": "11.00", "L2": "50.00"}),
                        opened(2, {"L1": "12.00", "L2": "20.00"}),
                        opened(3, {"L1": "10.00"})])
    assert rule == PRICE_RULE_PER_LINE and evs[1].price_rule == PRICE_RULE_PER_LINE
    # bid 1: 40 x (1,000 + 200) / (1,100 + 500) = 30.00
    assert evs[1].price_score == Decimal("30.00")
    # bid 2: 40 x 1,200 / (1,200 + 200) = 34.2857... -> 34.29
    assert evs[2].price_score == Decimal("34.29")
    # bid 3: 40 x 1,000 / 1,000 = 40.00 on the one line it prices
    assert evs[3].price_score == Decimal("40.00")
    assert "line by line" in evs[3].price_rule_text


def test_a_free_bid_gets_the_whole_weight():
    evs, _ = scores([opened(1, {"L1": "0.00", "L2": "0.00"}), opened(2, {"L1": "1.00", "L2": "1.00"})])
    assert evs[1].price_score == Decimal("40.00") and evs[2].price_score == Decimal("0.00")


def test_the_tabulation_says_which_rule_applied(client, cast, open_solicitation, clock):
    bid_submit(solicitation=open_solicitation, data=bid_data(price1="289.00", price2="20.00"),
               actor=cast.actor(cast.vendor_user_a))
    partial = bid_data(price1="279.00")
    partial["lines"] = partial["lines"][:1]  # prices the devices only
    bid_submit(solicitation=open_solicitation, data=partial, actor=cast.actor(cast.vendor_user_b))
    clock.set(open_solicitation.bid_deadline + dt.timedelta(hours=1))
    login(client, cast.staff)
    page = client.get(f"/solicitations/{open_solicitation.pk}/tabulation/").content.decode()
    assert "Price scoring:" in page and "scored line by line" in page
    data = client.get(f"/api/v1/solicitations/{open_solicitation.pk}/tabulation",
                      **token(cast.staff)).json()
    assert data["price_rule"]["rule"] == PRICE_RULE_PER_LINE
    assert "line by line" in data["price_rule"]["text"]
    # B prices CB-11 lowest (1,200 x 269.00); A is compared on both lines it prices.
    by_vendor = {b["vendor"]: b for b in data["bids"]}
    assert by_vendor["Vendor B LLC"]["price_score"] == "40.00"
    # A: 40 x (322,800 + 24,000) / (334,800 + 24,000) = 38.6622... -> 38.66
    assert by_vendor["Vendor A, Inc."]["price_score"] == "38.66"
