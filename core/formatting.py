"""How people see values: money, dates and times, percentages, quantities and labels.

Pure functions for templates (`core.template_builtins`, available in every template without
{% load %}), messages and pages. CSV and Excel exports and the API keep machine values (codes,
ISO dates, plain decimals) and do not use these. Nothing given is shown as an em dash.

- money: $1,234.50; negatives -$1,000.00; rounded to the cent, half up.
- when: a moment in the consortium's time zone (settings.TIME_ZONE) to the minute, with the
  zone's abbreviation: "2026-03-08 01:59 PST"; never seconds or microseconds.
- day: a date, or a moment's local date: "2026-03-08" (worklists, tables people sort and compare).
- long_day: the same date as people write it, "July 1, 2026" (statements, price and usage pages):
  Django's date format `settings.EDPOOL_LONG_DATE_FORMAT` ("F j, Y" by default), one setting for
  the whole project; `long_day_format` formats a date the same way in Python (the statement PDF).
- percent: a number that already is a percentage (2, Decimal("2.50")) -> "2%" / "2.5%".
- rate_percent: a fraction (Decimal("0.025"), e.g. a fee rate) -> "2.5%".
- quantity: thousands separators, no trailing zeros: 1234 -> "1,234", Decimal("1.50") -> "1.5".
- label: see `core.labels`.

This module is a foundation: it imports nothing from EdPool's apps. The number formatters live
in `core.number_format` (no Django, for pure rules) and are re-exported here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Mapping

from django.utils import timezone

from core.labels import label  # noqa: F401 - every formatter from one module
from core.number_format import EMPTY, money, percent, quantity, rate_percent  # noqa: F401


def _moment(value: Any) -> dt.datetime | dt.date | None:
    """A datetime or date from a datetime, date or ISO text (as stored in JSON); None otherwise."""
    if isinstance(value, (dt.datetime, dt.date)):
        return value
    if isinstance(value, str):
        try:
            return dt.datetime.fromisoformat(value.strip())
        except ValueError:
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                return None
    return None


def _local(moment: dt.datetime) -> dt.datetime:
    """An aware moment in settings.TIME_ZONE; a naive one is taken as already local."""
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_default_timezone())
    return timezone.localtime(moment, timezone.get_default_timezone())


def when(value: Any) -> str:
    """"2026-03-08 01:59 PST": local date and time to the minute with the zone abbreviation. A
    date alone is shown as `day`; unreadable text is shown as given."""
    if value is None or value == "":
        return EMPTY
    moment = _moment(value)
    if moment is None:
        return str(value)
    if not isinstance(moment, dt.datetime):
        return day(moment)
    local = _local(moment)
    return f"{local:%Y-%m-%d %H:%M} {local.tzname()}"


def _calendar_day(value: Any) -> Any:
    """A date as is, a moment's local date; None for nothing, and a value that is neither as is."""
    if value is None or value == "":
        return None
    moment = _moment(value)
    if isinstance(moment, dt.datetime):
        return _local(moment).date()
    return value if moment is None else moment


def day(value: Any) -> str:
    """"2026-03-08": a date, or the local date of a moment."""
    found = _calendar_day(value)
    if found is None:
        return EMPTY
    return f"{found:%Y-%m-%d}" if isinstance(found, dt.date) else str(found)


def long_day_format(value: dt.date) -> str:
    """"July 1, 2026" (settings.EDPOOL_LONG_DATE_FORMAT) for a date."""
    from django.conf import settings
    from django.utils import dateformat

    return dateformat.format(value, getattr(settings, "EDPOOL_LONG_DATE_FORMAT", "F j, Y"))


def long_day(value: Any) -> str:
    """"July 1, 2026": a date, or the local date of a moment, as people write it."""
    found = _calendar_day(value)
    if found is None:
        return EMPTY
    return long_day_format(found) if isinstance(found, dt.date) else str(found)


def quantities(value: Mapping[str, Any]) -> str:
    """Quantities per line for people: "CB-11 × 600, CEU × 1,200" (never a dict's repr)."""
    parts = [f"{code} × {quantity(amount)}" for code, amount in (value or {}).items()]
    return ", ".join(parts) or EMPTY
