"""A board finding given as an aware moment is dated on the consortium's day, not UTC's."""

from __future__ import annotations

import datetime as dt

from contracts.tests.test_board_finding import _join


def test_a_finding_at_night_utc_is_dated_the_local_day(cast, awarded, agreements, general_offer, clock):  # noqa: F811
    # 03:30 UTC the next morning is still this evening in Los Angeles (the agreements began today).
    today = clock.today()
    night = dt.datetime.combine(today + dt.timedelta(days=1), dt.time(3, 30), tzinfo=dt.timezone.utc)
    clock.set(night)
    assert clock.today() == today
    participation = _join(cast, awarded, agreements, board_finding_on=night,
                          board_finding_reference="Resolution 2026-40")
    assert participation.board_finding_on == today
