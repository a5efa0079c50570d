"""`edpool worker`: run background jobs (django-tasks-db's worker, plus EdPool's housekeeping).

Beside the queue it keeps a heartbeat of its own (jobs.WorkerHeartbeat, read by /readyz) and
one for the job it runs and, at start and every half minute,
gives back to the queue any job whose worker died (its process is gone, or it stopped reporting
for JOBS_STALE_AFTER_SECONDS): see jobs.services.job_requeue_stale.
"""

from __future__ import annotations

import logging
import threading

from django.db import connection

from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from jobs import runner, services

logger = logging.getLogger("edpool.jobs")

HEARTBEAT_SECONDS = 10
RECOVER_EVERY_SECONDS = 30


def _recover() -> None:
    for job in services.job_requeue_stale():
        logger.warning("Job %s (%s): its worker stopped; queued again.", job.pk, job.kind)


def _housekeeping(stop: threading.Event) -> None:
    since_recovery = 0
    while not stop.wait(HEARTBEAT_SECONDS):
        try:
            services.worker_heartbeat(worker=services.worker_name())  # /readyz reads it
            current = runner.current_job()
            if current is not None:
                services.job_heartbeat(job_id=current[0], task_id=current[1])
            since_recovery += HEARTBEAT_SECONDS
            if since_recovery >= RECOVER_EVERY_SECONDS:
                since_recovery = 0
                _recover()
        except Exception:  # keep beating: a locked database now is fine a moment later
            logger.exception("Worker housekeeping failed; trying again.")
        finally:
            connection.close()


class Command(DbWorkerCommand):
    help = ("Run EdPool's background jobs (award plans, exports, imports): "
            "`edpool worker`; `make run` starts one beside the web server.")

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        # Reloading on code changes would stop a job part-way: off unless asked (--reload).
        parser.set_defaults(reload=False)

    def handle(self, *args, **options) -> None:
        services.worker_heartbeat(worker=services.worker_name())
        _recover()
        if not connection.in_atomic_block:  # (inside a test's transaction the connection stays)
            connection.close()
        stop = threading.Event()
        if not options.get("batch"):
            threading.Thread(target=_housekeeping, args=(stop,), daemon=True,
                             name="edpool-worker-housekeeping").start()
        try:
            super().handle(*args, **options)
        finally:
            stop.set()
            try:
                services.worker_stopped(worker=services.worker_name())
            except Exception:  # the database may be what stopped it
                logger.warning("Worker could not remove its heartbeat.")
