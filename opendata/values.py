"""How OCDS writes EdPool's values: moments in UTC, consortium days, dollar amounts, and
nothing null or empty."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Optional

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

CURRENCY = "USD"
LANGUAGE = "en"


def iso(moment: Any) -> Optional[str]:
    """An aware moment (or its ISO string) as OCDS wants it: UTC, whole seconds, `Z`."""
    if moment is None or moment == "":
        return None
    if isinstance(moment, str):
        moment = parse_datetime(moment)
        if moment is None:
            return None
    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def day(value: Any, end: bool = False) -> Optional[str]:
    """A calendar day of the consortium (or its ISO string) as the moment it starts (or ends)."""
    if value in (None, ""):
        return None
    if isinstance(value, str):
        value = parse_date(value)
    moment = dt.datetime.combine(value, dt.time(23, 59, 59) if end else dt.time.min)
    return iso(timezone.make_aware(moment, timezone.get_default_timezone()))


def amount(value: Any) -> Optional[dict[str, Any]]:
    """A dollar amount (Decimal or its string) as an OCDS Value; whole dollars as integers."""
    if value in (None, ""):
        return None
    value = Decimal(str(value)).quantize(Decimal("0.01"))
    number: int | float = int(value) if value == value.to_integral_value() else float(value)
    return {"amount": number, "currency": CURRENCY}


def prune(value: Any) -> Any:
    """Drop None and empty containers, recursively (OCDS publishes absent rather than null)."""
    if isinstance(value, dict):
        out = {k: prune(v) for k, v in value.items()}
        return {k: v for k, v in out.items() if v not in (None, {}, [], "")}
    if isinstance(value, list):
        return [prune(v) for v in value if v is not None]
    return value
