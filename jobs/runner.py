"""Run one job in the worker: take it, call the function its kind registered, store the end.

The function receives a `JobContext`:

    def award_plan_job(ctx):
        solicitation = Solicitation.objects.get(pk=ctx.params["solicitation_id"])
        plan = compute(..., on_progress=lambda fig: ctx.progress("Searching", **fig))  # no transaction
        ctx.complete(apply=lambda: store(plan), result_url=..., summary=...)     # one transaction

`progress()` keeps its transactions short and at most one a second; `complete()` stores the
result and ends the job together. A job that returns without calling `complete()` ends done with
no result. A ValidationError or PermissionDenied fails the job with its message; any other error
fails it with a short reason and its traceback in the log.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any, Callable, Optional, Union

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import models

from accounts.acting import Actor
from core.requestid import request_id_bound
from jobs import services
from jobs.models import Job
from jobs.registry import job_kind
from jobs.series import Point, add_point

logger = logging.getLogger("edpool.jobs")

PROGRESS_EVERY_SECONDS = 1.0
STOP_CHECK_EVERY_SECONDS = 1.0  # a stop request is read from the database at most this often

# The job this process is running (the worker's heartbeat thread reports it).
_current: dict[str, Any] = {}
_current_lock = threading.Lock()


def current_job() -> Optional[tuple[int, str]]:
    with _current_lock:
        return _current.get("job")


class JobContext:
    def __init__(self, job: Job, task_id: str) -> None:
        self.job_id = job.pk
        self.task_id = task_id
        self.kind = job.kind
        self.params: dict[str, Any] = dict(job.params)
        self.actor: Actor = services.job_actor(job)
        self.attempt = job.attempts
        self.completed = False
        self._last_report = 0.0
        self.series: list[Point] = []  # kept bounded (jobs.series); stored with each report
        self._stop = False
        self._stop_read = -STOP_CHECK_EVERY_SECONDS

    def progress(self, text: str = "", *, force: bool = False, **figures: Any) -> None:
        """Report progress (text and figures for the status page), at most once a second unless
        `force`; the series of points so far goes with the figures (`series`). Raises
        JobSuperseded when the job was cancelled meanwhile: let it propagate."""
        now = time.monotonic()
        if not force and now - self._last_report < PROGRESS_EVERY_SECONDS:
            return
        self._last_report = now
        if self.series:
            figures = {**figures, "series": list(self.series)}
        services.job_progress(job_id=self.job_id, task_id=self.task_id, text=text,
                              figures=figures or None)

    def point(self, *, seconds: float, **values: Any) -> None:
        """Keep one point of the job's series (e.g. seconds, best cost, bound), drawn as a chart
        on the status page; stored with the next progress report."""
        add_point(self.series, seconds=seconds, **values)

    def stop_requested(self) -> bool:
        """Has someone asked this job to stop early and keep what it found (or is the job no
        longer this attempt's)? Read from the database at most once a second, so it may be asked
        as often as the work likes; once True it stays True."""
        if self._stop:
            return True
        now = time.monotonic()
        if now - self._stop_read >= STOP_CHECK_EVERY_SECONDS:
            self._stop_read = now
            self._stop = services.job_should_stop(job_id=self.job_id, task_id=self.task_id)
        return self._stop

    def complete(self, apply: Optional[Callable[[], Any]] = None, *,
                 result: Optional[models.Model] = None,
                 result_url: Union[str, Callable[[Any], str]] = "",
                 summary: Union[str, Callable[[Any], str]] = "",
                 file: Optional[tuple[str, File]] = None) -> Any:
        value = services.job_complete(job_id=self.job_id, task_id=self.task_id, apply=apply,
                                      result=result, result_url=result_url, summary=summary, file=file)
        self.completed = True
        return value


def _message(exc: BaseException) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc) or type(exc).__name__


def run(*, job_id: int, task_id: str) -> str:
    """Run the job if task `task_id` still owns it; returns what happened (the task's result).
    Its log lines and audit events carry the id of the request that queued it."""
    request_id = Job.objects.filter(pk=job_id).values_list("request_id", flat=True).first()
    with request_id_bound(request_id, job_id=job_id):
        return _run(job_id=job_id, task_id=task_id)


def _run(*, job_id: int, task_id: str) -> str:
    job = services.job_start(job_id=job_id, task_id=task_id, worker=services.worker_name())
    if job is None:
        return "skipped"
    with _current_lock:
        _current["job"] = (job.pk, task_id)
    ctx = JobContext(job, task_id)
    try:
        job_kind(job.kind).run(ctx)
        if not ctx.completed:
            ctx.complete()
        return "done"
    except services.JobSuperseded:
        return "superseded"
    except (ValidationError, PermissionDenied) as exc:
        services.job_fail(job_id=job.pk, task_id=task_id, error=_message(exc))
        return "failed"
    except Exception as exc:
        logger.exception("Job %s (%s) failed", job.pk, job.kind)
        services.job_fail(job_id=job.pk, task_id=task_id,
                          error=f"An unexpected error stopped the job ({type(exc).__name__}: "
                                f"{_message(exc)}). It is logged on the server.")
        return "failed"
    finally:
        with _current_lock:
            _current.pop("job", None)
