"""Turn a problem dict (parsed JSON) into a ``Problem``, or raise ``ProblemError`` naming the culprit."""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from .model import (
    DEFAULT_RELATIVE_GAP,
    DEFAULT_TIME_LIMIT_SECONDS,
    Bid,
    Bundle,
    Constraints,
    Item,
    Options,
    Problem,
    Tier,
)

# Units of one item, at most. The exact item pricing keeps arrays over every unit count (and its
# whole-quantity step lists every quantity a bid can take): an item of 10^7 units with two bids
# solves in 3 s and 640 MB; one of 10^12 units asked numpy for 14.6 TiB and ended in a traceback.
MAX_ITEM_QUANTITY = 10_000_000


class ProblemError(ValueError):
    """Bad input. ``path`` locates the offending element, e.g. ``bids[2].tiers[1].unit_price``."""

    def __init__(self, path: str, message: str) -> None:
        self.path = path
        self.detail = message
        super().__init__(f"{path}: {message}" if path else message)


def _label(path: str, element: Mapping[str, Any]) -> str:
    ident = element.get("id")
    return f"{path} (id {ident!r})" if isinstance(ident, str) and ident else path


def _object(value: Any, path: str, allowed: set[str], required: set[str]) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ProblemError(path, "must be an object")
    for key in value:
        if key not in allowed:
            raise ProblemError(_label(path, value), f"unknown field {key!r}")
    for key in sorted(required):
        if key not in value:
            raise ProblemError(_label(path, value), f"missing field {key!r}")
    return value


def _list(value: Any, path: str, *, allow_empty: bool = True) -> list[Any]:
    if not isinstance(value, list):
        raise ProblemError(path, "must be a list")
    if not value and not allow_empty:
        raise ProblemError(path, "must not be empty")
    return value


