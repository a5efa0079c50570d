"""Bad input gets an error naming the offending element; the JSON Schemas accept the examples."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import jsonschema
import pytest

from awards.engine import ProblemError, parse_problem, solve

ENGINE = Path(__file__).resolve().parents[1] / "engine"


def base() -> dict:
    return {
        "items": [{"id": "chromebook-11", "quantity": 1200}, {"id": "cart", "quantity": 10}],
        "bids": [
            {"id": "b1", "vendor": "acme", "item": "chromebook-11",
             "tiers": [{"min_quantity": 1, "unit_price": "289.00"}, {"min_quantity": 500, "unit_price": "275.00"}],
             "max_quantity": 1000},
            {"id": "b2", "vendor": "acme", "item": "cart", "tiers": [{"min_quantity": 1, "unit_price": 1450}]},
            {"id": "b3", "vendor": "zenith", "item": "chromebook-11",
             "tiers": [{"min_quantity": 1, "unit_price": "291.10"}]},
        ],
        "bundles": [{"id": "acme-all", "bids": ["b1", "b2"]}],
        "constraints": {"max_vendors_per_item": 2, "max_vendor_share": 0.9, "min_award_quantity": 5},
        "options": {"time_limit_seconds": 10, "relative_gap": 0.0},
    }


def broken(change) -> dict:
    data = copy.deepcopy(base())
    change(data)
    return data


BAD = {
    "unknown item": (lambda d: d["bids"][2].update(item="chromebook-13"),
                     "bids[2] (id 'b3').item", "unknown item 'chromebook-13'"),
    "tiers not increasing": (lambda d: d["bids"][0]["tiers"][1].update(min_quantity=1),
                             "bids[0] (id 'b1').tiers[1].min_quantity", "increasing"),
    "negative price": (lambda d: d["bids"][1]["tiers"][0].update(unit_price="-3.00"),
                       "bids[1] (id 'b2').tiers[0].unit_price", "negative"),
    "price not a number": (lambda d: d["bids"][1]["tiers"][0].update(unit_price="12,50"),
                           "bids[1] (id 'b2').tiers[0].unit_price", "not a decimal"),
    "bundle names a missing bid": (lambda d: d["bundles"][0]["bids"].append("b9"),
                                   "bundles[0] (id 'acme-all').bids[2]", "unknown bid 'b9'"),
    "duplicate bid id": (lambda d: d["bids"][2].update(id="b1"), "bids[2].id", "duplicate bid id 'b1'"),
    "duplicate item id": (lambda d: d["items"][1].update(id="chromebook-11"), "items[1].id", "duplicate item"),
    "duplicate bundle id": (lambda d: d["bundles"].append({"id": "acme-all", "bids": ["b3"]}),
                            "bundles[1].id", "duplicate bundle"),
    "quantity not whole": (lambda d: d["items"][0].update(quantity=12.5),
                           "items[0] (id 'chromebook-11').quantity", "whole number"),
    "zero quantity": (lambda d: d["items"][1].update(quantity=0), "items[1] (id 'cart').quantity", "at least 1"),
    # past it the item pricing's per-unit arrays would not fit in memory (10^12 units: 14.6 TiB asked)
    "absurd quantity": (lambda d: d["items"][1].update(quantity=10**12), "items[1] (id 'cart').quantity",
                        "at most 10,000,000 units, got 1,000,000,000,000"),
    "quantity one past the bound": (lambda d: d["items"][1].update(quantity=10_000_001),
                                    "items[1] (id 'cart').quantity", "at most 10,000,000 units"),
    "no tiers": (lambda d: d["bids"][1].update(tiers=[]), "bids[1] (id 'b2').tiers", "must not be empty"),
    "capacity below first tier": (lambda d: d["bids"][0]["tiers"][0].update(min_quantity=50)
                                  or d["bids"][0].update(max_quantity=20),
                                  "bids[0] (id 'b1').max_quantity", "below the first tier"),
    "share above one": (lambda d: d["constraints"].update(max_vendor_share=1.5),
                        "constraints.max_vendor_share", "(0, 1]"),
    "unknown field": (lambda d: d["constraints"].update(max_vendor_shares=0.5), "constraints", "unknown field"),
    "missing field": (lambda d: d["bids"][0].pop("vendor"), "bids[0] (id 'b1')", "missing field 'vendor'"),
    "bad time limit": (lambda d: d["options"].update(time_limit_seconds=0), "options.time_limit_seconds", "positive"),
    "empty id": (lambda d: d["bids"][0].update(vendor=" "), "bids[0] (id 'b1').vendor", "non-empty"),
    "bid listed twice in a bundle": (lambda d: d["bundles"][0]["bids"].append("b1"),
                                     "bundles[0] (id 'acme-all').bids[2]", "listed twice"),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_input_names_the_element(name: str) -> None:
    change, path, words = BAD[name]
    with pytest.raises(ProblemError) as caught:
        parse_problem(broken(change))
    assert caught.value.path == path
    assert words in str(caught.value)


def test_the_biggest_item_allowed_parses() -> None:
    data = base()
    data["items"][1]["quantity"] = 10_000_000
    assert parse_problem(data).items[1].quantity == 10_000_000


def test_not_an_object() -> None:
    with pytest.raises(ProblemError, match="must be an object"):
        parse_problem([])


def test_good_input_parses_with_exact_decimals() -> None:
    problem = parse_problem(base())
    assert str(problem.bid_by_id["b1"].tiers[1].unit_price) == "275.00"
    assert str(problem.bid_by_id["b2"].tiers[0].unit_price) == "1450"
    assert str(problem.constraints.max_vendor_share) == "0.9"
    assert problem.options.relative_gap == 0.0


def test_missing_constraints_are_absent() -> None:
    data = base()
    del data["constraints"], data["bundles"], data["options"]
    problem = parse_problem(data)
    assert problem.constraints.max_vendor_share is None
    assert problem.constraints.max_vendors_per_item is None
    assert problem.bundles == ()


def schema(name: str) -> dict:
    return json.loads((ENGINE / name).read_text())


@pytest.mark.parametrize("path", sorted((ENGINE / "examples").glob("*.json")), ids=lambda p: p.name)
def test_examples_match_the_schemas(path: Path) -> None:
    data = json.loads(path.read_text())
    jsonschema.Draft202012Validator.check_schema(schema("problem.schema.json"))
    jsonschema.validate(data, schema("problem.schema.json"), cls=jsonschema.Draft202012Validator)
    result = solve(parse_problem(data)).to_dict()
    jsonschema.Draft202012Validator.check_schema(schema("result.schema.json"))
    jsonschema.validate(result, schema("result.schema.json"), cls=jsonschema.Draft202012Validator)


def test_schema_rejects_what_the_parser_rejects() -> None:
    validator = jsonschema.Draft202012Validator(schema("problem.schema.json"))
    for change in (lambda d: d["bids"][1]["tiers"][0].update(unit_price="-3.00"),
                   lambda d: d["constraints"].update(max_vendors_per_item=0),
                   lambda d: d["items"][0].pop("quantity"),
                   lambda d: d["items"][0].update(quantity=10_000_001),
                   lambda d: d.update(extra=1)):
        assert list(validator.iter_errors(broken(change)))
