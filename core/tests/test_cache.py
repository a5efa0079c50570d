"""core.cache.DatabaseCache: counts shared through the database, atomic, keeping their window."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.core.cache import caches
from django.db import connection
from django.utils.dateparse import parse_datetime

from core.cache import CACHE_TABLE, DatabaseCache

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_clients(settings):
    settings.CACHES = {"default": {"BACKEND": "core.cache.DatabaseCache", "LOCATION": CACHE_TABLE}}
    first, second = caches.create_connection("default"), caches.create_connection("default")
    assert isinstance(first, DatabaseCache) and first is not second
    first.clear()
    return first, second


def expires_in(key: str, cache) -> float:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT expires FROM {CACHE_TABLE} WHERE cache_key = %s",
                       [cache.make_key(key)])
        (expires,) = cursor.fetchone()
    if isinstance(expires, str):  # SQLite
        expires = parse_datetime(expires)
    if expires.tzinfo is None:
        expires = expires.replace(tzinfo=dt.timezone.utc)
    return expires.timestamp() - time.time()


def test_two_clients_count_together(two_clients):
    first, second = two_clients
    assert first.add("n", 1, 900) and not second.add("n", 1, 900)
    assert second.incr("n") == 2 and first.incr("n") == 3 and second.get("n") == 3
    assert first.decr("n") == 2


def test_incr_keeps_the_window(two_clients):
    """Django's own DatabaseCache.incr rewrites the entry with the default timeout (300 s), so a
    15-minute window shrank to 5 minutes after the second failure."""
    first, _ = two_clients
    first.add("failures", 1, 900)
    first.incr("failures")
    assert 880 < expires_in("failures", first) <= 900


def test_add_replaces_an_expired_entry_and_incr_refuses_one(two_clients):
    first, second = two_clients
    first.add("gone", 5, 1)
    with connection.cursor() as cursor:  # let it expire
        cursor.execute(f"UPDATE {CACHE_TABLE} SET expires = %s WHERE cache_key = %s",
                       [connection.ops.adapt_datetimefield_value(dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)),
                        first.make_key("gone")])
    with pytest.raises(ValueError):
        second.incr("gone")
    assert second.add("gone", 1, 900) and first.get("gone") == 1
    with pytest.raises(ValueError):
        first.incr("never-set")
