"""A job: one piece of long work (an award plan, an export, an import) run by `edpool worker`,
with the status row its page polls. The queue itself is django-tasks-db's table; a job names the
task that runs its current attempt (`task_id`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class JobState(models.TextChoices):
    QUEUED = "queued", "Waiting for a worker"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


ACTIVE_STATES = (JobState.QUEUED, JobState.RUNNING)


class Job(models.Model):
    kind = models.CharField(max_length=64)  # registered by the owning app (jobs.registry)
    # What the job works on, e.g. ("sourcing.solicitation", "12"): one active job per kind and subject.
    subject_type = models.CharField(max_length=100, blank=True)
    subject_id = models.CharField(max_length=64, blank=True)
    params = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=16, choices=JobState.choices, default=JobState.QUEUED)

    # Who asked, in which role: the work runs as them (their permissions are checked again).
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    requested_org = models.ForeignKey("orgs.Organisation", null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+")
    requested_role = models.CharField(max_length=40, blank=True)

    # The queue: the django-tasks-db task of the current attempt, and the worker running it.
    task_id = models.CharField(max_length=64, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    worker = models.CharField(max_length=128, blank=True)  # "host:pid"

    progress_text = models.CharField(max_length=300, blank=True)
    progress = models.JSONField(default=dict, blank=True)  # figures, e.g. {"best": .., "bound": ..}
    result_type = models.CharField(max_length=100, blank=True)  # e.g. "sourcing.awardplanrecord"
    result_id = models.CharField(max_length=64, blank=True)
    result_url = models.CharField(max_length=300, blank=True)
    result_summary = models.CharField(max_length=300, blank=True)
    # A file the job produced (an export), downloaded through its permission-checked page.
    result_file = models.FileField(upload_to="jobs/%Y/%m/", max_length=300, blank=True)
    error = models.TextField(blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Someone asked a running job to stop early and keep what it found (kinds that can: see
    # jobs.registry `stop_label`); the work reads it through JobContext.stop_requested().
    stop_requested_at = models.DateTimeField(null=True, blank=True)
    # The request that queued the job (core.requestid): the worker's log lines and audit events
    # for the job carry it, so one id follows the work from the click to its end.
    request_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # A double click (or two people) cannot start the same work twice.
            models.UniqueConstraint(fields=["kind", "subject_type", "subject_id"],
                                    condition=Q(state__in=["queued", "running"]),
                                    name="jobs_one_active_job_per_subject"),
        ]
        indexes = [models.Index(fields=["state"], name="jobs_job_state_idx")]

    def __str__(self) -> str:
        return f"job {self.pk} ({self.kind})"

    @property
    def active(self) -> bool:
        return self.state in ACTIVE_STATES

    @property
    def elapsed_seconds(self) -> float | None:
        if self.started_at is None:
            return None
        from django.utils import timezone

        end = self.finished_at or timezone.now()
        return max(0.0, (end - self.started_at).total_seconds())


class WorkerHeartbeat(models.Model):
    """An `edpool worker` process saying it is alive: written when it starts and every
    HEARTBEAT_SECONDS (jobs.management.commands.worker), removed when it stops. /readyz fails
    when the newest is too old (EDPOOL_READY_WORKER_MAX_AGE_SECONDS): nobody would run the jobs
    people queue. Not audited (like a job's progress): it changes nothing anyone decided."""

    worker = models.CharField(max_length=128, unique=True)  # "host:pid", as Job.worker
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"worker {self.worker}"
