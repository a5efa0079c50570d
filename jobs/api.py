"""API: the status of a background job (the person who started it, and consortium staff)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal, Optional

from ninja import Field, Router, Schema, Status

from accounts.access import api_signed_in
from accounts.acting import Actor
from accounts.api_auth import API_AUTH
from core.api_types import Id
from jobs import selectors, services
from jobs.models import Job, JobState
from jobs.presenting import job_series, job_view
from jobs.views import job_file_response

router = Router(tags=["jobs"])
# The states as an inline enum (not a shared `JobState` component, named by no schema class).
JobStateText = Literal[tuple(JobState.values)]


class JobFigureOut(Schema):
    label: str
    value: str = Field(description="Formatted for people, e.g. \"$1,234.50\".")


class JobPointOut(Schema):
    seconds: float = Field(description="Seconds into the work (e.g. the award engine's search).")
    values: dict[str, Optional[float]] = Field(
        description="The point's values by name, e.g. {\"best\": 282500.0, \"bound\": 281000.0} "
                    "for an award plan (best cost so far and proven lower bound, in dollars); null: "
                    "not known yet.")


class JobOut(Schema):
    id: int
    kind: str
    label: str
    state: JobStateText = Field(description="queued, running, done, failed or cancelled.")
    state_label: str
    subject_type: str
    subject_id: str
    attempts: int = Field(description="Workers that started it (more than 1: a worker stopped and "
                                      "another took the job over).")
    progress_text: str
    progress: dict[str, Any] = Field(description="The figures reported so far, as numbers.")
    figures: list[JobFigureOut]
    series: list[JobPointOut] = Field(description="The points the work kept as it went (at most about "
                                                  "200, older ones thinned evenly), oldest first; the "
                                                  "status page draws them as a chart.")
    can_stop: bool = Field(description="Running, of a kind that can stop early and keep its best "
                                       "result (POST .../stop), and not yet asked to.")
    stop_requested_at: Optional[datetime] = Field(description="When someone asked it to stop early.")
    elapsed_seconds: Optional[float]
    result_type: str
    result_id: str
    result_url: str
    result_summary: str
    error: str
    requested_by: Optional[str]
    created_at: datetime
    started_at: Optional[datetime]
    finished_at: Optional[datetime]
    status_url: str = Field(description="The status page, for people.")
    file_url: Optional[str] = Field(None, description=(
        "The file the job produced (an export), if any and if the caller may have it: "
        "GET it with the same credentials."))


def job_out(job: Job, actor: Optional[Actor] = None) -> dict[str, Any]:
    """The job as the API shows it; `file_url` only if `actor` (when given) may have the file."""
    view = job_view(job)
    return {
        "id": job.pk, "kind": job.kind, "label": view.label, "state": job.state,
        "state_label": view.state_label, "subject_type": job.subject_type,
        "subject_id": job.subject_id, "attempts": job.attempts, "progress_text": job.progress_text,
        "progress": {key: value for key, value in (job.progress or {}).items() if key != "series"},
        "figures": [{"label": label, "value": value} for label, value in view.figures],
        "series": [{"seconds": p["seconds"], "values": {k: v for k, v in p.items() if k != "seconds"}}
                   for p in job_series(job)],
        "can_stop": view.can_stop, "stop_requested_at": job.stop_requested_at,
        "elapsed_seconds": job.elapsed_seconds, "result_type": job.result_type,
        "result_id": job.result_id, "result_url": job.result_url, "result_summary": job.result_summary,
        "error": job.error, "requested_by": job.requested_by.email if job.requested_by else None,
        "created_at": job.created_at, "started_at": job.started_at, "finished_at": job.finished_at,
        "status_url": f"/jobs/{job.pk}/",
        "file_url": (f"/api/v1/jobs/{job.pk}/file" if job.result_file
                     and (actor is None or services.may_fetch_file(job, actor)) else None),
    }


@router.get("/jobs/{job_id}", response=JobOut, auth=API_AUTH)
@api_signed_in
def job_get(request, job_id: Id):
    """A background job's status: poll it until `state` is done, failed or cancelled; a done
    job names its result (`result_type`, `result_id`, `result_url`)."""
    return job_out(selectors.job_for(job_id=job_id, actor=request.actor), request.actor)


FILE_RESPONSES = {200: {
    "description": "The file, as an attachment (e.g. an Excel workbook or a CSV file).",
    "content": {media: {"schema": {"type": "string", "format": "binary"}} for media in (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "text/csv",
        "application/octet-stream")},
}}


@router.get("/jobs/{job_id}/file", auth=API_AUTH, openapi_extra={"responses": FILE_RESPONSES})
@api_signed_in
def job_file(request, job_id: Id):
    """The file a done job produced (its `file_url`): for the person who asked, and consortium
    staff unless the file is the asker's alone (a member's prepared download); 404 otherwise."""
    return job_file_response(selectors.job_for(job_id=job_id, actor=request.actor), request.actor)


@router.post("/jobs/{job_id}/stop", response={202: JobOut}, auth=API_AUTH)
@api_signed_in
def job_stop(request, job_id: Id):
    """Stop a running job early and keep the best result it found so far (kinds that can: an award
    plan keeps the engine's best award with its proven gap): 202 with the job; poll it until it
    is done. Asking again answers the same (nothing changes); a job that has not started, has
    ended, or cannot keep a partial result is refused (422: cancel it instead)."""
    job = selectors.job_for(job_id=job_id, actor=request.actor)
    return Status(202, job_out(services.job_request_stop(job=job, actor=request.actor)))
