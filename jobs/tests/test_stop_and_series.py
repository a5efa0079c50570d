"""A job's series (kept bounded, drawn as an accessible chart on its status page, given by the
API) and stopping a running job early so that it keeps what it found: who may, what is refused,
asking twice, and the work reading the request at most once a second."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from audit.actions import AuditAction
from jobs import runner, services
from jobs.models import Job, JobState
from jobs.runner import JobContext
from jobs.series import KEEP_RECENT, SERIES_MAX, add_point
from jobs.tests.helpers import run_queued_jobs
from jobs.tests.kinds import CONVERGE, EFFECT
from jobs.tests.test_jobs import actions_of
from orgs.models import Organisation
from tests.chart_pages import chart_on
from tests.helpers import login, token


def started(cast, kind=CONVERGE, user=None, params=None) -> Job:
    job = services.job_enqueue(kind=kind, params=params or {}, actor=cast.actor(user or cast.staff))
    return services.job_start(job_id=job.pk, task_id=job.task_id, worker=services.worker_name())


# -- the series ------------------------------------------------------------------------------

def test_the_series_stays_bounded_and_keeps_the_whole_run():
    points: list = []
    for i in range(1000):
        add_point(points, seconds=i / 10, best=2000 - i, bound=float("-inf") if i < 3 else 1000 + i / 2)
    assert len(points) <= SERIES_MAX
    assert points[0] == {"seconds": 0.0, "best": 2000.0, "bound": None}  # the start stays; -inf: unknown
    assert points[-1]["seconds"] == 99.9 and points[-1]["best"] == 1001.0  # so does the live end
    old = [p["seconds"] for p in points[:-KEEP_RECENT]]
    gaps = [b - a for a, b in zip(old, old[1:])]
    assert max(gaps) <= 3 * min(gaps)  # the old stretch is thinned evenly (1,000 points: ~0.5 s apart)
    assert 0.3 < sum(gaps) / len(gaps) < 0.7
    assert [p["seconds"] for p in points] == sorted(p["seconds"] for p in points)
    add_point(points, seconds=5, best=1)  # time never goes back on the chart
    assert points[-1]["seconds"] == 99.9


def test_the_status_page_draws_the_series_with_a_table(client, cast):
    job = started(cast)
    ctx = JobContext(job, job.task_id)
    for second, best, bound in ((0.5, 1200.0, None), (1.25, 1100.0, 900.0), (3.0, 1050.0, 1000.0)):
        ctx.point(seconds=second, best=best, bound=bound)
    ctx.progress("Converging", force=True, best=1050.0, bound=1000.0)
    job.refresh_from_db()
    assert len(job.progress["series"]) == 3
    login(client, cast.staff)
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    chart = chart_on(page, f"job-{job.pk}-chart")
    assert chart.title == "Best and bound (test)"
    assert chart.headers == ["Elapsed", "Best so far", "Bound"]
    assert chart.rows == [["0.5 s", "$1,200.00", "—"], ["1.2 s", "$1,100.00", "$900.00"],
                          ["3.0 s", "$1,050.00", "$1,000.00"]]
    assert "$1,050.00" in chart.texts  # the last value, written at the end of its line
    assert len(chart.svg.findall("{http://www.w3.org/2000/svg}polyline")) == 2
    # The poll swaps the chart in beside the live status (not inside it: not read out each second).
    part = client.get(f"/jobs/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    status, _, rest = part.partition("</section>")
    assert 'aria-live="polite"' in status and "<svg" not in status
    assert '<div id="job-chart" hx-swap-oob="true">' in rest and 'role="img"' in rest
    assert '?chart=shown&amp;actions=running-go" hx-trigger="every 1s"' in page  # polls for the chart's parts
    # Once the page has the chart, only its caption, picture and table are swapped (by id), so the
    # table a reader opened stays open.
    part = client.get(f"/jobs/{job.pk}/?chart=shown", HTTP_HX_REQUEST="true").content.decode()
    rest = part.partition("</section>")[2]
    assert "<details" not in rest and 'id="job-chart"' not in rest
    for piece in ("caption", "box", "table"):
        assert f'id="job-{job.pk}-chart-{piece}" hx-swap-oob="true"' in rest


def test_no_chart_before_the_first_point_nor_for_kinds_without_one(client, cast):
    login(client, cast.staff)
    converge = started(cast)
    assert 'role="img"' not in client.get(f"/jobs/{converge.pk}/").content.decode()
    effect = started(cast, kind=EFFECT)
    services.job_progress(job_id=effect.pk, task_id=effect.task_id,
                          figures={"series": [{"seconds": 1, "best": 5}]})
    assert 'role="img"' not in client.get(f"/jobs/{effect.pk}/").content.decode()


# -- stopping early ----------------------------------------------------------------------------

def test_stop_early_keeps_the_best_found_and_the_chart_stays(client, cast, monkeypatch):
    monkeypatch.setattr(runner, "STOP_CHECK_EVERY_SECONDS", 0)
    job = services.job_enqueue(kind=CONVERGE, params={"steps": 8, "stop_after": 3},
                               actor=cast.actor(cast.buyer_a))
    run_queued_jobs()
    job.refresh_from_db()
    assert job.state == JobState.DONE and job.stop_requested_at is not None
    assert Organisation.objects.filter(name="best 850").exists()  # 3 steps of 8, then stopped
    assert [p["best"] for p in job.progress["series"]] == [950.0, 900.0, 850.0]
    assert actions_of(job) == [AuditAction.JOB_QUEUED, AuditAction.JOB_STARTED,
                               AuditAction.JOB_STOP_REQUESTED, AuditAction.JOB_DONE]
    login(client, cast.buyer_a)
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert chart_on(page, f"job-{job.pk}-chart").rows[-1] == ["1.0 s", "$850.00", "$650.00"]
    assert "Stop and keep" not in page and "Cancel this job" not in page  # over: no buttons


def test_the_buttons_follow_the_job_on_a_poll_only_when_they_change(client, cast):
    job = services.job_enqueue(kind=CONVERGE, params={}, actor=cast.actor(cast.staff))
    login(client, cast.staff)
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "actions=queued-go" in page and "Possible once the job has started." in page

    def poll(shown):
        return client.get(f"/jobs/{job.pk}/?actions={shown}", HTTP_HX_REQUEST="true").content.decode()

    assert 'id="job-actions"' not in poll("queued-go")  # unchanged: the buttons are left alone
    services.job_start(job_id=job.pk, task_id=job.task_id, worker=services.worker_name())
    started = poll("queued-go")  # started: the stop button comes alive
    assert '<div id="job-actions" hx-swap-oob="true">' in started
    assert 'id="job-stop">Stop and keep the best found</button>' in started and "actions=running-go" in started
    services.job_request_stop(job=job, actor=cast.actor(cast.staff))
    assert 'id="job-stop" disabled' in poll("running-go")
    assert 'id="job-actions"' not in client.get(f"/jobs/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()


def test_the_work_reads_a_stop_request_at_most_once_a_second(cast, monkeypatch):
    job = started(cast)
    ctx = JobContext(job, job.task_id)
    reads = []
    real = services.job_should_stop
    monkeypatch.setattr(services, "job_should_stop", lambda **kw: reads.append(1) or real(**kw))
    assert ctx.stop_requested() is False
    services.job_request_stop(job=job, actor=cast.actor(cast.staff))
    assert [ctx.stop_requested() for _ in range(100)] == [False] * 100 and len(reads) == 1
    monkeypatch.setattr(runner, "STOP_CHECK_EVERY_SECONDS", 0)
    assert ctx.stop_requested() is True and len(reads) == 2
    assert ctx.stop_requested() is True and len(reads) == 2  # remembered


def test_a_cancelled_job_also_tells_its_work_to_stop(cast):
    job = started(cast)
    ctx = JobContext(job, job.task_id)
    services.job_cancel(job=job, actor=cast.actor(cast.staff))
    assert ctx.stop_requested() is True
    with pytest.raises(services.JobSuperseded):
        ctx.complete(apply=lambda: Organisation.objects.create(kind="vendor", name="x", slug="never"))
    assert not Organisation.objects.filter(slug="never").exists()


def test_who_may_stop_and_what_is_refused(cast):
    job = started(cast, user=cast.buyer_a)
    for outsider in (cast.buyer_b, cast.vendor_user_a):
        with pytest.raises(PermissionDenied):
            services.job_request_stop(job=job, actor=cast.actor(outsider))
    queued = services.job_enqueue(kind=CONVERGE, params={}, actor=cast.actor(cast.staff),
                                  subject=cast.district_a)
    with pytest.raises(ValidationError, match="not started yet"):
        services.job_request_stop(job=queued, actor=cast.actor(cast.staff))
    effect = started(cast, kind=EFFECT)
    with pytest.raises(ValidationError, match="cancel it instead"):
        services.job_request_stop(job=effect, actor=cast.actor(cast.staff))
    services.job_cancel(job=queued, actor=cast.actor(cast.staff))
    with pytest.raises(ValidationError, match="already ended"):
        services.job_request_stop(job=queued, actor=cast.actor(cast.staff))
    for thing in (job, queued, effect):
        thing.refresh_from_db()
        assert thing.stop_requested_at is None
    # The person who started it may; asking twice is asking once (one audit event).
    first = services.job_request_stop(job=job, actor=cast.actor(cast.buyer_a))
    again = services.job_request_stop(job=job, actor=cast.actor(cast.staff))
    assert first.stop_requested_at == again.stop_requested_at is not None
    assert actions_of(job).count(AuditAction.JOB_STOP_REQUESTED) == 1


def test_the_stop_button_on_the_page(client, cast):
    job = started(cast, user=cast.buyer_a)
    login(client, cast.buyer_b)
    assert client.post(f"/jobs/{job.pk}/stop/").status_code == 404  # not theirs: not even its existence
    login(client, cast.buyer_a)
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert f'action="/jobs/{job.pk}/stop/"' in page and ">Stop and keep the best found</button>" in page
    assert "Cancel this job (keep nothing)" in page
    response = client.post(f"/jobs/{job.pk}/stop/", follow=True)
    page = response.content.decode()
    assert "the best result found so far will be kept" in page
    assert " disabled " in page and "Stopping…</button>" in page and "Status: Running (stopping" in page
    client.post(f"/jobs/{job.pk}/stop/")  # a second press changes nothing
    assert actions_of(job).count(AuditAction.JOB_STOP_REQUESTED) == 1
    queued = services.job_enqueue(kind=CONVERGE, params={}, actor=cast.actor(cast.buyer_a),
                                  subject=cast.district_a)
    page = client.get(f"/jobs/{queued.pk}/").content.decode()
    assert "Possible once the job has started." in page
    refused = client.post(f"/jobs/{queued.pk}/stop/", follow=True).content.decode()
    assert "has not started yet" in refused


def test_api_stop_and_series(client, cast):
    job = started(cast, user=cast.buyer_a)
    ctx = JobContext(job, job.task_id)
    ctx.point(seconds=0.25, best=900.0, bound=None)
    ctx.progress("Converging", force=True, best=900.0)
    owner, other = token(cast.buyer_a), token(cast.buyer_b)
    assert client.post(f"/api/v1/jobs/{job.pk}/stop").status_code == 401
    assert client.post(f"/api/v1/jobs/{job.pk}/stop", **other).status_code == 404
    assert client.post(f"/api/v1/jobs/{job.pk}/stop", **token(cast.vendor_user_a)).status_code == 404
    shown = client.get(f"/api/v1/jobs/{job.pk}", **owner).json()
    assert shown["can_stop"] is True and shown["stop_requested_at"] is None
    assert shown["series"] == [{"seconds": 0.25, "values": {"best": 900.0, "bound": None}}]
    assert "series" not in shown["progress"] and shown["progress"]["best"] == 900.0
    stopped = client.post(f"/api/v1/jobs/{job.pk}/stop", **owner)
    assert stopped.status_code == 202
    body = stopped.json()
    assert body["can_stop"] is False and body["stop_requested_at"] and body["state"] == "running"
    assert client.post(f"/api/v1/jobs/{job.pk}/stop", **owner).json()["stop_requested_at"] == body["stop_requested_at"]
    effect = started(cast, kind=EFFECT, user=cast.buyer_a)
    refused = client.post(f"/api/v1/jobs/{effect.pk}/stop", **owner)
    assert refused.status_code == 422 and "cancel it instead" in refused.json()["detail"]
    assert client.post("/api/v1/jobs/999999999/stop", **owner).status_code == 404