def _identifier(value: Any, path: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ProblemError(path, "must be a non-empty string")
    return value


def _integer(value: Any, path: str, *, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise ProblemError(path, f"must be a whole number, got {value!r}")
    if isinstance(value, (float, Decimal)):
        if not math.isfinite(value) or value != int(value):
            raise ProblemError(path, f"must be a whole number, got {value!r}")
        value = int(value)
    if value < minimum:
        raise ProblemError(path, f"must be at least {minimum}, got {value}")
    return int(value)


def _decimal(value: Any, path: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)):
        raise ProblemError(path, f"must be a decimal number or string, got {value!r}")
    try:
        # str() of a float is its shortest round-tripping form: 289.1 becomes Decimal("289.1").
        number = Decimal(value.strip() if isinstance(value, str) else str(value))
    except InvalidOperation:
        raise ProblemError(path, f"is not a decimal number: {value!r}") from None
    if not number.is_finite():
        raise ProblemError(path, f"must be finite, got {value!r}")
    return number


def _optional(mapping: Mapping[str, Any], key: str) -> Any:
    return mapping.get(key)


def _parse_tiers(raw: Any, path: str) -> tuple[Tier, ...]:
    tiers: list[Tier] = []
    for index, raw_tier in enumerate(_list(raw, path, allow_empty=False)):
        tier_path = f"{path}[{index}]"
        _object(raw_tier, tier_path, {"min_quantity", "unit_price"}, {"min_quantity", "unit_price"})
        minimum = _integer(raw_tier["min_quantity"], f"{tier_path}.min_quantity", minimum=1)
        price = _decimal(raw_tier["unit_price"], f"{tier_path}.unit_price")
        if price < 0:
            raise ProblemError(f"{tier_path}.unit_price", f"must not be negative, got {price}")
        if tiers and minimum <= tiers[-1].min_quantity:
            raise ProblemError(
                f"{tier_path}.min_quantity",
                f"tiers must have increasing min_quantity ({minimum} after {tiers[-1].min_quantity})",
            )
        tiers.append(Tier(minimum, price))
    return tuple(tiers)


def _parse_items(raw: Any) -> tuple[Item, ...]:
    items: list[Item] = []
    seen: set[str] = set()
    for index, raw_item in enumerate(_list(raw, "items", allow_empty=False)):
        path = f"items[{index}]"
        _object(raw_item, path, {"id", "quantity"}, {"id", "quantity"})
        ident = _identifier(raw_item["id"], f"{path}.id")
        if ident in seen:
            raise ProblemError(f"{path}.id", f"duplicate item id {ident!r}")
        seen.add(ident)
        quantity = _integer(raw_item["quantity"], f"{path} (id {ident!r}).quantity", minimum=1)
        if quantity > MAX_ITEM_QUANTITY:
            raise ProblemError(f"{path} (id {ident!r}).quantity",
                               f"must be at most {MAX_ITEM_QUANTITY:,} units, got {quantity:,} (the engine prices "
                               f"every unit count of an item; split a bigger item into lines)")
        items.append(Item(ident, quantity))
    return tuple(items)


def _parse_bids(raw: Any, item_ids: set[str]) -> tuple[Bid, ...]:
    bids: list[Bid] = []
    seen: set[str] = set()
    fields = {"id", "vendor", "item", "tiers", "max_quantity"}
    for index, raw_bid in enumerate(_list(raw, "bids")):
        path = f"bids[{index}]"
        _object(raw_bid, path, fields, fields - {"max_quantity"})
        ident = _identifier(raw_bid["id"], f"{path}.id")
        if ident in seen:
            raise ProblemError(f"{path}.id", f"duplicate bid id {ident!r}")
        seen.add(ident)
        label = f"{path} (id {ident!r})"
        vendor = _identifier(raw_bid["vendor"], f"{label}.vendor")
        item = _identifier(raw_bid["item"], f"{label}.item")
        if item not in item_ids:
            raise ProblemError(f"{label}.item", f"unknown item {item!r}")
        tiers = _parse_tiers(raw_bid["tiers"], f"{label}.tiers")
        max_quantity = None
        if _optional(raw_bid, "max_quantity") is not None:
            max_quantity = _integer(raw_bid["max_quantity"], f"{label}.max_quantity", minimum=1)
            if max_quantity < tiers[0].min_quantity:
                raise ProblemError(
                    f"{label}.max_quantity",
                    f"{max_quantity} is below the first tier's min_quantity {tiers[0].min_quantity}",
                )
        bids.append(Bid(ident, vendor, item, tiers, max_quantity))
    return tuple(bids)


def _parse_bundles(raw: Any, bid_ids: set[str]) -> tuple[Bundle, ...]:
    bundles: list[Bundle] = []
    seen: set[str] = set()
    for index, raw_bundle in enumerate(_list(raw, "bundles")):
        path = f"bundles[{index}]"
        _object(raw_bundle, path, {"id", "bids"}, {"id", "bids"})
        ident = _identifier(raw_bundle["id"], f"{path}.id")
        if ident in seen:
            raise ProblemError(f"{path}.id", f"duplicate bundle id {ident!r}")
        seen.add(ident)
        label = f"{path} (id {ident!r})"
        members: list[str] = []
        for position, bid in enumerate(_list(raw_bundle["bids"], f"{label}.bids", allow_empty=False)):
            bid_path = f"{label}.bids[{position}]"
            bid = _identifier(bid, bid_path)
            if bid not in bid_ids:
                raise ProblemError(bid_path, f"unknown bid {bid!r}")
            if bid in members:
                raise ProblemError(bid_path, f"bid {bid!r} is listed twice")
            members.append(bid)
        bundles.append(Bundle(ident, tuple(members)))
    return tuple(bundles)


def _parse_constraints(raw: Any) -> Constraints:
    if raw is None:
        return Constraints()
    fields = {"max_vendors_per_item", "max_vendor_share", "min_award_quantity"}
    _object(raw, "constraints", fields, set())
    max_vendors = raw.get("max_vendors_per_item")
    share = raw.get("max_vendor_share")
    min_award = raw.get("min_award_quantity")
    if share is not None:
        share = _decimal(share, "constraints.max_vendor_share")
        if not 0 < share <= 1:
            raise ProblemError("constraints.max_vendor_share", f"must be in (0, 1], got {share}")
    return Constraints(
        max_vendors_per_item=None
        if max_vendors is None
        else _integer(max_vendors, "constraints.max_vendors_per_item", minimum=1),
        max_vendor_share=share,
        min_award_quantity=None
        if min_award is None
        else _integer(min_award, "constraints.min_award_quantity", minimum=1),
    )


def _parse_options(raw: Any) -> Options:
    if raw is None:
        return Options()
    _object(raw, "options", {"time_limit_seconds", "relative_gap"}, set())
    time_limit = raw.get("time_limit_seconds")
    gap = raw.get("relative_gap")
    if time_limit is None:
        time_limit = DEFAULT_TIME_LIMIT_SECONDS
    else:
        time_limit = float(_decimal(time_limit, "options.time_limit_seconds"))
        if time_limit <= 0:
            raise ProblemError("options.time_limit_seconds", f"must be positive, got {time_limit}")
    if gap is None:
        gap = DEFAULT_RELATIVE_GAP
    else:
        gap = float(_decimal(gap, "options.relative_gap"))
        if not 0 <= gap < 1:
            raise ProblemError("options.relative_gap", f"must be in [0, 1), got {gap}")
    return Options(time_limit_seconds=time_limit, relative_gap=gap)


def parse_problem(data: Any) -> Problem:
    """Validate a problem dict and build the ``Problem``; raise ``ProblemError`` on bad input."""
    fields = {"items", "bids", "bundles", "constraints", "options"}
    _object(data, "problem", fields, {"items", "bids"})
    items = _parse_items(data["items"])
    bids = _parse_bids(data["bids"], {item.id for item in items})
    bundles = _parse_bundles(data.get("bundles") or [], {bid.id for bid in bids})
    return Problem(
        items=items,
        bids=bids,
        bundles=bundles,
        constraints=_parse_constraints(data.get("constraints")),
        options=_parse_options(data.get("options")),
    )
