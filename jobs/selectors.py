"""Reading jobs: one job for its page and API, the active job of a subject."""

from __future__ import annotations

from typing import Optional

from django.db import models
from django.http import Http404

from accounts.acting import Actor
from audit.services import object_type_of
from jobs.models import ACTIVE_STATES, Job
from jobs.services import may_see


def job_for(*, job_id: int, actor: Optional[Actor]) -> Job:
    """The job, for the person who asked or consortium staff (404 for anyone else: they need
    not learn it exists)."""
    job = Job.objects.select_related("requested_by").filter(pk=job_id).first()
    if job is None or not may_see(job, actor):
        raise Http404("No such job.")
    return job


def active_job(*, kind: str, subject: models.Model) -> Optional[Job]:
    """The job of this kind queued or running for `subject`, if any (pages disable their button)."""
    return Job.objects.filter(kind=kind, subject_type=object_type_of(subject), subject_id=str(subject.pk),
                              state__in=ACTIVE_STATES).first()


def latest_job(*, kind: str, subject: models.Model) -> Optional[Job]:
    return Job.objects.filter(kind=kind, subject_type=object_type_of(subject),
                              subject_id=str(subject.pk)).order_by("-created_at", "-id").first()



def active_jobs(*, kind: str) -> list[Job]:
    """The jobs of this kind queued or running (a page says its figures are being updated)."""
    return list(Job.objects.filter(kind=kind, state__in=ACTIVE_STATES).order_by("created_at", "id"))


# --- For operators: /readyz and /metrics (ops.health, ops.metrics) ------------------------------

def worker_last_heartbeat():
    """When the `edpool worker` that reported last did so (a datetime), or None if none runs."""
    from jobs.models import WorkerHeartbeat

    return WorkerHeartbeat.objects.order_by("-beat_at").values_list("beat_at", flat=True).first()


def queue_depth() -> dict[str, int]:
    """The task queue now: tasks waiting for a worker and tasks running (django-tasks-db's table),
    by queue name and status ("default:ready", "default:running")."""
    from django.db.models import Count
    from django_tasks_db.models import DBTaskResult

    rows = (DBTaskResult.objects.filter(status__in=["READY", "RUNNING"])
            .values("queue_name", "status").annotate(n=Count("id")))
    depth = {"default:ready": 0, "default:running": 0}
    for row in rows:
        depth[f"{row['queue_name']}:{row['status'].lower()}"] = row["n"]
    return depth


def job_counts(*, kind: str) -> dict[str, int]:
    """How many jobs of `kind` are in each state (every state named, zeros included)."""
    from django.db.models import Count

    from jobs.models import JobState

    counts = {state.value: 0 for state in JobState}
    for row in Job.objects.filter(kind=kind).values("state").annotate(n=Count("id")):
        counts[row["state"]] = row["n"]
    return counts
