"""On PostgreSQL: many vendors submitting in the last seconds before the deadline. Every accepted
bid is stored intact (its sealed content matches the receipt) and every late one is refused."""

from __future__ import annotations

import datetime as dt
import random
import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.utils import timezone

from conftest import require_or_skip
from sourcing import selectors
from sourcing.models import Bid
from sourcing.services.bids import bid_submit
from sourcing.services.solicitations import solicitation_create, solicitation_publish
from tests.helpers import bid_data, content
from tests.factories import UserFactory, VendorFactory

pytestmark = pytest.mark.postgres


@pytest.mark.django_db(transaction=True)
def test_last_second_rush(cast, category):
    require_or_skip(connection.vendor == "postgresql",
                    "PostgreSQL (set DATABASE_URL=postgres://...; this test needs real concurrency)")
    vendors = 24
    actors = []
    for _ in range(vendors):
        vendor = VendorFactory()
        user = UserFactory(role="vendor_user", organisation=vendor.organisation)
        actors.append(cast.actor(user))
    staff = cast.actor(cast.staff)
    now = timezone.now()
    s = solicitation_create(content=content(category), questions_deadline=now + dt.timedelta(seconds=1),
                            bid_deadline=now + dt.timedelta(seconds=4), actor=staff)
    s = solicitation_publish(solicitation=s, actor=staff)
    deadline = s.bid_deadline
    # Each vendor fires once, spread over the 1.2 s around the deadline.
    start_at = deadline - dt.timedelta(seconds=0.6)
    rng = random.Random(7)
    offsets = [rng.uniform(0, 1.2) for _ in range(vendors)]
    results: dict[int, tuple] = {}

    def fire(i: int) -> None:
        try:
            delay = (start_at - timezone.now()).total_seconds() + offsets[i]
            if delay > 0:
                time.sleep(delay)
            price = f"{250 + i}.00"
            try:
                bid, receipt = bid_submit(solicitation=s, data=bid_data(price1=price), actor=actors[i])
                results[i] = ("accepted", receipt, price)
            except ValidationError as exc:
                assert "deadline" in str(exc), exc
                results[i] = ("refused", None, price)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=fire, args=(i,)) for i in range(vendors)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == vendors
    accepted = {i: r for i, r in results.items() if r[0] == "accepted"}
    refused = {i: r for i, r in results.items() if r[0] == "refused"}
    assert accepted and refused, "the rush should straddle the deadline"
    assert Bid.objects.filter(solicitation=s).count() == len(accepted)
    for i, (_, receipt, price) in accepted.items():
        assert dt.datetime.fromisoformat(receipt.received_at) < deadline
        bid = Bid.objects.get(solicitation=s, vendor__organisation=actors[i].organisation)
        assert bid.digest == receipt.digest
        _, stored = selectors.own_bid(solicitation=s, vendor=bid.vendor)
        assert stored == receipt.canonical_bid and stored["lines"][0]["tiers"][0]["unit_price"] == price
    for i in refused:
        assert not Bid.objects.filter(solicitation=s, vendor__organisation=actors[i].organisation).exists()
