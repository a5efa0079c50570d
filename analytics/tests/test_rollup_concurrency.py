"""On PostgreSQL: two transactions rewriting one district's month of the rollup at once (its own
order, and a true-up from another district's order on another agreement) wait for each other: the
second sums what the first committed, instead of failing on the rows' unique key (seen under load
at the national shape: 500 errors on order placement) or summing without it."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction

from analytics.rollup import check, refresh_buckets
from conftest import require_or_skip
from core.clock import today
from orders.models import Order
from orders.services import order_create, order_submit

pytestmark = pytest.mark.postgres


@pytest.mark.django_db(transaction=True)
def test_a_districts_month_is_rewritten_by_one_transaction_at_a_time(cast, joined):
    require_or_skip(connection.vendor == "postgresql",
                    "PostgreSQL (set DATABASE_URL=postgres://...; this test needs real concurrency)")
    draft = order_create(district=cast.district_a, agreement=cast.agreement, lines=[(cast.device, 40)],
                         actor=cast.actor(cast.buyer_a))
    connections.close_all()
    placed, release, errors, done = threading.Event(), threading.Event(), [], []

    def first():  # the district's own order, its transaction held open after the rollup's rewrite
        try:
            with transaction.atomic():
                order_submit(order=draft, actor=cast.actor(cast.buyer_a))
                placed.set()
                release.wait(10)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
            placed.set()
        finally:
            connections.close_all()

    def second(bucket):  # another transaction rewriting the same month (a true-up's refresh)
        try:
            with transaction.atomic():
                refresh_buckets([bucket])
            done.append(True)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    one = threading.Thread(target=first)
    one.start()
    assert placed.wait(10) and not errors, errors
    bucket = (cast.district_a.pk, today().replace(day=1))  # (the order's month: it is priced now)
    two = threading.Thread(target=second, args=(bucket,))
    two.start()
    two.join(1.0)
    assert not done, "the second rewrite did not wait for the first transaction"
    release.set()
    one.join(10)
    two.join(10)
    assert not errors, errors
    assert done and Order.objects.get(pk=draft.pk).priced_at is not None
    report = check()
    assert report.ok, report.problems
