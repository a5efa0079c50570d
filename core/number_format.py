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


def _read(value: Any) -> Decimal | str:
    """The value as a finite number, or the text to show instead: EMPTY for nothing, the value
    itself when it is not a finite number (shown as given rather than hidden)."""
    if value is None or value == "":
        return EMPTY
    try:
        number = _decimal(value)
    except (InvalidOperation, ValueError):
        return str(value)
    return number if number.is_finite() else str(value)


def money(value: Any) -> str:
    """$1,234.50; -$1,000.00; an em dash for nothing. Rounded to the cent, half up."""
    number = _read(value)
    if isinstance(number, str):
        return number
    amount = cents(number)
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
    number = _read(value)
    if isinstance(number, str):
        return number
    rounded = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return f"{_plain(rounded)}%"


def rate_percent(value: Any, places: int = 2) -> str:
    """A rate given as a fraction (Decimal("0.02"), "0.025") -> "2%", "2.5%"."""
    number = _read(value)
    if isinstance(number, str):
        return number
    return percent(number * 100, places)


def quantity(value: Any) -> str:
    """1234 -> "1,234"; Decimal("1234.50") -> "1,234.5"; -5 -> "-5"."""
    number = _read(value)
    if isinstance(number, str):
        return number
    return _plain(number)

