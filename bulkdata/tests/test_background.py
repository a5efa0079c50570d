"""Large Excel downloads prepared by a background job: the same rows as the immediate file, the
file for the person who asked alone (never another district, nor staff), one job for a double
click, a worker killed part-way changes nothing, and `edpool tick` removes old files. Every file
of more than one row counts as large here (`large`), so the scenes stay small."""

from __future__ import annotations

import io
import os
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook

from bulkdata.background import BULK_XLSX_JOB, expired_downloads, xlsx_export_job
from bulkdata.tests.test_downloads import XLSX, ordered, read_csv  # noqa: F401 (fixture)
from jobs import runner, services
from jobs.models import Job, JobState
from jobs.tests.helpers import run_queued_jobs
from tests.api_conformance import ConformingClient
from tests.helpers import login, token


@pytest.fixture
def large(ordered, settings):  # noqa: F811
    """Every Excel file of more than one row is "large" (A has two order lines, everyone three)."""
    settings.BULK_XLSX_BACKGROUND_ROWS = 1
    return ordered


def cells(data: bytes) -> dict[str, list[list]]:
    book = load_workbook(io.BytesIO(data))
    return {name: [[c.value for c in row] for row in book[name].iter_rows()] for name in book.sheetnames}


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def stored_files(settings) -> list[str]:
    """The files jobs stored (other uploads of the scene, such as DPAs, live elsewhere)."""
    return [os.path.join(d, f) for d, _, files in os.walk(settings.MEDIA_ROOT / "jobs") for f in files]


def test_the_page_prepares_a_large_excel_file_and_offers_it_to_its_owner_alone(client, large, settings):
    cast = large
    login(client, cast.buyer_a)
    page = client.get("/downloads/").content.decode()
    assert 'action="/downloads/orders.xlsx"' in page and "Prepare orders as Excel" in page
    assert 'href="/downloads/participations.xlsx"' in page  # one row: still a plain link
    asked = client.get("/downloads/orders.xlsx")  # a link or bookmark: a page with the button, no job
    assert asked.status_code == 200 and "Prepare the Excel file" in asked.content.decode()
    assert not Job.objects.exists()
    assert read_csv(client.get("/downloads/orders.csv"))  # CSV still streams at once

    first = client.post("/downloads/orders.xlsx")
    second = client.post("/downloads/orders.xlsx")  # a double click
    job = Job.objects.get()
    assert first.status_code == second.status_code == 302 and first.url == second.url == f"/jobs/{job.pk}/"
    assert job.kind == BULK_XLSX_JOB and job.params["district_id"] == cast.district_a.pk

    run_queued_jobs()
    job.refresh_from_db()
    assert job.state == JobState.DONE, job.error
    assert job.progress == {"rows_done": 2, "rows": 2}
    stored = job.result_file.name
    assert stored.startswith("jobs/") and "orders" not in stored and "district" not in stored  # a random name
    status = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "Download the file" in status and "Rows written" in status
    fetched = client.get(f"/jobs/{job.pk}/file/")
    assert fetched.status_code == 200 and fetched["Cache-Control"] == "private, no-store"
    assert f'filename="edpool-orders-district-{cast.district_a.pk}.xlsx"' in fetched["Content-Disposition"]
    prepared = body(fetched)

    settings.BULK_XLSX_BACKGROUND_ROWS = 20000  # the immediate path, for the same rows
    immediate = client.get("/downloads/orders.xlsx")
    assert immediate["Content-Type"] == XLSX
    assert cells(prepared) == cells(body(immediate))

    # Another district's buyer: neither the job nor the file; staff see the job, not the file.
    login(client, cast.buyer_b)
    assert client.get(f"/jobs/{job.pk}/").status_code == 404
    assert client.get(f"/jobs/{job.pk}/file/").status_code == 404
    settings.BULK_XLSX_BACKGROUND_ROWS = 1
    assert client.post(f"/downloads/orders.xlsx?district={cast.district_a.pk}").status_code == 404
    assert client.post("/downloads/orders.xlsx?district=abc").status_code == 400
    assert client.post("/downloads/orders.xlsx?district=99999999999999999999999").status_code in (400, 404)
    assert client.post("/downloads/orders.xlsx?district=%00").status_code in (400, 422)
    assert client.post("/downloads/orders.pdf").status_code == 404
    assert client.delete("/downloads/orders.xlsx").status_code == 405
    login(client, cast.vendor_user_a)
    assert client.post("/downloads/orders.xlsx").status_code == 403
    assert Job.objects.count() == 1  # none of these queued anything
    login(client, cast.staff)
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "Download the file" not in page and "only to the person who asked" in page
    assert client.get(f"/jobs/{job.pk}/file/").status_code == 404
    api = ConformingClient()
    seen = api.get(f"/api/v1/jobs/{job.pk}", **token(cast.staff)).json()
    assert seen["state"] == "done" and seen["file_url"] is None  # staff see the job, not the file
    assert api.get(f"/api/v1/jobs/{job.pk}/file", **token(cast.staff)).status_code == 404
    assert api.get(f"/api/v1/jobs/{job.pk}", **token(cast.buyer_b)).status_code == 404
    assert api.get(f"/api/v1/jobs/{job.pk}/file", **token(cast.buyer_b)).status_code == 404
    own = api.get(f"/api/v1/jobs/{job.pk}/file", **token(cast.buyer_a))
    assert own.status_code == 200 and cells(body(own)) == cells(prepared)

    # `edpool tick` removes the file once its days are up (and only then), once.
    settings.BULK_FILE_KEEP_DAYS = 3
    assert expired_downloads(None) == "0 prepared download file(s) older than 3 days removed."
    Job.objects.filter(pk=job.pk).update(finished_at=timezone.now() - timedelta(days=3, minutes=1))
    out = io.StringIO()
    call_command("tick", stdout=out)
    assert "1 prepared download file(s) older than 3 days removed" in out.getvalue()
    job.refresh_from_db()
    assert not job.result_file and stored_files(settings) == []
    assert "removed after 3 days" in job.result_summary
    login(client, cast.buyer_a)
    assert client.get(f"/jobs/{job.pk}/file/").status_code == 404
    assert "removed after 3 days" in client.get(f"/jobs/{job.pk}/").content.decode()
    assert expired_downloads(None).startswith("0 prepared")  # again: nothing left to remove


