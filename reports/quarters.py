"""Calendar quarters and the reporting calendar. Pure: no Django.

A vendor reports its sales under an agreement for each calendar quarter (Jan-Mar, Apr-Jun,
Jul-Sep, Oct-Dec) that overlaps the agreement's term, once the quarter has ended. The report is
due 45 days after the quarter's last day (Q1: 15 May, Q2: 14 August, Q3: 14 November, Q4: 14
February of the next year); it is on time on the due date itself and overdue from the day after.
`edpool tick` reminds the vendor 15 days before the due date, and again on the due date if the
report is still missing.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Iterator, Optional

DUE_DAYS = 45
REMINDER_DAYS_BEFORE = 15
_PATTERN = re.compile(r"^\s*(\d{4})\s*-?\s*[Qq]\s*([1-4])\s*$")


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int

    def __post_init__(self) -> None:
        if not 1 <= self.number <= 4:
            raise ValueError(f"A quarter is numbered 1 to 4, not {self.number}.")
        if not 1 <= self.year <= 9998:
            raise ValueError(f"Year {self.year} is out of range.")

    @classmethod
    def of(cls, day: dt.date) -> "Quarter":
        return cls(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def parse(cls, text: str) -> "Quarter":
        """'2026Q1', '2026-Q1' or '2026 q1'."""
        match = _PATTERN.match(text or "")
        if not match:
            raise ValueError(f"{text!r} is not a quarter such as 2026Q1.")
        return cls(int(match.group(1)), int(match.group(2)))

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> dt.date:
        return self.next().start - dt.timedelta(days=1)

    @property
    def due(self) -> dt.date:
        """The day the sales report is due: 45 days after the quarter's last day."""
        return self.end + dt.timedelta(days=DUE_DAYS)

    @property
    def reminder_on(self) -> dt.date:
        return self.due - dt.timedelta(days=REMINDER_DAYS_BEFORE)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def key(self) -> str:
        return f"{self.year}Q{self.number}"

    @property
    def label(self) -> str:
        return f"{self.year} Q{self.number}"

    def __str__(self) -> str:
        return self.label

    def next(self) -> "Quarter":
        return Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)

    def previous(self) -> "Quarter":
        return Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)

    def has_ended(self, today: dt.date) -> bool:
        return self.end < today

    def is_overdue(self, today: dt.date) -> bool:
        return today > self.due


def quarters_between(first: dt.date, last: dt.date) -> Iterator[Quarter]:
    """Every quarter that contains a day from `first` to `last` (inclusive), oldest first."""
    if last < first:
        return
    quarter, final = Quarter.of(first), Quarter.of(last)
    while quarter <= final:
        yield quarter
        quarter = quarter.next()


def reporting_quarters(start: Optional[dt.date], last_day: Optional[dt.date], today: dt.date) -> list[Quarter]:
    """The quarters of an agreement's term (from `start` to `last_day`, its end or termination)
    up to today's quarter, oldest first; none before the term starts."""
    if start is None or start > today:
        return []
    until = min(last_day, today) if last_day else today
    return list(quarters_between(start, until))
