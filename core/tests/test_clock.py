"""core.clock: at 03:30 UTC on 2 December 2026 it is still 1 December in Los Angeles."""

from __future__ import annotations

import datetime as dt

import pytest

from core import clock as edpool_clock

NIGHT = dt.datetime(2026, 12, 2, 3, 30, tzinfo=dt.timezone.utc)


def test_today_is_the_consortium_day_not_the_utc_day(clock, settings):
    assert settings.TIME_ZONE == "America/Los_Angeles"
    clock.set(NIGHT)
    assert edpool_clock.now() == NIGHT
    assert edpool_clock.today() == dt.date(2026, 12, 1) != NIGHT.date()
    assert clock.today() == dt.date(2026, 12, 1)
    assert edpool_clock.local().hour == 19 and edpool_clock.local().date() == dt.date(2026, 12, 1)
    assert edpool_clock.date_of(NIGHT) == dt.date(2026, 12, 1)
    assert edpool_clock.date_of(dt.date(2026, 12, 2)) == dt.date(2026, 12, 2)


def test_a_naive_moment_is_refused():
    with pytest.raises(ValueError, match="naive"):
        edpool_clock.local(dt.datetime(2026, 12, 2, 3, 30))
