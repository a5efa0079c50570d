"""Fiscal years: the twelve months a district budgets and reports by.

California districts (and most in the US) run July to June; the first month is a setting,
`EDPOOL_FISCAL_YEAR_START_MONTH` (1-12, default 7). A fiscal year is named by the calendar year
it ends in, as districts say it: "FY 2027" (or "2026-27") runs 1 July 2026 to 30 June 2027. With a
January start the fiscal year is the calendar year.

Days are the consortium's calendar days (core.clock.date_of); `FiscalYear.of(day)` never looks at
a machine clock. This module is a foundation: it imports nothing from EdPool's apps.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings

from core.clock import date_of


def start_month() -> int:
    month = int(getattr(settings, "EDPOOL_FISCAL_YEAR_START_MONTH", 7))
    if not 1 <= month <= 12:
        raise ValueError(f"EDPOOL_FISCAL_YEAR_START_MONTH must be 1-12, not {month}")
    return month


@dataclass(frozen=True, order=True)
class FiscalYear:
    ends_in: int  # the calendar year the fiscal year ends in
    first_month: int = 7

    @classmethod
    def of(cls, day: dt.date | dt.datetime) -> "FiscalYear":
        """The fiscal year a calendar day (or an aware moment, on the consortium's calendar) is in."""
        day = date_of(day) if isinstance(day, dt.datetime) else day
        first = start_month()
        if first == 1:
            return cls(day.year, 1)
        return cls(day.year + 1 if day.month >= first else day.year, first)

    @classmethod
    def named(cls, ends_in: int) -> "FiscalYear":
        if not 1900 <= int(ends_in) <= 9999:
            raise ValueError(f"not a fiscal year: {ends_in}")
        return cls(int(ends_in), start_month())

    @property
    def start(self) -> dt.date:
        """The first day."""
        year = self.ends_in if self.first_month == 1 else self.ends_in - 1
        return dt.date(year, self.first_month, 1)

    @property
    def end(self) -> dt.date:
        """The last day (inclusive)."""
        return self.next().start - dt.timedelta(days=1)

    def next(self) -> "FiscalYear":
        return FiscalYear(self.ends_in + 1, self.first_month)

    def previous(self) -> "FiscalYear":
        return FiscalYear(self.ends_in - 1, self.first_month)

    def __contains__(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    @property
    def label(self) -> str:
        """'FY 2026-27' (or 'FY 2027' when the fiscal year is the calendar year)."""
        if self.first_month == 1:
            return f"FY {self.ends_in}"
        return f"FY {self.ends_in - 1}-{str(self.ends_in)[-2:]}"

    def __str__(self) -> str:
        return self.label
