"""The benchmark's instance families (bench/generate.py, issue 19): each is deterministic, has the
shape it promises, and is a valid problem the engine solves; `bench award` refuses unknown ones."""

from __future__ import annotations

import pytest

from awards.engine import parse_problem, solve
from bench.award import main as bench_main
from bench.generate import FAMILIES, Size, generate

SMALL = Size(8, 5, 3, share_cap=0.4)


@pytest.mark.parametrize("family", FAMILIES)
def test_every_family_is_deterministic_valid_and_solved(family) -> None:
    data = generate(SMALL, 3, family)
    assert data == generate(SMALL, 3, family)
    assert data != generate(SMALL, 4, family)
    assert data["constraints"] == {"max_vendor_share": 0.4}
    result = solve(parse_problem(data), time_limit=2).to_dict()
    assert result["status"] in ("optimal", "feasible")


def test_heavy_tail_has_the_issue_shape() -> None:
    data = generate(Size(200, 20, 4), 0, "heavy-tail")
    quantities = sorted(item["quantity"] for item in data["items"])
    assert 900 <= quantities[len(quantities) // 2] <= 2500  # median ~1,500
    assert quantities[-1] > 8 * quantities[len(quantities) // 2]  # heavy tail (sigma 1.0)
    by_item: dict[str, list[dict]] = {}
    for bid in data["bids"]:
        by_item.setdefault(bid["item"], []).append(bid)
    demand = {item["id"]: item["quantity"] for item in data["items"]}
    capped = later = 0
    beyond = False
    for item_id, bids in by_item.items():
        assert len(bids) >= 2 and "max_quantity" not in bids[0]  # the first bid on an item: no cap
        for bid in bids:
            breakpoints = [tier["min_quantity"] for tier in bid["tiers"]]
            prices = [float(tier["unit_price"]) for tier in bid["tiers"]]
            assert breakpoints == sorted(set(breakpoints)) and prices == sorted(prices, reverse=True)
            beyond = beyond or breakpoints[-1] > demand[item_id]
        for bid in bids[1:]:
            later += 1
            if "max_quantity" in bid:
                capped += 1
                assert 0.29 * demand[item_id] <= bid["max_quantity"] <= 1.21 * demand[item_id]
    assert 0.4 < capped / later < 0.6 and beyond
    assert 6 <= len(data["bids"]) / len(data["items"]) <= 10  # 20 vendors at probability 0.4


def test_deep_discount_and_tiny_items_keep_their_promises() -> None:
    deep = generate(Size(100, 20, 3), 0, "deep-discount")
    per_item: dict[str, int] = {}
    for bid in deep["bids"]:
        per_item[bid["item"]] = per_item.get(bid["item"], 0) + 1
        prices = [float(tier["unit_price"]) for tier in bid["tiers"]]
        assert all(0.69 <= low / high <= 0.91 for high, low in zip(prices, prices[1:]))
    assert set(per_item.values()) <= {2, 3, 4}
    tiny = generate(Size(100, 20, 3), 0, "tiny-items")
    assert max(item["quantity"] for item in tiny["items"]) < 100 and min(item["quantity"] for item in tiny["items"]) >= 1
    assert all(tier["min_quantity"] <= 12 for bid in tiny["bids"] for tier in bid["tiers"])


def test_mixed_sizes_has_small_and_huge_items() -> None:
    data = generate(Size(100, 20, 3), 0, "mixed-sizes")
    quantities = [item["quantity"] for item in data["items"]]
    small = [q for q in quantities if q <= 10]
    huge = [q for q in quantities if q >= 5000]
    assert len(small) == len(huge) == 50 and max(huge) <= 50_000 and min(small) >= 1
    per_item: dict[str, int] = {}
    for bid in data["bids"]:
        per_item[bid["item"]] = per_item.get(bid["item"], 0) + 1
    assert min(per_item.values()) >= 3 and max(per_item.values()) <= 8
    capped = sum("max_quantity" in bid for bid in data["bids"]) / len(data["bids"])
    assert 0.15 < capped < 0.35


def test_unknown_family_is_refused(capsys) -> None:
    with pytest.raises(ValueError, match="unknown family 'nope'"):
        generate(SMALL, 0, "nope")
    with pytest.raises(SystemExit):
        bench_main(["--family", "nope", "--sizes", "8x3x2", "--skip-plain"])
    assert "unknown family 'nope'" in capsys.readouterr().err
