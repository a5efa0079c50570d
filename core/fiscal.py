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


# The one rule for a fiscal year named in a request (pages: ?fy=2027, a statement's path; API:
# `fy` / `fiscal_year`), applied by every page and operation that takes one:
# - nothing given (empty, absent, or 0 in the API): the current fiscal year;
# - malformed (not four digits, text, a NUL byte) or outside FIRST_FISCAL_YEAR to the current
#   fiscal year (a year that has not started has nothing bought, saved or used in it): refused,
#   naming the parameter: a page answers 400 with the message and a link to the current year
#   (`core.views.fiscal_year_refused`), the API 422 with the message under the parameter's name;
# - a fiscal year in range with nothing recorded: answered, empty (a page says so).
FIRST_FISCAL_YEAR = 2000
FISCAL_YEAR_RULE = (f"The fiscal year by the calendar year it ends in (2027 is July 2026 to June 2027 with "
                    f"the default July start), from {FIRST_FISCAL_YEAR} to the current one; empty or 0 for "
                    "the current one. A malformed year or one that has not started is refused (API: 422, "
                    "pages: 400); a year with nothing recorded answers empty.")


class FiscalYearRefused(ValueError):
    """A fiscal year named in a request that the rule above refuses; `message` says why."""

    def __init__(self, message: str, *, field: str = "fy"):
        super().__init__(message)
        self.message = message
        self.field = field


def fiscal_year_param(raw, *, today: dt.date, field: str = "fy") -> FiscalYear:
    """The fiscal year a request names (see the rule above); FiscalYearRefused otherwise.
    `raw` is text from a query string or path, an int from the API, or None."""
    current = FiscalYear.of(today)
    if raw is None or raw == "" or raw == 0:
        return current
    if isinstance(raw, bool):
        raise FiscalYearRefused("Choose a fiscal year such as 2027 (the calendar year it ends in).", field=field)
    text = str(raw).strip()
    if not (text.isascii() and text.isdigit() and len(text) == 4):
        raise FiscalYearRefused(f"{text[:12]!r} is not a fiscal year: write the calendar year it ends in, "
                                f"such as {current.ends_in}.".replace("\x00", "\\0"), field=field)
    year = int(text)
    if year < FIRST_FISCAL_YEAR:
        raise FiscalYearRefused(f"FY {year} is too early: EdPool's figures start with FY {FIRST_FISCAL_YEAR}.",
                                field=field)
    fy = FiscalYear.named(year)
    if fy > current:
        raise FiscalYearRefused(f"{fy.label} has not started (the current fiscal year is {current.label}): "
                                "nothing was bought, saved or used in it yet.", field=field)
    return fy


def fiscal_year_api(raw, *, today: dt.date, field: str = "fy") -> FiscalYear:
    """The rule for the API: a refused year is a ValidationError under the parameter's name (422)."""
    from django.core.exceptions import ValidationError

    try:
        return fiscal_year_param(raw, today=today, field=field)
    except FiscalYearRefused as exc:
        raise ValidationError({exc.field: [exc.message]}) from None
