"""Volume tiers (all-units): which tier a quantity reaches, the next tier, and tier validation.
Money is Decimal in cents; quantities are integers."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Optional

CENT = Decimal("0.01")


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class TierPosition:
    """Where a cumulative quantity stands on a schedule entry's tiers."""

    quantity: int
    unit_price: Decimal
    tier_min: int
    next_min: Optional[int]
    next_price: Optional[Decimal]

    @property
    def units_to_next(self) -> Optional[int]:
        return None if self.next_min is None else self.next_min - self.quantity


def tier_at(tiers: list[dict[str, Any]], quantity: int) -> TierPosition:
    """The tier with the largest minimum <= quantity (the first tier below every minimum), and the
    next one. All-units: the tier's price applies to every unit."""
    ordered = tiers if all(tiers[i]["min_quantity"] < tiers[i + 1]["min_quantity"]
                           for i in range(len(tiers) - 1)) else sorted(tiers, key=lambda t: t["min_quantity"])
    index = 0
    for i, tier in enumerate(ordered):
        if tier["min_quantity"] <= quantity:
            index = i
    current = ordered[index]
    following = ordered[index + 1] if index + 1 < len(ordered) else None
    return TierPosition(quantity=quantity, unit_price=Decimal(current["unit_price"]),
                        tier_min=current["min_quantity"],
                        next_min=following["min_quantity"] if following else None,
                        next_price=Decimal(following["unit_price"]) if following else None)


def clean_tiers(tiers: Any, field: str) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """Validate tiers; returns (canonical tiers, errors keyed by field path)."""
    errors: dict[str, str] = {}
    if not isinstance(tiers, list) or not tiers:
        return [], {field: "Give at least one volume tier."}
    out, last = [], 0
    for i, tier in enumerate(tiers, start=1):
        at = f"{field}[{i}]"
        try:
            minimum = tier["min_quantity"]
            if isinstance(minimum, bool) or int(minimum) != minimum or minimum < 1:
                raise ValueError
            minimum = int(minimum)
        except (KeyError, TypeError, ValueError):
            errors[f"{at}.min_quantity"] = "A whole number of at least 1."
            continue
        if minimum <= last:
            errors[f"{at}.min_quantity"] = "Tiers must start at increasing quantities."
        last = max(last, minimum)
        try:
            price = Decimal(str(tier["unit_price"]))
            if not price.is_finite() or price <= 0 or price != price.quantize(CENT):
                raise InvalidOperation
        except (KeyError, InvalidOperation):
            errors[f"{at}.unit_price"] = "A price above 0 in whole cents."
            continue
        out.append({"min_quantity": minimum, "unit_price": str(price)})
    return out, errors
