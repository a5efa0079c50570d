"""The one clock: what time it is, and what day it is for the consortium.

EdPool stores moments as aware UTC datetimes and reasons about days (deadlines, "member since",
due dates, "may not be in the future") in the consortium's time zone (`settings.TIME_ZONE`,
America/Los_Angeles by default). Mixing the two gives the wrong day for seven or eight hours of
every night: at 03:30 UTC on 2 December it is still 1 December in Los Angeles, so
`dt.date.today()`, `datetime.now()`, `datetime.utcnow()` or `timezone.now().date()` must not be
used for a calendar day. Use this module instead:

- `now()`: the current moment, aware (UTC).
- `today()`: the consortium's calendar day now.
- `local(moment)`: an aware moment in the consortium's time zone.
- `date_of(moment)`: the consortium's calendar day of an aware moment (or of a date, unchanged).

Everything goes through `django.utils.timezone.now`, looked up at each call, so the tests' `clock`
fixture (conftest.py) pins all of it at once. `tests/test_clock_usage.py` keeps the code base free
of the naive forms.

This module is a foundation: it imports nothing from EdPool's apps.
"""

from __future__ import annotations

import datetime as dt
from typing import Optional

from django.utils import timezone


def now() -> dt.datetime:
    """The current moment, aware."""
    return timezone.now()


def today() -> dt.date:
    """The consortium's calendar day now (not the server's, not UTC's)."""
    return timezone.localdate(timezone.now())


def local(moment: Optional[dt.datetime] = None) -> dt.datetime:
    """`moment` (default: now) in the consortium's time zone. A naive moment is refused: it
    would be read in whatever zone the machine happens to use."""
    moment = timezone.now() if moment is None else moment
    if timezone.is_naive(moment):
        raise ValueError("A naive datetime has no time zone; make it aware first "
                         "(core.clock.local needs to know which moment it is).")
    return timezone.localtime(moment)


def date_of(value: dt.date | dt.datetime) -> dt.date:
    """The consortium's calendar day of `value`: an aware datetime is converted to local time
    first; a plain date is returned as it is."""
    if isinstance(value, dt.datetime):
        return local(value).date()
    return value
