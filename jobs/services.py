"""Jobs: queue, start, report, finish, fail, cancel and hand a dead worker's job to another.

Every transaction here is short (SQLite: the worker and the web server share one database file
and one write lock), and each change of state is audited (`job.*`). The work itself runs outside
any transaction (jobs.runner); only its result is stored, together with the job's end, by
`job_complete`.
"""

from __future__ import annotations

import os
import socket
from datetime import timedelta
from typing import Any, Callable, Optional, Union

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from accounts.acting import Actor
from accounts.models import Role
from audit.actions import AuditAction
from audit.services import audit_record, object_type_of
from core.locks import lock
from core.requestid import current_request_id
from jobs.models import ACTIVE_STATES, Job, JobState, WorkerHeartbeat
from jobs.registry import job_kind, kind_spec

WORKER = Actor.system("edpool worker")
PROGRESS_TEXT_MAX = Job._meta.get_field("progress_text").max_length


class JobSuperseded(Exception):
    """This attempt no longer owns the job (cancelled, or given to another worker)."""


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _lock_job(job_id: int) -> Job:
    return lock(Job.objects.all(), key=job_id).get(pk=job_id)


def _audit(job: Job, action: AuditAction, actor: Actor, **after: Any) -> None:
    audit_record(actor=actor, action=action, obj=job,
                 after={"kind": job.kind, "state": job.state, "subject_type": job.subject_type,
                        "subject_id": job.subject_id, "attempts": job.attempts, **after})


def _enqueue_task(job: Job) -> str:
    from jobs.tasks import run_job

    return str(run_job.enqueue(job_id=job.pk).id)


def _audited(params: dict[str, Any], bulky: tuple[str, ...]) -> dict[str, Any]:
    """The params as the audit trail keeps them: a bulky one (an uploaded file's text) by its size."""
    return {key: (f"({len(str(value)):,} characters)" if key in bulky else value)
            for key, value in params.items()}


def job_enqueue(*, kind: str, params: Optional[dict[str, Any]] = None, actor: Actor,
                subject: Optional[models.Model] = None, bulky: tuple[str, ...] = (),
                subject_ref: Optional[tuple[str, str]] = None) -> Job:
    """Queue the work `kind` (registered in jobs.registry) for `actor`, or return the job already
    queued or running for the same kind and subject: a double click starts nothing twice.
    `subject_ref` (type, id) names a subject that is not one row, e.g. ("accounts.user",
    "12:orders:all") for one person's export of one file (at most 100 and 64 characters).

    The job and its task are stored in one transaction (the queue is a table of the same
    database), so a job is never left without a task to run it, nor a task without its job.
    Params named in `bulky` (an uploaded file's text) are audited by their size only."""
    job_kind(kind)  # refuses an unregistered kind before anything is stored
    if subject_ref is not None:
        subject_type, subject_id = subject_ref
        if len(subject_type) > 100 or len(subject_id) > 64:
            raise ValueError(f"subject_ref {subject_ref!r} is too long for a job's subject.")
    else:
        subject_type = object_type_of(subject) if subject is not None else ""
        subject_id = str(subject.pk) if subject is not None else ""
    try:
        with transaction.atomic():
            existing = Job.objects.filter(kind=kind, subject_type=subject_type, subject_id=subject_id,
                                          state__in=ACTIVE_STATES).first()
            if existing is not None:
                return existing
            job = Job.objects.create(
                kind=kind, subject_type=subject_type, subject_id=subject_id, params=params or {},
                requested_by=actor.user, requested_org=actor.organisation,
                requested_role=actor.role if not actor.is_system else "",
                progress_text="Waiting for a worker.", request_id=current_request_id() or "")
            job.task_id = _enqueue_task(job)
            job.save(update_fields=["task_id"])
            _audit(job, AuditAction.JOB_QUEUED, actor, params=_audited(job.params, bulky))
            return job
    except IntegrityError:  # the same job queued at the same moment by another request
        existing = Job.objects.filter(kind=kind, subject_type=subject_type, subject_id=subject_id,
                                      state__in=ACTIVE_STATES).first()
        if existing is None:
            raise
        return existing


