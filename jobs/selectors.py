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
