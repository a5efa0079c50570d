"""Reading analytics and exports from a PostgreSQL replica (`DATABASE_REPLICA_URL`).

What may read the replica: GET and HEAD requests whose path matches `REPLICA_READ_PATHS` (the
savings, spend, prices and usage pages and their API, the CSV/XLSX exports of analytics), and
code run inside `replica_reads()` (a command or a task that only reports). Everything else reads
the primary, and so do, always:
- every write (`db_for_write` is the primary), and every read inside a transaction on the primary
  (a service reading what it is about to change, row locks);
- the tables that decide who someone is and what they may do, or count attempts: sessions, users,
  roles, API tokens, organisations, the cache table (rate limits), the audit chain, jobs
  (`PRIMARY_APPS`);
- *read your writes*: after a browser or API client sends a POST, PUT, PATCH or DELETE, the
  response sets the cookie `edpool_primary` for `REPLICA_PIN_SECONDS` (default 10; a replica's
  lag is normally well under a second): every request carrying it reads the primary, so whoever
  just changed something sees it at once. A cookie rather than a session flag, so that pinning
  costs no database write and works for API clients that keep cookies; a client may also send
  `X-EdPool-Read-Primary: 1`. Setting the cookie by hand only makes one's own reads come from the
  primary.
Whole requests are pinned (not single queries): one page never mixes the replica's and the
primary's view. A streamed export's rows, read while the response is sent, read where its request
was allowed to.

Without `DATABASE_REPLICA_URL` nothing changes: `DATABASE_REPLICA_ALIAS` is "" and every read uses
the default database. This module is a foundation: it imports nothing from EdPool's apps.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Callable, Iterable, Iterator, Optional

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

PIN_COOKIE = "edpool_primary"
PIN_HEADER = "HTTP_X_EDPOOL_READ_PRIMARY"
PRIMARY_APPS = frozenset({"sessions", "auth", "accounts", "orgs", "contenttypes", "admin", "audit",
                          "jobs", "django_tasks_database", "django_tasks_db", "django_cache", "core"})
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

_replica_allowed: ContextVar[bool] = ContextVar("edpool_replica_allowed", default=False)


def replica_alias() -> str:
    """The replica's database alias, or "" when none is configured."""
    alias = getattr(settings, "DATABASE_REPLICA_ALIAS", "") or ""
    return alias if alias in settings.DATABASES else ""


@contextmanager
def replica_reads(allowed: bool = True) -> Iterator[None]:
    """Within this block, reads outside a transaction may come from the replica."""
    token = _replica_allowed.set(allowed)
    try:
        yield
    finally:
        _replica_allowed.reset(token)


def read_database(app_label: str) -> Optional[str]:
    """Where a read of a model of `app_label` goes now (None: the default database)."""
    alias = replica_alias()
    if not alias or not _replica_allowed.get() or app_label in PRIMARY_APPS:
        return None
    # A transaction reads what it writes (the test suite's own wrapping blocks do not count).
    if any(not getattr(b, "_from_testcase", False) for b in connections[DEFAULT_DB_ALIAS].atomic_blocks):
        return None
    return alias


class ReplicaRouter:
    """DATABASE_ROUTERS entry: reads may go to the replica (see `read_database`), writes and
    migrations never."""

    def db_for_read(self, model, **hints: Any) -> Optional[str]:
        return read_database(model._meta.app_label)

    def db_for_write(self, model, **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints: Any) -> bool:
        return True  # the replica is a copy of the primary: the same rows

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS


def _paths() -> list[re.Pattern]:
    return [re.compile(p) for p in getattr(settings, "REPLICA_READ_PATHS", ())]


def request_may_read_replica(request) -> bool:
    """A GET/HEAD of an analytics or export path, from a client that has not just written."""
    if not replica_alias() or request.method not in ("GET", "HEAD"):
        return False
    if request.COOKIES.get(PIN_COOKIE) or request.META.get(PIN_HEADER):
        return False
    return any(p.search(request.path_info) for p in _paths())


def _reading_replica(chunks: Iterable) -> Iterator:
    """`chunks`, each produced inside `replica_reads()` (a context variable set around a whole
    generator would leak into whatever the server runs between its steps)."""
    iterator = iter(chunks)
    while True:
        with replica_reads():
            try:
                chunk = next(iterator)
            except StopIteration:
                return
        yield chunk


class ReplicaReadsMiddleware:
    """Pins each request to the primary or lets its reads use the replica (see the module)."""

    def __init__(self, get_response: Callable):
        self.get_response = get_response

    def __call__(self, request):
        allowed = request_may_read_replica(request)
        with replica_reads(allowed):
            response = self.get_response(request)
        if allowed and getattr(response, "streaming", False):
            # A streamed export (CSV, XLSX) reads its rows after the view has returned, as the
            # server sends them: each step of its iterator reads where the request was allowed to.
            response.streaming_content = _reading_replica(response.streaming_content)
        if replica_alias() and request.method in UNSAFE_METHODS:
            response.set_cookie(PIN_COOKIE, "1", max_age=int(getattr(settings, "REPLICA_PIN_SECONDS", 10)),
                                httponly=True, samesite="Lax",
                                secure=bool(getattr(settings, "SESSION_COOKIE_SECURE", False)))
        return response