def job_actor(job: Job) -> Actor:
    """Who the work runs as: the person who asked, in the role they asked in."""
    if job.requested_by is None:
        return Actor.system(f"job {job.pk} ({job.kind})")
    return Actor(user=job.requested_by, organisation=job.requested_org, role=job.requested_role)


@transaction.atomic
def job_start(*, job_id: int, task_id: str, worker: str) -> Optional[Job]:
    """The worker takes the job for the task it was given; None if that task no longer owns a
    queued job (it was cancelled, or finished by an earlier attempt): then nothing runs."""
    job = Job.objects.filter(pk=job_id).first()
    if job is None or job.state != JobState.QUEUED or job.task_id != task_id:
        return None
    job = _lock_job(job_id)
    if job.state != JobState.QUEUED or job.task_id != task_id:
        return None
    now = timezone.now()
    job.state, job.worker, job.attempts = JobState.RUNNING, worker, job.attempts + 1
    job.started_at = job.started_at or now
    job.heartbeat_at = now
    job.progress_text = "Started." if job.attempts == 1 else f"Started again (attempt {job.attempts})."
    job.save(update_fields=["state", "worker", "attempts", "started_at", "heartbeat_at", "progress_text"])
    _audit(job, AuditAction.JOB_STARTED, WORKER, worker=worker)
    return job


def job_progress(*, job_id: int, task_id: str, text: str = "",
                 figures: Optional[dict[str, Any]] = None) -> None:
    """Report how far the work got (the status page shows it); raises JobSuperseded if the job
    was cancelled or given to another worker meanwhile, so the work stops. Not audited: the
    start and the end are."""
    fields: dict[str, Any] = {"heartbeat_at": timezone.now()}
    if text:
        fields["progress_text"] = text[:PROGRESS_TEXT_MAX]
    if figures is not None:
        fields["progress"] = figures
    with transaction.atomic():
        updated = Job.objects.filter(pk=job_id, task_id=task_id, state=JobState.RUNNING).update(**fields)
    if not updated:
        raise JobSuperseded(f"Job {job_id} is no longer this worker's.")


def job_heartbeat(*, job_id: int, task_id: str) -> None:
    """The worker is alive and still on this job (from its heartbeat thread)."""
    with transaction.atomic():
        Job.objects.filter(pk=job_id, task_id=task_id, state=JobState.RUNNING).update(
            heartbeat_at=timezone.now())


def job_complete(*, job_id: int, task_id: str, apply: Optional[Callable[[], Any]] = None,
                 result: Optional[models.Model] = None,
                 result_url: Union[str, Callable[[Any], str]] = "",
                 summary: Union[str, Callable[[Any], str]] = "",
                 file: Optional[tuple[str, File]] = None) -> Any:
    """Store the work's result and end the job in one transaction: `apply()` writes the result
    (it takes its own locks, after the job's) and the job becomes done with it, or
    neither happens (JobSuperseded if this attempt no longer owns the job). So the effect of a
    job happens once, whatever worker restarts came between. Returns what `apply` returned.
    The job's row is locked first (core.locks: `jobs.job` comes before everything)."""
    with transaction.atomic():
        job = _lock_job(job_id)  # first in the lock order: apply() locks what it changes after it
        if job.state != JobState.RUNNING or job.task_id != task_id:
            raise JobSuperseded(f"Job {job_id} is no longer this worker's.")
        value = apply() if apply is not None else None
        stored = result if result is not None else (value if isinstance(value, models.Model) else None)
        job.state, job.finished_at = JobState.DONE, timezone.now()
        job.heartbeat_at = job.finished_at
        if stored is not None:
            job.result_type, job.result_id = object_type_of(stored), str(stored.pk)
        job.result_url = result_url(value) if callable(result_url) else result_url  # e.g. the new record's page
        job.result_summary = (summary(value) if callable(summary) else summary)[:300]  # e.g. counts apply() made
        job.progress_text = "Done."
        if file is not None:  # (file name, content): e.g. an export, downloaded from the job's page
            job.result_file.save(file[0], file[1], save=False)
        job.save(update_fields=["state", "finished_at", "heartbeat_at", "result_type", "result_id",
                                "result_url", "result_summary", "progress_text", "result_file"])
        _audit(job, AuditAction.JOB_DONE, WORKER, result_type=job.result_type,
               result_id=job.result_id, summary=job.result_summary, file=job.result_file.name or None)
    return value


