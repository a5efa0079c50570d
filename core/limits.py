"""Domain bounds for every number and text a person or program can send to EdPool.

Services check these before any write, so an absurd value is refused with a message naming the
field and nothing is stored or counted; API schemas and forms use the same constants so the
OpenAPI document states the bounds. Each bound is generous for any real consortium and far
inside what the database columns hold on both SQLite and PostgreSQL.

This module is a foundation: it imports nothing from EdPool's apps.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Optional

from django.core.exceptions import ValidationError

# The bounds on quantities and money live in core.bounds (no Django: the pure rules in core.tiers
# and core.money use them too); they are re-exported here beside the other bounds.
from core.bounds import AMOUNT_MAX as AMOUNT_MAX
from core.bounds import POOLED_QUANTITY_MAX as POOLED_QUANTITY_MAX
from core.bounds import QUANTITY_MAX as QUANTITY_MAX
from core.bounds import UNIT_PRICE_MAX as UNIT_PRICE_MAX
from core.money import MoneyError, parse_amount

# Database ids: SQLite and PostgreSQL store signed 64-bit integers.
ID_MAX = 2**63 - 1
# Page numbers in lists (any list has far fewer pages).
PAGE_MAX = 1_000_000
# Text: a name or title, a note or reason, a long description.
SHORT_TEXT_MAX = 300
# Search and filter text in a query string: with several filters on one operation, the address
# stays under the 8,190-character request line web servers accept, even in 4-byte characters.
FILTER_MAX = 100
NOTE_MAX = 2_000
LONG_TEXT_MAX = 20_000
# An email address (RFC 5321's limit, Django's EmailField).
EMAIL_MAX = 254
# A password as typed (hashing a megabyte-long one would tie up a worker).
PASSWORD_MAX = 1_000
# Dates a person may give (a contract, a report, a deadline): date arithmetic on them (terms,
# expiries, renewals) stays far inside what Python and the databases hold.
DATE_MIN = dt.date(1900, 1, 1)
DATE_MAX = dt.date(2199, 12, 31)


def _error(field: str, message: str) -> ValidationError:
    return ValidationError({field: message})


def check_int(value: Any, *, field: str, minimum: int = 1, maximum: int = QUANTITY_MAX,
              what: str = "a whole number") -> int:
    """A whole number within [minimum, maximum], or a ValidationError naming the field."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise _error(field, f"Must be {what} from {minimum:,} to {maximum:,}.")
    if not minimum <= value <= maximum:
        raise _error(field, f"Must be {what} from {minimum:,} to {maximum:,} (this is {value:,}).")
    return value


def check_quantity(value: Any, *, field: str, maximum: int = QUANTITY_MAX) -> int:
    return check_int(value, field=field, minimum=1, maximum=maximum, what="a whole number of units")


def parse_int(raw: Any, *, field: str, minimum: int = 1, maximum: int = QUANTITY_MAX,
              what: str = "a whole number") -> int:
    """Parse text (a form or CSV cell) into a bounded whole number."""
    text = str(raw if raw is not None else "").strip().replace(",", "")
    if not text or len(text) > 20 or not (text.isascii() and text.isdigit() or (text[0] == "-" and text[1:].isascii() and text[1:].isdigit())):
        raise _error(field, f"{str(raw)[:40]!r} is not {what} from {minimum:,} to {maximum:,}.")
    return check_int(int(text), field=field, minimum=minimum, maximum=maximum, what=what)


def check_money(value: Any, *, field: str, minimum: Decimal = Decimal("0"),
                maximum: Decimal = AMOUNT_MAX, allow_zero: bool = True) -> Decimal:
    """Dollars and cents within bounds (at most two decimal places), as a Decimal; the rule is
    `core.money.parse_amount`, refusals become a ValidationError naming the field."""
    low = minimum if allow_zero else max(minimum, Decimal("0.01"))
    try:
        return parse_amount(value, minimum=low, maximum=maximum)
    except MoneyError as refused:
        if refused.reason == MoneyError.UNREADABLE:
            raise _error(field, f"{str(value)[:40]!r} is not an amount in dollars and cents.")
        if refused.reason == MoneyError.OUT_OF_BOUNDS:
            raise _error(field, f"Must be from ${low:,.2f} to ${maximum:,.2f}.")
        raise _error(field, "At most two decimal places (dollars and cents).")


def check_text(value: Optional[str], *, field: str, max_length: int = SHORT_TEXT_MAX,
               required: bool = False) -> str:
    """Stripped text without NUL bytes (PostgreSQL cannot store them) and within its length."""
    text = (value or "").strip()
    if "\x00" in text:
        raise _error(field, "Contains a NUL character (\\0); remove it.")
    if len(text) > max_length:
        raise _error(field, f"At most {max_length:,} characters (this is {len(text):,}).")
    if required and not text:
        raise _error(field, "Required.")
    return text




def page_number(raw: Any) -> int:
    """A page number from a query string: 1 when missing or not a number, at most PAGE_MAX."""
    text = str(raw if raw is not None else "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 12:
        return PAGE_MAX if text.isascii() and text.isdigit() else 1
    return max(1, min(int(text), PAGE_MAX))


def parse_id(raw: Any, *, field: str) -> int:
    """An id from a form or query string (1 to ID_MAX), or a ValidationError naming the field."""
    return parse_int(raw, field=field, minimum=1, maximum=ID_MAX, what="an id")


def parse_money(raw: Any, *, field: str, maximum: Decimal = AMOUNT_MAX) -> Decimal:
    """Dollars and cents typed into a form (e.g. "1,200.50" or "$99"), within bounds."""
    return check_money(raw, field=field, maximum=maximum)
