"""Where EdPool's data lives: the database (DATABASE_URL; SQLite under var/ by default), its read
replica (issue 18; core/dbrouter.py) and the cache every worker process shares (the rate-limit
counters: Redis when REDIS_URL is set, else a table in the database)."""

from __future__ import annotations

import os

import dj_database_url

from edpool.conf.env import VAR_DIR

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'edpool.sqlite3'}",
        # Persistent connections in production; none under the test runner (threads would keep
        # the test database open at teardown).
        conn_max_age=0 if os.environ.get("PYTEST_VERSION") else int(os.environ.get("DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20,
         "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    )


def _no_jit(database: dict) -> dict:
    """No JIT compilation on PostgreSQL: it compiles a query whose estimated cost passes
    jit_above_cost, and EdPool's short queries with long OR lists (a true-up's rollup buckets) were
    estimated high enough at the national shape to spend 1.3 s compiling what then ran in 0.6 s
    (bench/README.md, "load on the national order history"). Off for the application's connections
    (the server's own setting is untouched); EDPOOL_PG_JIT=on gives it back."""
    if database["ENGINE"] == "django.db.backends.postgresql" and os.environ.get("EDPOOL_PG_JIT", "off") != "on":
        options = database.setdefault("OPTIONS", {})
        options["options"] = (options.get("options", "") + " -c jit=off").strip()
    return database


_no_jit(DATABASES["default"])
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Read replica (issue 18; core/dbrouter.py) --------------------------------------------------
#   DATABASE_REPLICA_URL   a PostgreSQL streaming replica of DATABASE_URL. Analytics and exports
#                          (REPLICA_READ_PATHS, GET only) read it; writes, transactions, sign-in
#                          and permission tables, and any client that wrote in the last
#                          REPLICA_PIN_SECONDS (the `edpool_primary` cookie) read the primary.
#                          Unset: everything uses the default database.
# The test suite always has a "replica" alias mirroring the default database (TEST MIRROR, no
# second database), used only where a test sets DATABASE_REPLICA_ALIAS = "replica".
DATABASE_REPLICA_ALIAS = ""
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = _no_jit(dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"], conn_max_age=DATABASES["default"].get("CONN_MAX_AGE", 0)))
    DATABASE_REPLICA_ALIAS = "replica"
elif os.environ.get("PYTEST_VERSION"):
    DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}
DATABASE_ROUTERS = ["core.dbrouter.ReplicaRouter"]
REPLICA_PIN_SECONDS = int(os.environ.get("REPLICA_PIN_SECONDS", "10"))
REPLICA_READ_PATHS = (
    r"^/savings/", r"^/analytics/", r"^/prices/", r"^/usage/",
    r"^/compliance/matrix(\.csv$|/export/)", r"/demand\.(csv|xlsx)$",
    r"^/api/v1/(savings|analytics|spend|prices|usage)(/|$)",
    r"^/downloads/.+", r"^/api/v1/bulk/",  # members' bulk downloads (streamed: core.dbrouter)
)
# --- end of read replica ---------------------------------------------------------------------------


def _redis_location(url: str, worker: str) -> str:
    """Tests run side by side (pytest-xdist workers gw0, gw1, ...) and each empties the cache
    before it starts (FLUSHDB): give each worker its own Redis database (the URL's, then the ones
    below it) so one never wipes another's counters mid-test. Anything else: the URL unchanged."""
    if not worker.startswith("gw") or not worker[2:].isdigit():
        return url
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    base = int(parts.path.strip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{(base - int(worker[2:])) % 16}"))


# The cache holds the sign-in, password-reset and registration counters, so every worker process
# must share it: Redis when REDIS_URL is set, otherwise a table in EdPool's own database
# (created by `edpool migrate`; counts are atomic, see core/cache.py).
if os.environ.get("REDIS_URL"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": _redis_location(os.environ["REDIS_URL"],
                                                      os.environ.get("PYTEST_XDIST_WORKER", ""))}}
else:
    CACHES = {"default": {"BACKEND": "core.cache.DatabaseCache", "LOCATION": "edpool_cache",
                          "OPTIONS": {"MAX_ENTRIES": 100_000}}}
