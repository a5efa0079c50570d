"""Volume tiers: the one statement of the all-units tier rule.

A tier list is `[{"min_quantity": int, "unit_price": "9.50"}, ...]`, minimums strictly
increasing, prices in whole cents (as `clean_tiers` leaves it; bids, agreement schedules and
amendments store it so). A quantity reaches a tier when it is at least the tier's minimum; the
price of the tier with the largest minimum reached applies to every unit (all-units pricing).

Below the first breakpoint (a quantity under the first tier's minimum, such as a consortium volume
of 0 before anyone has ordered) the FIRST tier applies: it is the price the bid or schedule starts
at, and no quantity is left without a price. The agreement catalog, the orders' pooled pricing and
the bid tabulation always did this; only the award engine's copy answered "no tier", and its
callers then fell back to the first tier anyway, except where an award below a bid's minimum is
refused. That refusal is a separate rule (a bid's first minimum is the least it may be awarded),
checked by the engine (`awards.engine.rules.violations`), not part of the price.

Pure: no Django (the "Pure rules import no Django" import-linter contract).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Optional

from core.bounds import POOLED_QUANTITY_MAX, UNIT_PRICE_MAX
from core.money import CENT

# At most this many tiers on a bid line or a schedule entry.
MAX_TIERS = 10
# Longest text read as a tier's price.
PRICE_TEXT_MAX = 20


@dataclass(frozen=True)
class TierPosition:
    """Where a quantity stands on a tier list: the tier that prices it and the next one."""

    quantity: int
    unit_price: Decimal
    tier_min: int
    next_min: Optional[int]
    next_price: Optional[Decimal]

    @property
    def units_to_next(self) -> Optional[int]:
        return None if self.next_min is None else self.next_min - self.quantity


def _ordered(tiers: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if all(tiers[i]["min_quantity"] < tiers[i + 1]["min_quantity"] for i in range(len(tiers) - 1)):
        return tiers
    return sorted(tiers, key=lambda t: t["min_quantity"])


def tier_index(min_quantities: list[int], quantity: int) -> int:
    """The index of the tier that prices `quantity`, given the tiers' increasing minimums: the
    last one at or below it, and 0 (the first tier) below the first breakpoint."""
    index = 0
    for i, minimum in enumerate(min_quantities):
        if minimum > quantity:
            break
        index = i
    return index


def reaches_first_tier(tiers: list[dict[str, Any]], quantity: int) -> bool:
    """Is `quantity` at least the first tier's minimum (is it priced by a tier it reached)?"""
    return quantity >= min(t["min_quantity"] for t in tiers)


def tier_at(tiers: list[dict[str, Any]], quantity: int) -> TierPosition:
    """The tier that prices `quantity` (the first one below the first breakpoint) and the next."""
    if not tiers:
        raise ValueError("a tier list has at least one tier")
    ordered = _ordered(tiers)
    index = tier_index([t["min_quantity"] for t in ordered], quantity)
    current = ordered[index]
    following = ordered[index + 1] if index + 1 < len(ordered) else None
    return TierPosition(quantity=quantity, unit_price=Decimal(current["unit_price"]),
                        tier_min=current["min_quantity"],
                        next_min=following["min_quantity"] if following else None,
                        next_price=Decimal(following["unit_price"]) if following else None)


def unit_price_at(tiers: list[dict[str, Any]], quantity: int) -> Decimal:
    """The unit price of every unit when `quantity` units are bought (all-units pricing)."""
    return tier_at(tiers, quantity).unit_price


def _clean_min(value: Any) -> Optional[int]:
    """A tier minimum: a whole number (an int, or a float such as 5.0) within bounds; None if not."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        if int(value) != value:
            return None
    except (ValueError, OverflowError):  # nan, inf
        return None
    return int(value) if 1 <= value <= POOLED_QUANTITY_MAX else None


def clean_tiers(tiers: Any, field: str, *, max_tiers: int = MAX_TIERS
                ) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """Validate a tier list as sent (a bid line's, a schedule entry's or an amendment's); returns
    (canonical tiers, errors keyed by field path such as "tiers[2].unit_price", counted from 1).
    Each minimum is a whole number from 1 to POOLED_QUANTITY_MAX, strictly above the previous
    one; each price from $0.01 to UNIT_PRICE_MAX in whole cents (never rounded), stored as text
    with two decimals. The canonical list is only meaningful when there are no errors."""
    if not isinstance(tiers, list) or not tiers:
        return [], {field: "Give at least one volume tier."}
    errors: dict[str, str] = {}
    if len(tiers) > max_tiers:
        errors[field] = f"At most {max_tiers} tiers."
    out: list[dict[str, Any]] = []
    last = 0
    for number, tier in enumerate(tiers, start=1):
        at = f"{field}[{number}]"
        if not isinstance(tier, dict):
            errors[at] = "Each tier must be an object with min_quantity and unit_price."
            continue
        minimum = _clean_min(tier.get("min_quantity"))
        if minimum is None:
            errors[f"{at}.min_quantity"] = f"A whole number from 1 to {POOLED_QUANTITY_MAX:,} units."
        elif minimum <= last:
            errors[f"{at}.min_quantity"] = "Tiers must start at increasing quantities."
        last = max(last, minimum or 0)
        price = _clean_price(tier.get("unit_price"))
        if isinstance(price, str):
            errors[f"{at}.unit_price"] = price
        elif minimum is not None:
            out.append({"min_quantity": minimum, "unit_price": str(price)})
    return out, errors


def _clean_price(value: Any) -> Decimal | str:
    """A tier's unit price in whole cents within bounds, or the message saying what is wrong."""
    text = str(value)
    try:
        if len(text) > PRICE_TEXT_MAX:
            raise InvalidOperation
        price = Decimal(text)
    except (InvalidOperation, ValueError):
        return "A price such as 12.50 is required."
    if not price.is_finite() or not CENT <= price <= UNIT_PRICE_MAX:
        return f"The price must be from $0.01 to ${UNIT_PRICE_MAX:,.2f}."
    if price != price.quantize(CENT):
        return "Prices are in whole cents."
    return price.quantize(CENT)
