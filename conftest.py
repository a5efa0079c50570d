"""Shared test set-up: fast password hashing, the fixed cast of users, a test client that checks
API responses against the OpenAPI document, and skip/fail rules for tests that need PostgreSQL or
Chromium (skip on a laptop without them; fail under CI=true)."""

from __future__ import annotations

import os

import pytest

from tests.cast import Cast, build_cast

# Scenes more than one app's tests build on (fixtures); functions are in tests/helpers.py.
pytest_plugins = ["tests.fixtures.sourcing", "tests.fixtures.contracts", "tests.fixtures.orders"]

DB_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback",
               "live_server"}


@pytest.fixture(autouse=True)
def _fast_tests(settings, tmp_path, request):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.AUDIT_CHECKPOINT_FILE = tmp_path / "audit-checkpoints.txt"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    from django.core.cache import cache
    from django.core.cache.backends.db import BaseDatabaseCache

    # Every test starts with an empty cache (rate-limit counters). The default cache is a database
    # table unless REDIS_URL is set: clear it once the test's database access is set up, and leave
    # it alone in tests that use no database.
    if request.node.get_closest_marker("django_db") or DB_FIXTURES & set(request.fixturenames):
        request.getfixturevalue("db")
        cache.clear()
    elif not isinstance(_default_cache(), BaseDatabaseCache):
        cache.clear()


def _default_cache():
    from django.core.cache import caches

    return caches["default"]


@pytest.fixture
def client():
    """Django's test Client, which also fails the test on an /api/v1/ response the OpenAPI document
    does not describe (an undocumented status, or a body not matching the declared schema)."""
    from tests.api_conformance import ConformingClient

    return ConformingClient()


@pytest.fixture
def cast(db) -> Cast:
    """Consortium staff, two districts (A member, B member) each with a buyer and an approver, an
    evaluator in A, two vendors with a user each, and a person with two roles."""
    return build_cast()


def require_or_skip(available: bool, what: str) -> None:
    """Skip with a visible reason when `what` is missing, except under CI=true: then fail."""
    if available:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{what} is required under CI=true but is not available.")
    pytest.skip(f"{what} is not available on this machine.")


class Clock:
    """A controllable `django.utils.timezone.now` for tests of time-derived state."""

    def __init__(self, monkeypatch):
        import datetime as dt

        from django.utils import timezone

        self._now = timezone.now()
        self._queue: list = []
        self._dt = dt
        monkeypatch.setattr(timezone, "now", self.now)

    def now(self):
        if self._queue:
            self._now = self._queue.pop(0)
        return self._now

    def today(self):
        """The consortium's calendar day at the clock's moment (not the date of the UTC moment:
        that is the wrong day for seven or eight hours of every night)."""
        from django.utils import timezone

        return timezone.localdate(self._now)

    def set(self, moment) -> None:
        self._now = moment

    def advance(self, **delta) -> None:
        self._now = self._now + self._dt.timedelta(**delta)

    def then(self, *moments) -> None:
        """The next calls to now() return these moments, in order (then the last one stays)."""
        self._queue.extend(moments)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    return Clock(monkeypatch)


def uses_database(item) -> bool:
    """Whether a collected test can touch the test database (pytest-django refuses a query from any
    other test): a django_db or postgres marker, or a database fixture anywhere in its fixtures."""
    if item.get_closest_marker("django_db") or item.get_closest_marker("postgres"):
        return True
    return bool(DB_FIXTURES & set(getattr(item, "fixturenames", ())))


def pytest_collection_modifyitems(config, items):
    """EDPOOL_TESTS=database (CI's PostgreSQL pass, after the whole suite has passed on SQLite)
    keeps only the tests that use the database: the others cannot see which database is configured
    (engine, parsing, templates, tests on their own SQLite file), so a second run would repeat the
    SQLite pass's work exactly. Deselected, and counted in pytest's summary line."""
    if os.environ.get("EDPOOL_TESTS", "") != "database":
        return
    keep = [item for item in items if uses_database(item)]
    if len(keep) < len(items):
        config.hook.pytest_deselected(items=[item for item in items if not uses_database(item)])
        items[:] = keep
