"""The read replica (core/dbrouter.py): which reads may go to DATABASE_REPLICA_URL. The test
suite's "replica" alias mirrors the default database (TEST MIRROR), so the decisions are recorded
and the queries still reach one database."""

from __future__ import annotations

import pytest
from django.db import connections, transaction

from core import dbrouter
from core.dbrouter import PIN_COOKIE, ReplicaRouter, read_database, replica_reads
from tests.helpers import login


@pytest.fixture
def replica(settings):
    settings.DATABASE_REPLICA_ALIAS = "replica"
    return settings


def test_without_a_replica_every_read_uses_the_default_database(settings):
    settings.DATABASE_REPLICA_ALIAS = ""
    with replica_reads():
        assert read_database("analytics") is None
    settings.DATABASE_REPLICA_ALIAS = "missing-alias"  # configured but not in DATABASES
    with replica_reads():
        assert read_database("analytics") is None


@pytest.mark.django_db
def test_decisions(replica):
    router = ReplicaRouter()
    assert read_database("orders") is None  # outside an analytics request or block
    with replica_reads():
        assert read_database("orders") == "replica" and read_database("analytics") == "replica"
        for app in ("sessions", "accounts", "orgs", "audit", "jobs", "django_cache"):
            assert read_database(app) is None, app  # who someone is, what they may do, counters
        with transaction.atomic():  # a transaction reads what it writes
            assert read_database("orders") is None
        with replica_reads(False):
            assert read_database("orders") is None
    from orders.models import Order

    assert router.db_for_write(Order) == "default"
    assert router.allow_migrate("replica", "orders") is False and router.allow_migrate("default", "orders")


@pytest.fixture
def decisions(monkeypatch):
    """Record where each read would go, and send it to the default database all the same."""
    seen: list[tuple[str, str | None]] = []
    real = dbrouter.read_database

    def spy(app_label):
        seen.append((app_label, real(app_label)))
        return None

    monkeypatch.setattr(dbrouter, "read_database", spy)
    return seen


def test_analytics_pages_read_the_replica_until_the_client_writes(replica, client, cast, decisions):
    login(client, cast.staff)
    decisions.clear()
    assert client.get("/analytics/spend/").status_code == 200
    to_replica = {app for app, where in decisions if where == "replica"}
    assert "orders" in to_replica or "contracts" in to_replica, decisions
    assert all(where is None for app, where in decisions if app in ("accounts", "sessions", "orgs"))
    # Any other page reads the primary.
    decisions.clear()
    client.get("/home/")
    assert decisions and all(where is None for _, where in decisions)
    # A write pins this client to the primary (read your writes) ...
    response = client.post("/inbox/read-all/", follow=False)
    assert response.cookies[PIN_COOKIE]["max-age"] == replica.REPLICA_PIN_SECONDS
    decisions.clear()
    client.get("/analytics/spend/")
    assert decisions and all(where is None for _, where in decisions)
    # ... until the cookie expires; the header pins too.
    client.cookies.pop(PIN_COOKIE)
    decisions.clear()
    client.get("/analytics/spend/", HTTP_X_EDPOOL_READ_PRIMARY="1")
    assert all(where is None for _, where in decisions)


def test_without_a_replica_no_cookie_is_set(settings, client, cast):
    settings.DATABASE_REPLICA_ALIAS = ""
    login(client, cast.staff)
    assert PIN_COOKIE not in client.post("/inbox/read-all/").cookies


@pytest.mark.django_db(databases=["default", "replica"], transaction=True)
def test_the_replica_alias_really_reads(replica, cast):
    """The router's choice is used by the ORM: a read in an analytics block goes through the
    replica alias (the mirror of the test database)."""
    from orders.models import Order

    with replica_reads():
        assert Order.objects.all().db == "replica"
        assert Order.objects.count() == Order.objects.using("default").count()
    assert Order.objects.all().db == "default"
    assert connections["replica"].settings_dict["NAME"] == connections["default"].settings_dict["NAME"]


def test_a_streamed_download_reads_its_rows_from_the_replica(replica, client, cast, decisions):
    """The rows of a streamed CSV are read while the response is sent, after the view returned:
    they still go to the replica, and nothing outside the stream does."""
    login(client, cast.staff)
    decisions.clear()
    response = client.get("/downloads/orders.csv")
    assert response.status_code == 200 and response.streaming
    before = len(decisions)
    b"".join(response.streaming_content)
    streamed = decisions[before:]
    assert streamed and any(where == "replica" for _, where in streamed), streamed
    with replica_reads(False):
        assert read_database("orders") is None  # the stream's context did not leak out
    assert read_database("orders") is None


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_applications_postgresql_connections_compile_no_jit():
    """JIT compilation cost 1.3 s on a true-up's rollup query at the national shape (bench/README.md);
    the application's connections turn it off, whatever the server's setting."""
    from django.db import connection

    from conftest import require_or_skip

    require_or_skip(connection.vendor == "postgresql", "PostgreSQL (set DATABASE_URL=postgres://...)")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
