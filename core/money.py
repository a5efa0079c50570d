"""Money: dollars as `Decimal`, in whole cents.

The rounding rule, stated once: an amount computed from others (a unit price times a quantity, a
rebate, a share) is rounded to the cent ROUND_HALF_UP, half a cent going away from zero
(`cents(Decimal("2.345")) == Decimal("2.35")`, `cents(Decimal("-2.345")) == Decimal("-2.35")`).
This is the rule `orders.pricing` documents for pooled-volume prices and true-up rebates, and the
one every copy of `cents` used. An amount a person or program *gives* is never rounded: one with
more than two decimal places is refused (`parse_amount`), so nothing typed is silently changed.

Pure: no Django (the "Pure rules import no Django" import-linter contract), so the award engine,
the pricing replay and the reconciliation can use it; `core.limits.check_money` turns its
refusals into ValidationErrors naming the field.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from core.bounds import AMOUNT_MAX

CENT = Decimal("0.01")
# Longest text read as an amount ("10,000,000,000.00" is 17 characters): a longer one is refused
# before Decimal parses it (a million-digit string would tie up a worker).
AMOUNT_TEXT_MAX = 40


def cents(amount: Decimal) -> Decimal:
    """`amount` rounded to the cent, ROUND_HALF_UP (see the module's rounding rule)."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def allocate(total: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """Split `total` (whole cents, not negative) over `weights` (not negative) in proportion, in
    whole cents that add up to `total` exactly: each share rounded down to the cent, the cents
    left over going one each to the largest remainders (ties: the earlier weight). All zero
    weights: the total goes to the first."""
    if not weights:
        return []
    whole = sum(weights, Decimal(0))
    if whole <= 0:
        return [total] + [Decimal(0)] * (len(weights) - 1)
    exact = [total * w / whole for w in weights]
    shares = [(e / CENT).to_integral_value(rounding="ROUND_FLOOR") * CENT for e in exact]
    left = int((total - sum(shares, Decimal(0))) / CENT)
    by_remainder = sorted(range(len(weights)), key=lambda i: (-(exact[i] - shares[i]), i))
    for i in by_remainder[:left]:
        shares[i] += CENT
    return shares


def is_whole_cents(amount: Decimal) -> bool:
    """A finite amount with no fraction of a cent."""
    return amount.is_finite() and amount == amount.quantize(CENT, rounding=ROUND_HALF_UP)


class MoneyError(ValueError):
    """Why a value is not an amount within bounds. `reason` is one of UNREADABLE (not a number of
    dollars), OUT_OF_BOUNDS (below `minimum`, above `maximum`, or not finite) or FRACTION_OF_CENT."""

    UNREADABLE = "unreadable"
    OUT_OF_BOUNDS = "out_of_bounds"
    FRACTION_OF_CENT = "fraction_of_cent"

    def __init__(self, reason: str, value: Any):
        super().__init__(f"{str(value)[:40]!r}: {reason}")
        self.reason = reason
        self.value = value


def to_decimal(value: Any) -> Decimal:
    """A Decimal from a Decimal, an int, a float (through its shortest repr) or text such as
    "1,200.50" or "$99"; MoneyError(UNREADABLE) otherwise (booleans included)."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise MoneyError(MoneyError.UNREADABLE, value)
    text = str(value).strip().replace(",", "").lstrip("$")
    if not text or len(text) > AMOUNT_TEXT_MAX:
        raise MoneyError(MoneyError.UNREADABLE, value)
    try:
        return Decimal(text)
    except (InvalidOperation, ValueError):
        raise MoneyError(MoneyError.UNREADABLE, value) from None


def parse_amount(value: Any, *, minimum: Decimal = Decimal(0), maximum: Decimal = AMOUNT_MAX) -> Decimal:
    """An amount in whole cents within [minimum, maximum], as a Decimal with two decimal places
    (never rounded: a fraction of a cent is refused); MoneyError saying why otherwise."""
    amount = to_decimal(value)
    if not amount.is_finite() or not minimum <= amount <= maximum:
        raise MoneyError(MoneyError.OUT_OF_BOUNDS, value)
    if not is_whole_cents(amount):
        raise MoneyError(MoneyError.FRACTION_OF_CENT, value)
    return amount.quantize(CENT)
