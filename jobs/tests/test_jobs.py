"""Jobs: queued once per subject, run by the worker, their effect stored with their end, failures
and cancellations recorded, a dead worker's job given back to the queue; the status page and API."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_tasks_db.models import DBTaskResult

from audit.actions import AuditAction
from audit.models import AuditEvent
from jobs import services
from jobs.models import Job, JobState
from jobs.tests.helpers import run_queued_jobs
from jobs.tests.kinds import CRASH, EFFECT, REFUSED, effect_name
from orgs.models import Organisation
from tests.cast import PASSWORD


work = run_queued_jobs


def actions_of(job: Job) -> list[str]:
    return list(AuditEvent.objects.filter(object_type="jobs.job", object_id=str(job.pk))
                .order_by("seq").values_list("action", flat=True))


def test_a_double_click_queues_one_job(cast):
    actor = cast.actor(cast.staff)
    first = services.job_enqueue(kind=EFFECT, params={}, actor=actor, subject=cast.district_a)
    again = services.job_enqueue(kind=EFFECT, params={}, actor=actor, subject=cast.district_a)
    other = services.job_enqueue(kind=EFFECT, params={}, actor=actor, subject=cast.district_b)
    assert again.pk == first.pk and other.pk != first.pk
    assert DBTaskResult.objects.count() == 2
    assert actions_of(first) == [AuditAction.JOB_QUEUED]
    assert first.state == JobState.QUEUED and first.requested_by == cast.staff


def test_an_unregistered_kind_is_refused(cast):
    with pytest.raises(LookupError):
        services.job_enqueue(kind="no.such", params={}, actor=cast.actor(cast.staff))
    assert not Job.objects.exists()


def test_the_worker_runs_the_job_and_stores_its_effect_once(cast):
    job = services.job_enqueue(kind=EFFECT, params={"seconds": 0.2}, actor=cast.actor(cast.staff),
                               subject=cast.district_a)
    work()
    job.refresh_from_db()
    assert job.state == JobState.DONE and job.attempts == 1
    assert job.result_type == "orgs.organisation" and job.result_summary == "One organisation created."
    assert Organisation.objects.filter(name=effect_name(job.pk)).count() == 1
    assert job.progress == {"step": 2, "steps": 2, "best": 999.0}
    assert actions_of(job) == [AuditAction.JOB_QUEUED, AuditAction.JOB_STARTED, AuditAction.JOB_DONE]
    assert DBTaskResult.objects.get(pk=job.task_id).status == "SUCCESSFUL"
    # Done: the same subject may be queued again.
    assert services.job_enqueue(kind=EFFECT, params={}, actor=cast.actor(cast.staff),
                                subject=cast.district_a).pk != job.pk


def test_refused_input_and_crashes_fail_the_job_with_a_reason(cast):
    refused = services.job_enqueue(kind=REFUSED, params={}, actor=cast.actor(cast.staff))
    crash = services.job_enqueue(kind=CRASH, params={}, actor=cast.actor(cast.staff))
    work()
    refused.refresh_from_db()
    crash.refresh_from_db()
    assert refused.state == crash.state == JobState.FAILED
    assert refused.error == "The input was refused: nothing to do."
    assert "RuntimeError: boom" in crash.error and "logged" in crash.error
    assert actions_of(refused)[-1] == AuditAction.JOB_FAILED


def test_a_cancelled_job_never_runs(cast):
    job = services.job_enqueue(kind=EFFECT, params={}, actor=cast.actor(cast.buyer_a))
    with pytest.raises(PermissionDenied):
        services.job_cancel(job=job, actor=cast.actor(cast.buyer_b))
    services.job_cancel(job=job, actor=cast.actor(cast.buyer_a))
    with pytest.raises(ValidationError):
        services.job_cancel(job=job, actor=cast.actor(cast.staff))
    work()
    job.refresh_from_db()
    assert job.state == JobState.CANCELLED and job.attempts == 0
    assert not Organisation.objects.filter(name=effect_name(job.pk)).exists()
    assert actions_of(job) == [AuditAction.JOB_QUEUED, AuditAction.JOB_CANCELLED]


def test_an_attempt_that_lost_its_job_stores_nothing(cast):
    job = services.job_enqueue(kind=EFFECT, params={}, actor=cast.actor(cast.staff))
    started = services.job_start(job_id=job.pk, task_id=job.task_id, worker="elsewhere:1")
    assert started is not None
    assert services.job_start(job_id=job.pk, task_id=job.task_id, worker="elsewhere:2") is None
    services.job_cancel(job=job, actor=cast.actor(cast.staff))
    with pytest.raises(services.JobSuperseded):
        services.job_progress(job_id=job.pk, task_id=job.task_id, text="still here")
    with pytest.raises(services.JobSuperseded):
        services.job_complete(job_id=job.pk, task_id=job.task_id, apply=lambda: Organisation.objects.create(
            kind="vendor", name="too late", slug="too-late"))
    assert not Organisation.objects.filter(slug="too-late").exists()  # rolled back with the refusal


def test_a_job_whose_worker_died_is_queued_again(cast, settings):
    job = services.job_enqueue(kind=EFFECT, params={}, actor=cast.actor(cast.staff))
    DBTaskResult.objects.filter(pk=job.task_id).update(status="RUNNING")
    services.job_start(job_id=job.pk, task_id=job.task_id, worker=f"{services.worker_name()}0")
    alive = services.job_enqueue(kind=EFFECT, params={}, actor=cast.actor(cast.staff), subject=cast.district_a)
    services.job_start(job_id=alive.pk, task_id=alive.task_id, worker=services.worker_name())
    # Another machine's worker is judged by its heartbeat only.
    remote = services.job_enqueue(kind=EFFECT, params={}, actor=cast.actor(cast.staff), subject=cast.district_b)
    services.job_start(job_id=remote.pk, task_id=remote.task_id, worker="another-host:1")

    assert [j.pk for j in services.job_requeue_stale()] == [job.pk]  # pid ...0 is no process of ours
    job.refresh_from_db()
    assert job.state == JobState.QUEUED and job.worker == ""
    assert DBTaskResult.objects.get(pk=job.task_id).status == "READY"
    assert actions_of(job)[-1] == AuditAction.JOB_REQUEUED

    settings.JOBS_STALE_AFTER_SECONDS = 0
    assert {j.pk for j in services.job_requeue_stale()} == {alive.pk, remote.pk}


def _poll(client, job, **headers):
    return client.get(f"/jobs/{job.pk}/", **headers)


def test_status_page_and_its_poll(client, cast):
    job = services.job_enqueue(kind=EFFECT, params={}, actor=cast.actor(cast.buyer_a))
    assert _poll(client, job).status_code == 302  # sign in first
    client.login(email=cast.buyer_b.email, password=PASSWORD)
    assert _poll(client, job).status_code == 404  # not theirs
    client.login(email=cast.buyer_a.email, password=PASSWORD)
    page = _poll(client, job)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Create one organisation (test)" in html and "Waiting for a worker" in html
    assert 'hx-trigger="every 1s"' in html and "Cancel this job" in html
    part = _poll(client, job, HTTP_HX_REQUEST="true").content.decode()
    assert part.lstrip().startswith('<section id="job-status"') and "<html" not in part

    work()
    part = _poll(client, job, HTTP_HX_REQUEST="true").content.decode()
    assert "Status: Done" in part and "hx-trigger" not in part  # polling stops
    assert "One organisation created." in part and "Best cost so far" not in part  # no figures reported
    client.login(email=cast.staff.email, password=PASSWORD)
    assert _poll(client, job).status_code == 200  # staff see every job


def test_cancel_from_the_page(client, cast):
    job = services.job_enqueue(kind=EFFECT, params={}, actor=cast.actor(cast.buyer_a))
    client.login(email=cast.buyer_a.email, password=PASSWORD)
    assert client.post(f"/jobs/{job.pk}/cancel/").status_code == 302
    job.refresh_from_db()
    assert job.state == JobState.CANCELLED


def test_figures_are_shown_formatted(client, cast):
    job = services.job_enqueue(kind=EFFECT, params={}, actor=cast.actor(cast.staff))
    services.job_start(job_id=job.pk, task_id=job.task_id, worker=services.worker_name())
    services.job_progress(job_id=job.pk, task_id=job.task_id, text="Searching",
                          figures={"best": 1234567.5, "step": 3})
    client.login(email=cast.staff.email, password=PASSWORD)
    html = _poll(client, job).content.decode()
    assert "$1,234,567.50" in html and "Searching" in html and "Status: Running" in html


def test_api_job_status(client, cast):
    from accounts.services import api_token_create

    job = services.job_enqueue(kind=EFFECT, params={"seconds": 0}, actor=cast.actor(cast.buyer_a))

    def get(user):
        assignment = user.role_assignments.first()
        from accounts.acting import Actor
        _, secret = api_token_create(user=user, assignment=assignment, actor=Actor.from_assignment(assignment))
        return client.get(f"/api/v1/jobs/{job.pk}", HTTP_AUTHORIZATION=f"Bearer {secret}")

    assert get(cast.buyer_b).status_code == 404
    queued = get(cast.buyer_a)
    assert queued.status_code == 200 and queued.json()["state"] == "queued"
    work()
    done = get(cast.buyer_a).json()
    assert done["state"] == "done" and done["result_type"] == "orgs.organisation"
    assert done["attempts"] == 1 and done["status_url"] == f"/jobs/{job.pk}/"
    assert client.get(f"/api/v1/jobs/{job.pk}").status_code == 401
