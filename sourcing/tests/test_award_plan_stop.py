"""Stopping the award engine early from the award plan's job: the plan is stored as usual with
status "stopped" and its honest gap; stopped before any award, nothing is stored. The job page
and the manage page draw how the best cost and the bound converged."""

from __future__ import annotations

from awards.engine.solve import Search
from audit.actions import AuditAction
from core.number_format import money
from jobs import services as job_services
from jobs.models import Job, JobState
from jobs.tests.helpers import run_queued_jobs
from jobs.tests.test_jobs import actions_of
from sourcing.models import AwardPlanRecord
from sourcing.services import awards as award_services
from sourcing.tests.test_bulk_award import bulk  # noqa: F401 (the fixture)
from tests.chart_pages import chart_on
from tests.helpers import login, token


def stop_at_first_report(monkeypatch, cast):
    """The engine runs for real; at its first report someone presses "Stop and keep the best
    award found" (through the service, as the page does)."""
    run = award_services.run_engine
    asked = []

    def engine(problem, on_progress=None, should_stop=None):
        def report(entry):
            job = Job.objects.get()
            if job.stop_requested_at is None:
                job_services.job_request_stop(job=job, actor=cast.actor(cast.staff))
            on_progress(entry)

        def stop():
            asked.append(1)
            return should_stop()
        return run(problem, report, stop)

    monkeypatch.setattr(award_services, "run_engine", engine)
    return asked


def test_a_stopped_search_stores_the_best_award_with_its_gap(client, cast, bulk, monkeypatch):  # noqa: F811
    asked = stop_at_first_report(monkeypatch, cast)
    # This small bulk buy is solved to optimality at once; keep the engine from closing its gap
    # so that the stop is what ends it (awards/tests/test_engine_stop.py stops a big search).
    monkeypatch.setattr(Search, "done", lambda self: False)
    job = award_services.award_plan_request(solicitation=bulk, actor=cast.actor(cast.staff))
    run_queued_jobs()
    job.refresh_from_db()
    assert asked, "the engine never asked whether to stop"
    assert job.state == JobState.DONE and job.stop_requested_at is not None
    record = AwardPlanRecord.objects.get()
    result = record.engine_result
    assert result["status"] == "stopped" and result["stats"]["stopped_by_user"] is True
    assert result["allocations"] and result["relative_gap"] is not None
    assert result["lower_bound"] is not None
    assert "stopped early on request: proven within" in job.result_summary
    assert AuditAction.JOB_STOP_REQUESTED in actions_of(job)
    series = job.progress["series"]
    assert series and series[-1]["best"] == float(result["total_cost"])

    login(client, cast.staff)
    manage = client.get(f"/solicitations/{bulk.pk}/manage/").content.decode()
    assert "Stopped early on request: the best award the engine had found, proven within" in manage
    assert "Confirm and publish the award notice" in manage  # a stopped plan is a plan like any other
    final = chart_on(manage, f"job-{job.pk}-chart")
    assert final.headers == ["Elapsed", "Best cost so far", "Lower bound"]
    assert final.rows[-1][1] == money(result["total_cost"]) and final.rows[-1][2] == money(result["lower_bound"])
    assert "At the end, after" in final.summary and "of the cheapest possible" in final.summary

    page = client.get(f"/jobs/{job.pk}/").content.decode()
    chart = chart_on(page, f"job-{job.pk}-chart")
    assert chart.rows == final.rows and "Status: Done" in page
    api = client.get(f"/api/v1/jobs/{job.pk}", **token(cast.staff)).json()
    assert [p["values"]["best"] for p in api["series"]] == [p["best"] for p in series]


def test_stopped_before_any_award_the_job_fails_and_stores_nothing(cast, bulk, monkeypatch):  # noqa: F811
    def engine(problem, on_progress=None, should_stop=None):
        job_services.job_request_stop(job=Job.objects.get(), actor=cast.actor(cast.staff))
        assert should_stop() is True
        return {"status": "unknown", "message": "Stopped before any award was found.", "allocations": []}

    monkeypatch.setattr(award_services, "run_engine", engine)
    job = award_services.award_plan_request(solicitation=bulk, actor=cast.actor(cast.staff))
    run_queued_jobs()
    job.refresh_from_db()
    assert job.state == JobState.FAILED and "nothing was stored" in job.error
    assert not AwardPlanRecord.objects.exists()


def test_another_user_cannot_see_or_stop_the_award_plan_job(client, cast, bulk):  # noqa: F811
    job = award_services.award_plan_request(solicitation=bulk, actor=cast.actor(cast.staff))
    job_services.job_start(job_id=job.pk, task_id=job.task_id, worker="elsewhere:1")
    for outsider in (cast.buyer_a, cast.vendor_user_a):
        login(client, outsider)
        assert client.get(f"/jobs/{job.pk}/").status_code == 404
        assert client.post(f"/jobs/{job.pk}/stop/").status_code == 404
        assert client.post(f"/api/v1/jobs/{job.pk}/stop", **token(outsider)).status_code == 404
    job.refresh_from_db()
    assert job.stop_requested_at is None
    login(client, cast.staff)
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert ">Stop and keep the best award found</button>" in page
