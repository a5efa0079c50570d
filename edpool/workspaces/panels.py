"""The pieces a workspace is built from: panels of items, each item saying what to do next.

Items carry raw values (a Decimal amount, a date or an aware moment, a state's label); the
templates format them (`|money`, local dates), so one formatting layer applies everywhere."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Optional, Union

# Items shown in a panel; the count says how many there are in all, "see all" leads to the rest.
PANEL_LIMIT = 8


@dataclass(frozen=True)
class Item:
    label: str
    url: str
    action: str = ""  # what to do next, e.g. "Approve or send back"
    state: str = ""  # a state's human label
    amount: Optional[Decimal] = None
    amount_label: str = "Amount"
    when: Optional[Union[dt.date, dt.datetime]] = None
    when_label: str = ""  # e.g. "Bids open", "Due"
    who: str = ""  # who asked, or the other party
    who_label: str = "Asked by"
    detail: str = ""
    urgent: bool = False


@dataclass
class Panel:
    key: str  # the panel's id in the page
    title: str
    items: list[Item]
    empty: str  # said when there is nothing
    see_all_url: str = ""
    see_all_label: str = "See all"
    count: Optional[int] = None  # all of them, when more than the items shown
    breakdown: list[tuple[str, int]] = field(default_factory=list)  # e.g. orders by state
    note: str = ""

    def __post_init__(self):
        if self.count is None:
            self.count = len(self.items)
        self.items = list(self.items)[:PANEL_LIMIT]

    @property
    def more(self) -> int:
        return max(self.count - len(self.items), 0)


@dataclass
class Workspace:
    role: str  # the template's name: staff, buyer, approver, evaluator, vendor
    title: str
    intro: str
    panels: list[Panel]

    @property
    def waiting(self) -> int:
        return sum(p.count for p in self.panels)
