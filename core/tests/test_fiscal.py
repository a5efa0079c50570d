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


def test_one_rule_for_a_fiscal_year_named_in_a_request(settings):
    import datetime as dt

    import pytest
    from django.core.exceptions import ValidationError

    from core.fiscal import FiscalYear, FiscalYearRefused, fiscal_year_api, fiscal_year_param

    settings.EDPOOL_FISCAL_YEAR_START_MONTH = 7
    today = dt.date(2026, 12, 3)  # FY 2027
    for nothing in (None, "", 0):
        assert fiscal_year_param(nothing, today=today) == FiscalYear(2027, 7)
    assert fiscal_year_param("2020", today=today) == FiscalYear(2020, 7)
    assert fiscal_year_param(2027, today=today) == FiscalYear(2027, 7)
    for bad, words in (("abc", "is not a fiscal year"), ("27", "is not a fiscal year"), ("2027\x00", "is not a fiscal year"),
                       ("99999", "is not a fiscal year"), ("-1", "is not a fiscal year"), (True, "such as"),
                       ("1999", "too early"), ("2028", "has not started"), (9999, "has not started")):
        with pytest.raises(FiscalYearRefused, match=words.replace("\\", "\\\\")) as refused:
            fiscal_year_param(bad, today=today)
        assert "\x00" not in refused.value.message
    with pytest.raises(ValidationError) as refused:
        fiscal_year_api(2028, today=today, field="fiscal_year")
    assert "fiscal_year" in refused.value.message_dict
