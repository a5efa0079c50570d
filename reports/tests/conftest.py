"""Districts A and B joined vendor A's agreement (CB tiers 300/290/280 at 1/1000/5000 units, LIC
30/28/26). Helpers place orders in the current quarter and move the clock past its end."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from orders.services import order_create, order_submit
from reports.quarters import Quarter


def place(cast, district: str, lines):
    """Submit an order by district "a" or "b": lines of (product, quantity)."""
    buyer = cast.buyer_a if district == "a" else cast.buyer_b
    d = cast.district_a if district == "a" else cast.district_b
    order = order_create(district=d, agreement=cast.agreement, lines=lines, actor=cast.actor(buyer))
    return order_submit(order=order, actor=cast.actor(buyer))


def moment(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@pytest.fixture
def quarter(joined, clock) -> Quarter:
    """The quarter the agreement started in (orders placed now fall in it)."""
    return Quarter.of(timezone.localdate())


def after(clock, quarter: Quarter, days: int = 1) -> None:
    """Move the clock to `days` after the quarter's last day."""
    clock.set(moment(quarter.end + dt.timedelta(days=days)))


def line(district, product, quantity, unit_price, amount=None, order_number=""):
    row = {"district": district, "product": product, "quantity": quantity, "unit_price": unit_price}
    if amount is not None:
        row["amount"] = amount
    if order_number:
        row["order_number"] = order_number
    return row
