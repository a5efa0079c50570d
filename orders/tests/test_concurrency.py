"""On PostgreSQL: many members ordering at once across tier boundaries end with exactly the
prices and rebates the same orders placed one after another (in commit order) would give."""

from __future__ import annotations

import random
import threading
from decimal import Decimal

import pytest
from django.db import connection, connections

from conftest import require_or_skip
from contracts.models import LineVolume
from orders.models import Order, OrderLine, RebateEntry, VolumeEvent
from orders.pricing import LineReplay, apply_order
from orders.selectors import rebates_recompute
from orders.services import order_create, order_submit
from tests.fixtures.orders import join
from tests.factories import DistrictFactory, UserFactory
from members.models import Membership

pytestmark = pytest.mark.postgres


@pytest.mark.django_db(transaction=True)
def test_parallel_orders_equal_a_serial_replay(cast, joined):
    require_or_skip(connection.vendor == "postgresql",
                    "PostgreSQL (set DATABASE_URL=postgres://...; this test needs real concurrency)")
    from django.utils import timezone

    buyers = []
    for i in range(6):
        district = DistrictFactory(state="CA")
        district.approval_limit = Decimal("10000000.00")  # orders of hundreds of devices count at once
        district.save(update_fields=["approval_limit"])
        Membership.objects.create(district=district, state="active", applied_at=timezone.now())
        buyer = UserFactory(role="district_buyer", organisation=district.organisation)
        join(cast, district, buyer, cast.agreement, cast.agreement.solicitation)
        buyers.append((district, cast.actor(buyer)))
    rng = random.Random(5)
    # 24 orders of 100-600 devices: the volume crosses 1,000 and 5,000 while they race.
    plans = [(buyers[i % len(buyers)], rng.randint(100, 600)) for i in range(24)]
    drafts = [order_create(district=d, agreement=cast.agreement, lines=[(cast.device, q)], actor=a)
              for (d, a), q in plans]
    connections.close_all()
    barrier = threading.Barrier(len(drafts))
    errors = []

    def submit(order, actor):
        try:
            barrier.wait()
            order_submit(order=order, actor=actor)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(order, actor)) for order, ((_, actor), _) in zip(drafts, plans)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    total = sum(q for _, q in plans)
    assert LineVolume.objects.get(agreement=cast.agreement, line_reference="CB").quantity == total
    events = list(VolumeEvent.objects.filter(agreement=cast.agreement, line_reference="CB").order_by("seq"))
    assert [e.seq for e in events] == list(range(1, len(drafts) + 1))
    # The same orders, one after another in the order they were applied:
    state, expected_prices, expected_credits = LineReplay(), {}, {}
    for event in events:
        lines = list(OrderLine.objects.filter(order_id=event.order_id).select_related("entry"))
        priced, credits = apply_order(state, event.order_id, [(l.pk, l.entry.tiers, l.quantity) for l in lines])
        expected_prices.update({p.line_id: p.unit_price for p in priced})
        for c in credits:
            expected_credits[c.line_id] = expected_credits.get(c.line_id, Decimal(0)) + c.amount
    stored_prices = dict(OrderLine.objects.filter(order__in=drafts).values_list("pk", "unit_price"))
    assert stored_prices == expected_prices
    stored_credits = {}
    for e in RebateEntry.objects.filter(kind="true_up"):
        stored_credits[e.order_line_id] = stored_credits.get(e.order_line_id, Decimal(0)) + e.amount
    assert stored_credits == expected_credits
    assert expected_credits, "the orders should cross a tier boundary"
    assert Order.objects.filter(state="submitted").count() == len(drafts)
    assert rebates_recompute().ok
