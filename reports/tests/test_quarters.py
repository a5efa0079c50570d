"""Quarters and the reporting calendar: due 45 days after the quarter's last day, leap years."""

from __future__ import annotations

import datetime as dt

import pytest

from reports.quarters import Quarter, quarters_between, reporting_quarters
from reports.tick import reminder_due

D = dt.date


@pytest.mark.parametrize("day, expected", [(D(2026, 1, 1), (2026, 1)), (D(2026, 3, 31), (2026, 1)),
                                           (D(2026, 4, 1), (2026, 2)), (D(2026, 9, 30), (2026, 3)),
                                           (D(2026, 10, 1), (2026, 4)), (D(2026, 12, 31), (2026, 4)),
                                           (D(2024, 2, 29), (2024, 1))])
def test_quarter_of_a_day(day, expected):
    assert Quarter.of(day) == Quarter(*expected)


@pytest.mark.parametrize("quarter, end, due", [
    (Quarter(2026, 1), D(2026, 3, 31), D(2026, 5, 15)),
    (Quarter(2026, 2), D(2026, 6, 30), D(2026, 8, 14)),
    (Quarter(2026, 3), D(2026, 9, 30), D(2026, 11, 14)),
    (Quarter(2026, 4), D(2026, 12, 31), D(2027, 2, 14)),   # into the next year
    (Quarter(2023, 4), D(2023, 12, 31), D(2024, 2, 14)),   # into a leap year: still 14 February
    (Quarter(2024, 1), D(2024, 3, 31), D(2024, 5, 15)),
])
def test_due_45_days_after_the_quarter_ends(quarter, end, due):
    assert quarter.end == end and quarter.due == due
    assert (quarter.due - quarter.end).days == 45
    assert quarter.reminder_on == due - dt.timedelta(days=15)


def test_leap_years_lengthen_the_first_quarter_only():
    assert Quarter(2024, 1).days == 91 and Quarter(2023, 1).days == 90 and Quarter(2100, 1).days == 90
    assert Quarter(2000, 1).days == 91
    assert [Quarter(2024, n).days for n in (2, 3, 4)] == [91, 92, 92]
    assert Quarter(2024, 1).start == D(2024, 1, 1) and Quarter.of(D(2024, 2, 29)).end == D(2024, 3, 31)


def test_on_time_on_the_due_date_overdue_the_day_after():
    q = Quarter(2025, 4)
    assert not q.has_ended(D(2025, 12, 31)) and q.has_ended(D(2026, 1, 1))
    assert not q.is_overdue(D(2026, 2, 14)) and q.is_overdue(D(2026, 2, 15))


def test_reminders_15_days_before_and_on_the_due_date():
    q = Quarter(2024, 1)  # due 2024-05-15
    assert reminder_due(q, D(2024, 4, 29)) is None
    assert reminder_due(q, D(2024, 4, 30)) == "before_due"
    assert reminder_due(q, D(2024, 5, 14)) == "before_due"
    assert reminder_due(q, D(2024, 5, 15)) == "due"
    assert reminder_due(q, D(2024, 9, 1)) == "due"


def test_next_previous_parse_and_order():
    assert Quarter(2025, 4).next() == Quarter(2026, 1) and Quarter(2026, 1).previous() == Quarter(2025, 4)
    assert Quarter.parse("2026Q1") == Quarter.parse("2026-q1") == Quarter.parse(" 2026 Q1 ") == Quarter(2026, 1)
    assert Quarter(2025, 4) < Quarter(2026, 1) and Quarter(2026, 1).key == "2026Q1"
    for bad in ("2026Q5", "2026", "Q1", ""):
        with pytest.raises(ValueError):
            Quarter.parse(bad)
    with pytest.raises(ValueError):
        Quarter(2026, 0)


def test_the_quarters_of_a_term():
    assert list(quarters_between(D(2024, 2, 29), D(2024, 8, 1))) == [Quarter(2024, 1), Quarter(2024, 2),
                                                                      Quarter(2024, 3)]
    # started on leap day, terminated in August, asked in 2026: three quarters
    assert reporting_quarters(D(2024, 2, 29), D(2024, 8, 1), D(2026, 1, 1)) == [
        Quarter(2024, 1), Quarter(2024, 2), Quarter(2024, 3)]
    # still running: up to today's quarter
    assert reporting_quarters(D(2025, 12, 31), None, D(2026, 4, 2)) == [Quarter(2025, 4), Quarter(2026, 1),
                                                                         Quarter(2026, 2)]
    assert reporting_quarters(D(2027, 1, 1), None, D(2026, 4, 2)) == []
    assert reporting_quarters(None, None, D(2026, 4, 2)) == []