def test_the_api_answers_202_with_the_job_then_serves_the_file(large):
    cast = large
    api = ConformingClient()
    staff = token(cast.staff)
    queued = api.get("/api/v1/bulk/orders?format=xlsx", **staff)
    assert queued.status_code == 202, queued.content
    job_id = queued.json()["id"]
    assert queued["Location"] == f"/api/v1/jobs/{job_id}" and queued.json()["state"] == "queued"
    again = api.get("/api/v1/bulk/orders", HTTP_ACCEPT=XLSX, **staff)
    assert again.status_code == 202 and again.json()["id"] == job_id  # the same request in flight
    one = api.get(f"/api/v1/bulk/orders?format=xlsx&district={cast.district_b.pk}", **staff)
    assert one.status_code == 200 and one["Content-Type"] == XLSX  # one row: at once
    assert api.get("/api/v1/bulk/orders?format=csv", **staff)["Content-Type"].startswith("text/csv")
    assert api.get(f"/api/v1/bulk/orders?format=xlsx&district={cast.district_a.pk}",
                   **token(cast.buyer_b)).status_code == 404

    # Asked by an approver who loses the role before the worker gets to it: nothing is written.
    revoked = api.get("/api/v1/bulk/orders?format=xlsx", **token(cast.approver_a))
    assert revoked.status_code == 202 and revoked.json()["id"] != job_id
    cast.approver_a.role_assignments.all().delete()

    run_queued_jobs()
    failed = Job.objects.get(pk=revoked.json()["id"])
    assert failed.state == JobState.FAILED and "no longer hold the role" in failed.error
    assert not failed.result_file
    done = api.get(f"/api/v1/jobs/{job_id}", **staff).json()
    assert done["state"] == "done" and done["file_url"] == f"/api/v1/jobs/{job_id}/file"
    rows = cells(body(api.get(done["file_url"], **staff)))["Orders"]
    assert {r[0] for r in rows[1:]} == {cast.district_a.pk, cast.district_b.pk} and len(rows) == 4
    assert api.get(done["file_url"], **token(cast.buyer_a)).status_code == 404
    mine = api.get(f"/api/v1/jobs/{job_id}", **token(cast.buyer_a))
    assert mine.status_code == 404


def test_a_killed_worker_or_a_rerun_stores_the_file_once(large, settings):
    cast = large
    job = services.job_enqueue(kind=BULK_XLSX_JOB, actor=cast.actor(cast.staff), subject_ref=(
        "accounts.user", f"{cast.staff.pk}:orders:all"),
        params={"dataset": "orders", "district_id": None, "rows": 3, "filename": "edpool-orders-all-districts.xlsx"})
    DBTaskResult.objects.filter(pk=job.task_id).update(status="RUNNING")
    dead = f"{services.worker_name()}0"  # no process of ours: a worker killed mid-file
    started = services.job_start(job_id=job.pk, task_id=job.task_id, worker=dead)
    zombie = runner.JobContext(started, job.task_id)
    zombie.progress = lambda *args, **kwargs: None  # it never reports: it writes the whole file...
    assert [j.pk for j in services.job_requeue_stale()] == [job.pk]
    with pytest.raises(services.JobSuperseded):
        xlsx_export_job(zombie)  # ...and cannot store it: the job went back to the queue
    assert stored_files(settings) == []

    run_queued_jobs()
    job.refresh_from_db()
    assert job.state == JobState.DONE and job.attempts == 2, job.error
    assert len(stored_files(settings)) == 1 and job.result_summary.startswith("edpool-orders-all-districts.xlsx: 3 rows")
    assert runner.run(job_id=job.pk, task_id=job.task_id) == "skipped"  # the task delivered twice
    job.refresh_from_db()
    assert len(stored_files(settings)) == 1 and job.attempts == 2
