"""Units bought through the consortium, summed by district, agreement and product: a selector
for licence usage (bought vs used) and the renewal list.

An order line counts when its order counts (`orders.states.COUNTING`: priced, not cancelled or
rejected), on the consortium's calendar day it was priced. Computed on read from the order lines
(indexed by agreement and state, and by district and date), so a late order, a cancellation or an
amendment's repricing is reflected at once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterable, Optional

from django.db.models import Sum
from django.utils import timezone

from orders.models import OrderLine
from orders.states import COUNTING


@dataclass(frozen=True)
class Bought:
    district_id: int
    agreement_id: int
    product_id: int
    units: int


def units_bought(*, since: dt.date, until: dt.date, district_ids: Optional[Iterable[int]] = None,
                 agreement_ids: Optional[Iterable[int]] = None,
                 product_kinds: Optional[Iterable[str]] = None,
                 product_ids: Optional[Iterable[int]] = None) -> list[Bought]:
    """Units on order lines that count, priced from `since` to `until` (inclusive local days)."""
    tz = timezone.get_current_timezone()
    lines = OrderLine.objects.filter(
        order__state__in=COUNTING, order__priced_at__isnull=False,
        order__priced_at__gte=dt.datetime.combine(since, dt.time.min, tzinfo=tz),
        order__priced_at__lt=dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min, tzinfo=tz))
    if district_ids is not None:
        lines = lines.filter(order__district_id__in=list(district_ids))
    if agreement_ids is not None:
        lines = lines.filter(order__agreement_id__in=list(agreement_ids))
    if product_ids is not None:
        lines = lines.filter(product_id__in=list(product_ids))
    if product_kinds is not None:
        lines = lines.filter(product__kind__in=list(product_kinds))
    rows = (lines.values("order__district_id", "order__agreement_id", "product_id")
            .annotate(units=Sum("quantity")).order_by())
    return [Bought(r["order__district_id"], r["order__agreement_id"], r["product_id"], int(r["units"] or 0))
            for r in rows]
