"""How people see numbers: money as $1,234.50 (negative: -$1,000.00), never raw decimals.

Pure functions for templates (`core.template_builtins`), messages and exports. This module is a
foundation: it imports nothing from EdPool's apps.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any, Mapping

from core.money import cents


def money(value: Any) -> str:
    """$1,234.50; -$1,000.00; an em dash for nothing. Rounded to the cent, half up."""
    if value is None or value == "":
        return "—"
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).replace(",", ""))
        amount = cents(amount)
    except (InvalidOperation, ValueError):
        return str(value)
    sign = "-" if amount < 0 else ""
    return f"{sign}${abs(amount):,.2f}"


def quantities(value: Mapping[str, Any]) -> str:
    """Quantities per line for people: "CB-11 × 600, CEU × 1,200" (never a dict's repr)."""
    parts = []
    for code, quantity in (value or {}).items():
        try:
            shown = f"{int(quantity):,}"
        except (TypeError, ValueError):
            shown = str(quantity)
        parts.append(f"{code} × {shown}")
    return ", ".join(parts) or "—"