@transaction.atomic
def job_fail(*, job_id: int, task_id: str, error: str) -> None:
    """The work failed: the job ends with the reason (for people; the traceback is logged)."""
    job = _lock_job(job_id)
    if job.state != JobState.RUNNING or job.task_id != task_id:
        return
    job.state, job.finished_at, job.error = JobState.FAILED, timezone.now(), error[:5000]
    job.progress_text = "Failed."
    job.save(update_fields=["state", "finished_at", "error", "progress_text"])
    _audit(job, AuditAction.JOB_FAILED, WORKER, error=job.error)


def may_fetch_file(job: Job, actor: Optional[Actor]) -> bool:
    """Whoever may see the job, unless its kind keeps its file for the person who asked alone
    (`file_private`: e.g. a member's export, not shown even to staff)."""
    if not may_see(job, actor):
        return False
    spec = kind_spec(job.kind)
    if spec is None or not spec.file_private:
        return True
    return (actor is not None and not actor.is_system and job.requested_by_id is not None
            and job.requested_by_id == actor.user.pk)


def job_files_expire(*, kind: str, older_than: timedelta, note: str = "") -> int:
    """Remove the files jobs of `kind` produced that finished more than `older_than` ago (from
    storage, then from the job, which keeps its summary and says the file was removed, with
    `note`). One job at a time, each in its own short transaction, audited; safe to run twice or
    side by side (a job whose file is already gone is skipped). The job lets go of the file first
    and the storage's copy goes once that is committed, so no job ever names a missing file (a
    crash in between leaves an unnamed file behind, never a broken link). Returns how many."""
    limit = timezone.now() - older_than
    removed = 0
    candidates = (Job.objects.filter(kind=kind, state=JobState.DONE, finished_at__lt=limit)
                  .exclude(result_file="").values_list("pk", flat=True))
    for job_id in list(candidates):
        with transaction.atomic():
            job = _lock_job(job_id)
            if not job.result_file:
                continue
            name, storage = job.result_file.name, job.result_file.storage
            job.result_file = ""
            job.result_summary = (f"{job.result_summary} {note}".strip() if note else job.result_summary)[:300]
            job.save(update_fields=["result_file", "result_summary"])
            _audit(job, AuditAction.JOB_FILE_REMOVED, WORKER, file=name)
        storage.delete(name)
        removed += 1
    return removed


def may_see(job: Job, actor: Optional[Actor]) -> bool:
    """The person who asked, and consortium staff."""
    if actor is None or actor.is_system:
        return actor is not None
    return actor.role == Role.CONSORTIUM_STAFF or (
        job.requested_by_id is not None and job.requested_by_id == actor.user.pk)


@transaction.atomic
def job_cancel(*, job: Job, actor: Actor) -> Job:
    """Stop a queued or running job (a running one stops at its next progress report and stores
    nothing)."""
    if not may_see(job, actor):
        raise PermissionDenied("Only the person who started this job, or consortium staff, may cancel it.")
    job = _lock_job(job.pk)
    if not job.active:
        raise ValidationError(f"This job has already ended ({JobState(job.state).label.lower()}).")
    job.state, job.finished_at, job.progress_text = JobState.CANCELLED, timezone.now(), "Cancelled."
    job.save(update_fields=["state", "finished_at", "progress_text"])
    _audit(job, AuditAction.JOB_CANCELLED, actor)
    return job


