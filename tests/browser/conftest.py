from __future__ import annotations

import os

import pytest
from pytest_django import live_server_helper


@pytest.fixture(scope="session")
def live_server(request, django_db_setup):
    """pytest-django's live server, but stopped before the test database is dropped (it depends on
    django_db_setup), so its connection does not keep the database open on PostgreSQL."""
    addr = (request.config.getvalue("liveserver")
            or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS") or "localhost")
    server = live_server_helper.LiveServer(addr)
    yield server
    server.stop()

