"""The price of each product on an agreement's schedule, version after version: for the renewal
list's price trend (usage)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable

from contracts.models import ScheduleEntry
from core.clock import date_of
from core.money import to_decimal


@dataclass(frozen=True)
class PricePoint:
    version: int
    since: dt.date  # the consortium's day the version was made
    list_price: Decimal
    first_tier_price: Decimal  # the price of the first unit (tier 1)
    best_tier_price: Decimal  # the price at the highest tier


def schedule_price_history(agreement_ids: Iterable[int]) -> dict[tuple[int, int], list[PricePoint]]:
    """{(agreement id, product id): [PricePoint, oldest version first]}, one query."""
    entries = (ScheduleEntry.objects.filter(version__agreement_id__in=list(agreement_ids))
               .select_related("version").order_by("version__agreement_id", "product_id", "version__number"))
    history: dict[tuple[int, int], list[PricePoint]] = {}
    for entry in entries:
        tiers = sorted(entry.tiers or [], key=lambda t: int(t.get("min_quantity", 1)))
        prices = [to_decimal(t["unit_price"]) for t in tiers if "unit_price" in t]
        first = prices[0] if prices else entry.list_price
        best = prices[-1] if prices else entry.list_price
        history.setdefault((entry.version.agreement_id, entry.product_id), []).append(
            PricePoint(entry.version.number, date_of(entry.version.created_at), entry.list_price, first, best))
    return history