def job_request_stop(*, job: Job, actor: Actor) -> Job:
    """Ask a running job to stop early and keep the best it found so far (kinds that can: their
    `stop_label`; e.g. the award engine keeps its best award with its proven gap). The work reads
    the request at most once a second and ends normally with what it has. Asking again changes
    nothing (a double click is one request, audited once); a job that is not running, or a kind
    that cannot keep a partial result, is refused with the reason (cancel it instead)."""
    if not may_see(job, actor):
        raise PermissionDenied("Only the person who started this job, or consortium staff, may stop it.")
    spec = kind_spec(job.kind)
    if spec is None or not spec.stop_label:
        raise ValidationError("This job cannot stop early and keep a partial result; cancel it instead.")
    with transaction.atomic():
        job = _lock_job(job.pk)
        if job.stop_requested_at is not None:
            return job  # already asked (a double click, a retried request): nothing changes
        if job.state == JobState.QUEUED:
            raise ValidationError("This job has not started yet, so it has found nothing to keep; "
                                  "cancel it instead.")
        if job.state != JobState.RUNNING:
            raise ValidationError(f"This job has already ended ({JobState(job.state).label.lower()}).")
        job.stop_requested_at = timezone.now()
        job.progress_text = "Stopping: keeping the best result found so far."
        job.save(update_fields=["stop_requested_at", "progress_text"])
        _audit(job, AuditAction.JOB_STOP_REQUESTED, actor)
    return job


def job_should_stop(*, job_id: int, task_id: str) -> bool:
    """Should this attempt stop now: someone asked it to stop early, or it no longer owns the job
    (cancelled, or given to another worker; its next report or its end then stores nothing)."""
    row = Job.objects.filter(pk=job_id).values("state", "task_id", "stop_requested_at").first()
    if row is None or row["state"] != JobState.RUNNING or row["task_id"] != task_id:
        return True
    return row["stop_requested_at"] is not None


def _process_gone(worker: str) -> bool:
    """True if `worker` ("host:pid") ran on this machine and its process is gone."""
    host, _, pid = worker.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    try:  # a killed child not yet reaped by its parent is a zombie: gone all the same
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] == "Z"
    except (OSError, IndexError):
        return False


def stale_jobs() -> list[Job]:
    """Running jobs whose worker died: its process is gone (same machine), or it has not
    reported for `JOBS_STALE_AFTER_SECONDS`."""
    limit = timezone.now() - timedelta(seconds=settings.JOBS_STALE_AFTER_SECONDS)
    return [job for job in Job.objects.filter(state=JobState.RUNNING)
            if _process_gone(job.worker) or (job.heartbeat_at is None or job.heartbeat_at < limit)]


def job_requeue_stale() -> list[Job]:
    """Give every job whose worker died back to the queue: its task is made ready again, so the
    next worker picks it up and runs it from the start (nothing of the dead attempt was stored:
    `job_complete` stores the result and ends the job in one transaction)."""
    from django_tasks_db.models import DBTaskResult

    requeued = []
    for candidate in stale_jobs():
        with transaction.atomic():
            job = _lock_job(candidate.pk)
            if job.state != JobState.RUNNING or job.worker != candidate.worker:
                continue
            dead = job.worker
            job.state, job.worker = JobState.QUEUED, ""
            job.progress_text = "The worker stopped; waiting for another."
            task_ready = DBTaskResult.objects.filter(pk=job.task_id).update(
                status="READY", started_at=None, finished_at=None)
            if not task_ready:  # the task row is gone (pruned): queue a new one
                job.task_id = _enqueue_task(job)
            job.save(update_fields=["state", "worker", "progress_text", "task_id"])
            _audit(job, AuditAction.JOB_REQUEUED, WORKER, dead_worker=dead)
        requeued.append(job)
    return requeued


HEARTBEATS_KEPT = timedelta(days=1)  # a worker that died without a word is forgotten after a day


def worker_heartbeat(*, worker: str) -> None:
    """Worker `worker` ("host:pid") is alive now. One short transaction; not audited."""
    now = timezone.now()
    with transaction.atomic():
        if not WorkerHeartbeat.objects.filter(worker=worker).update(beat_at=now):
            WorkerHeartbeat.objects.create(worker=worker, started_at=now, beat_at=now)
        WorkerHeartbeat.objects.filter(beat_at__lt=now - HEARTBEATS_KEPT).delete()


def worker_stopped(*, worker: str) -> None:
    """Worker `worker` stops: it no longer counts as one that runs jobs."""
    WorkerHeartbeat.objects.filter(worker=worker).delete()
