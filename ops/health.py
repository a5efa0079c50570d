"""Liveness and readiness (README "Operating EdPool").

`/healthz` says only that the process answers (no database: a load balancer must not take every
server out because PostgreSQL hiccups). `/readyz` runs the checks below, each a
django-health-check `HealthCheck` (its Database and Cache checks, and ours: migrations applied,
a task worker's heartbeat, free disk), and names only ok/failing per check: no error text,
version, path or host name leaves the server (they go to the log, as django-health-check logs
them).

EdPool runs the checks itself, one after the other in the request's thread, rather than through
django-health-check's view: that view answers with each check's error text and runs synchronous
checks in other threads (other database connections); ours answers 200 or 503 with names only.
"""

from __future__ import annotations

import dataclasses
import inspect
import logging
import shutil
from datetime import timedelta
from pathlib import Path

from asgiref.sync import async_to_sync
from django.conf import settings
from django.db import connections
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from health_check.base import HealthCheck
from health_check.checks import Cache, Database
from health_check.exceptions import HealthCheckException, ServiceUnavailable

from jobs.selectors import worker_last_heartbeat

logger = logging.getLogger("edpool.health")

# Aliases whose migrations were all applied: a process's migration files do not change while it
# runs and applied migrations are not unapplied, so once true it stays true (the check is then free).
_migrated: set[str] = set()


@dataclasses.dataclass
class Migrations(HealthCheck):
    """Every migration this code knows of is applied (a server started before `edpool migrate`
    finished is not ready)."""

    alias: str = "default"

    def run(self) -> None:
        if self.alias in _migrated:
            return
        executor = MigrationExecutor(connections[self.alias])
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            raise ServiceUnavailable("Migrations are not all applied.")
        _migrated.add(self.alias)


@dataclasses.dataclass
class WorkerHeartbeat(HealthCheck):
    """An `edpool worker` reported within `max_age_seconds` (jobs.WorkerHeartbeat)."""

    max_age_seconds: int = 90

    def run(self) -> None:
        last = worker_last_heartbeat()
        if last is None or timezone.now() - last > timedelta(seconds=self.max_age_seconds):
            raise ServiceUnavailable("No task worker reported recently.")


def _existing(path: Path) -> Path:
    """`path`, or its nearest existing parent (the media folder may not exist yet)."""
    path = Path(path).resolve()
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


@dataclasses.dataclass
class DiskSpace(HealthCheck):
    """At least `min_free_mb` free where uploads (MEDIA_ROOT) and the var folder (the SQLite
    database, the audit checkpoints) live."""

    min_free_mb: int = 1024

    def run(self) -> None:
        for path in {_existing(settings.MEDIA_ROOT), _existing(settings.VAR_DIR)}:
            if shutil.disk_usage(path).free < self.min_free_mb * 1024 * 1024:
                raise ServiceUnavailable("Free disk space is below the threshold.")


def readiness_checks() -> dict[str, HealthCheck]:
    """The checks of /readyz by the name it shows, in order."""
    checks: dict[str, HealthCheck] = {
        "database": Database(),
        "cache": Cache(),
        "migrations": Migrations(),
    }
    max_age = int(getattr(settings, "EDPOOL_READY_WORKER_MAX_AGE_SECONDS", 90))
    if max_age > 0:
        checks["worker"] = WorkerHeartbeat(max_age_seconds=max_age)
    checks["disk"] = DiskSpace(min_free_mb=int(getattr(settings, "EDPOOL_READY_MIN_FREE_MB", 1024)))
    return checks


def _passes(name: str, check: HealthCheck) -> bool:
    try:
        if inspect.iscoroutinefunction(check.run):
            async_to_sync(check.run)()
        else:
            check.run()
    except HealthCheckException as exc:
        logger.warning("Readiness check %s failing: %s", name, exc)
        return False
    except Exception:  # never an error page, never its text in the answer: the log has it
        logger.exception("Readiness check %s failed unexpectedly", name)
        return False
    return True


def readiness() -> dict[str, bool]:
    """Each check's name and whether it passes, in order."""
    return {name: _passes(name, check) for name, check in readiness_checks().items()}
