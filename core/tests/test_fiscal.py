import datetime as dt

import pytest
from django.utils import timezone

from core.fiscal import FiscalYear


def test_july_start_names_the_year_it_ends_in():
    fy = FiscalYear.of(dt.date(2026, 7, 1))
    assert fy.ends_in == 2027 and fy.label == "FY 2026-27"
    assert (fy.start, fy.end) == (dt.date(2026, 7, 1), dt.date(2027, 6, 30))
    assert FiscalYear.of(dt.date(2026, 6, 30)) == fy.previous()
    assert dt.date(2027, 6, 30) in fy and dt.date(2027, 7, 1) not in fy


def test_a_moment_counts_on_the_consortiums_calendar():
    # 03:30 UTC on 1 July is still 30 June in Los Angeles: the old fiscal year
    moment = dt.datetime(2026, 7, 1, 3, 30, tzinfo=dt.timezone.utc)
    assert timezone.get_current_timezone_name() == "America/Los_Angeles"
    assert FiscalYear.of(moment).ends_in == 2026


def test_the_start_month_is_a_setting(settings):
    settings.EDPOOL_FISCAL_YEAR_START_MONTH = 1
    fy = FiscalYear.of(dt.date(2026, 12, 31))
    assert fy.label == "FY 2026" and (fy.start, fy.end) == (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    settings.EDPOOL_FISCAL_YEAR_START_MONTH = 10
    fy = FiscalYear.of(dt.date(2026, 10, 1))
    assert fy.label == "FY 2026-27" and fy.end == dt.date(2027, 9, 30)
    settings.EDPOOL_FISCAL_YEAR_START_MONTH = 13
    with pytest.raises(ValueError):
        FiscalYear.of(dt.date(2026, 1, 1))
