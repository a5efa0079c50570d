"""Numbers as people read them (money, percentages, quantities): pure functions, no Django, so
pure rules (e.g. reports.reconcile) may use them. Templates and pages use them through
`core.formatting`, which adds dates, times and labels."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from core.money import cents

EMPTY = "—"


def _decimal(value: Any) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(str(value).replace(",", "").strip())


def money(value: Any) -> str:
    """$1,234.50; -$1,000.00; an em dash for nothing. Rounded to the cent, half up."""
    if value is None or value == "":
        return EMPTY
    try:
        amount = cents(_decimal(value))
    except (InvalidOperation, ValueError):
        return str(value)
    sign = "-" if amount < 0 else ""
    return f"{sign}${abs(amount):,.2f}"


def _plain(number: Decimal) -> str:
    """A decimal with thousands separators and no trailing zeros (no exponent)."""
    if number == number.to_integral_value():
        return f"{number.quantize(Decimal(1)):,}"
    text = f"{number.normalize():,f}"
    return text


def percent(value: Any, places: int = 2) -> str:
    """A percentage given as a percentage (2, "2.50", Decimal("12.345")) -> "2%", "2.5%",
    "12.35%": rounded to `places` decimals, half up, trailing zeros dropped."""
    if value is None or value == "":
        return EMPTY
    try:
        number = _decimal(value)
    except (InvalidOperation, ValueError):
        return str(value)
    rounded = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return f"{_plain(rounded)}%"


def rate_percent(value: Any, places: int = 2) -> str:
    """A rate given as a fraction (Decimal("0.02"), "0.025") -> "2%", "2.5%"."""
    if value is None or value == "":
        return EMPTY
    try:
        number = _decimal(value)
    except (InvalidOperation, ValueError):
        return str(value)
    return percent(number * 100, places)


def quantity(value: Any) -> str:
    """1234 -> "1,234"; Decimal("1234.50") -> "1,234.5"; -5 -> "-5"."""
    if value is None or value == "":
        return EMPTY
    try:
        number = _decimal(value)
    except (InvalidOperation, ValueError):
        return str(value)
    return _plain(number)

