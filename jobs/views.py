"""The status page of a job, polled by htmx while the job is queued or running."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.access import signed_in
from jobs import selectors, services
from jobs.presenting import job_view
from jobs.registry import kind_spec


@signed_in
def job_status(request, job_id: int):
    """The whole page, or (an htmx poll) only its status box, with its chart swapped in beside
    it (out of band: the chart is not in the live region, so it is not read out each second)."""
    job = selectors.job_for(job_id=job_id, actor=request.actor)
    if request.headers.get("HX-Request"):
        view = job_view(job)
        shown = request.GET.get("actions")  # what the page's buttons were drawn for (none: no buttons)
        return render(request, "jobs/_status.html", {
            "job": view, "oob": True, "chart_shown": request.GET.get("chart") == "shown",
            "actions_changed": shown is not None and shown != view.actions_key})
    return render(request, "jobs/job.html", {"job": job_view(job)})


@signed_in
@require_POST
def job_cancel(request, job_id: int):
    job = selectors.job_for(job_id=job_id, actor=request.actor)
    try:
        services.job_cancel(job=job, actor=request.actor)
        messages.success(request, "The job is cancelled.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("jobs:status", job_id=job.pk)


@signed_in
@require_POST
def job_stop(request, job_id: int):
    """Stop early and keep the best result found so far (asking twice is asking once)."""
    job = selectors.job_for(job_id=job_id, actor=request.actor)
    try:
        services.job_request_stop(job=job, actor=request.actor)
        messages.success(request, "Stopping: the best result found so far will be kept. This page "
                                  "shows it when the job has stored it.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("jobs:status", job_id=job.pk)


def job_file_response(job, actor) -> FileResponse:
    """The file a job produced (an export), for whoever may see the job (the person who asked
    alone, for a kind that keeps its file private): the page's and the API's download."""
    if not job.result_file or not services.may_fetch_file(job, actor):
        raise Http404("This job produced no file you may download.")
    spec = kind_spec(job.kind)
    name = spec.file_name(job) if spec is not None and spec.file_name is not None else ""
    response = FileResponse(job.result_file.open("rb"), as_attachment=True,
                            filename=name or job.result_file.name.rsplit("/", 1)[-1])
    response["Cache-Control"] = "private, no-store"
    return response


@signed_in
def job_file(request, job_id: int):
    return job_file_response(selectors.job_for(job_id=job_id, actor=request.actor), request.actor)
