from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from pytest_django import live_server_helper

from conftest import require_or_skip

CHROMIUM = os.environ.get("EDPOOL_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def live_server(request, django_db_setup):
    """pytest-django's live server, but stopped before the test database is dropped (it depends on
    django_db_setup), so its connection does not keep the database open on PostgreSQL."""
    addr = (request.config.getvalue("liveserver")
            or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS") or "localhost")
    server = live_server_helper.LiveServer(addr)
    yield server
    server.stop()


@pytest.fixture
def page(live_server):
    require_or_skip(Path(CHROMIUM).exists() or bool(shutil.which(CHROMIUM)),
                    f"Chromium at {CHROMIUM} (install Debian's chromium package)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover
        require_or_skip(False, "the playwright Python package")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync"])
        context = browser.new_context()
        page = context.new_page()
        page.set_default_timeout(15000)
        yield page
        context.close()
        browser.close()
