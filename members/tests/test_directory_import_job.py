"""The district directory import as a background job: the staff page and the API queue it, the
worker imports all or nothing, the job page shows rows read, created, updated and refused."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from audit.actions import AuditAction
from audit.models import AuditEvent
from jobs.models import Job, JobState
from jobs.tests.helpers import run_queued_jobs
from members.directory_jobs import DISTRICT_IMPORT_JOB, MAX_UPLOAD_BYTES
from members.models import District
from tests.helpers import login, token

CA_HEADER = "cds_code,county,name,city,zip,state,latitude,longitude,district_type,status\n"
GOOD = (CA_HEADER + "0900001,Alameda,Gamma Test Unified,Oakland,94601,CA,37.8,-122.2,Unified,Active\n"
        "0900002,Alameda,Delta Elementary,Berkeley,94702,CA,,,Elementary,Active\n")


def csv_file(text: str | bytes, name: str = "directory.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode() if isinstance(text, str) else text, content_type="text/csv")


def upload(client, text, **data):
    return client.post("/districts/import/", {"file": csv_file(text), **data})


def test_staff_upload_runs_as_a_job_and_its_page_shows_the_counts(client, cast):
    login(client, cast.staff)
    before = District.objects.count()
    page = client.get("/districts/import/")
    assert page.status_code == 200 and 'for="id_file"' in page.content.decode()
    answer = upload(client, GOOD)
    job = Job.objects.get(kind=DISTRICT_IMPORT_JOB)
    assert answer.status_code == 302 and answer["Location"] == f"/jobs/{job.pk}/"
    assert District.objects.count() == before  # nothing yet: the worker imports
    run_queued_jobs()
    job.refresh_from_db()
    assert job.state == JobState.DONE, job.error
    assert District.objects.count() == before + 2
    assert job.progress == {"read": 2, "created": 2, "updated": 0, "unchanged": 0, "refused": 0}
    assert job.result_summary == "Imported 2 districts: 2 created, 0 updated, 0 unchanged."
    text = client.get(f"/jobs/{job.pk}/").content.decode()
    for shown in ("Import the district directory", "Rows read", "Created", "Rows refused",
                  "Imported 2 districts"):
        assert shown in text
    event = AuditEvent.objects.get(action=AuditAction.DISTRICT_DIRECTORY_IMPORTED)
    assert event.after["created"] == 2 and event.object_id == str(job.pk)

    # The same file again, with one name changed: updates, nothing created.
    upload(client, GOOD.replace("Delta Elementary", "Delta Elementary School"))
    run_queued_jobs()
    again = Job.objects.filter(kind=DISTRICT_IMPORT_JOB).latest("pk")
    assert again.state == JobState.DONE
    assert again.progress == {"read": 2, "created": 0, "updated": 1, "unchanged": 1, "refused": 0}


def test_a_bad_row_imports_nothing_and_the_job_says_which(client, cast):
    login(client, cast.staff)
    before = District.objects.count()
    bad = GOOD + "12,Alameda,,Oakland,9460,CA,95,,Unified,Active\n"
    assert upload(client, bad).status_code == 302
    run_queued_jobs()
    job = Job.objects.get(kind=DISTRICT_IMPORT_JOB)
    assert job.state == JobState.FAILED
    assert job.progress["read"] == 3 and job.progress["refused"] == 1
    assert "Nothing imported" in job.error and "line 4" in job.error and "cds_code" in job.error
    assert District.objects.count() == before
    assert not AuditEvent.objects.filter(action=AuditAction.DISTRICT_DIRECTORY_IMPORTED).exists()
    assert "Rows refused" in client.get(f"/jobs/{job.pk}/").content.decode()


def test_a_header_without_rows_fails_the_job_clearly(client, cast):
    login(client, cast.staff)
    assert upload(client, CA_HEADER).status_code == 302
    run_queued_jobs()
    job = Job.objects.get(kind=DISTRICT_IMPORT_JOB)
    assert job.state == JobState.FAILED
    assert job.error == "Nothing imported: The file has a header but no rows."
    assert job.progress["read"] == 0 and job.progress["refused"] == 0


@pytest.mark.parametrize("content, message", [
    (b"", "is empty"),
    ("cds_code,name\x00,state\n1,a,CA\n".encode(), "NUL character"),
    ("0100001,Alpha,CA\n".encode(), "Unknown file format"),
    ("wrong,columns,here\n1,2,3\n".encode(), "Unknown file format"),
    ("cds_code,name,state\n0100001,Caf\xe9,CA\n".encode("latin-1"), "not UTF-8"),
])
def test_unreadable_files_are_refused_on_the_form(client, cast, content, message):
    login(client, cast.staff)
    answer = upload(client, content)
    assert answer.status_code == 400
    assert message in answer.content.decode()
    assert not Job.objects.exists()


def test_too_big_a_file_is_refused(client, cast, settings):
    login(client, cast.staff)
    answer = upload(client, b" " * (MAX_UPLOAD_BYTES + 1))
    assert answer.status_code == 400 and "at most 20 MB" in answer.content.decode()
    assert not Job.objects.exists()


def test_bad_year_and_source_are_refused(client, cast):
    login(client, cast.staff)
    assert upload(client, GOOD, year="3000").status_code == 400
    assert upload(client, GOOD, source="x" * 301).status_code == 400
    assert not Job.objects.exists()


def test_double_submit_is_one_job(client, cast):
    login(client, cast.staff)
    first, second = upload(client, GOOD), upload(client, GOOD)
    assert first["Location"] == second["Location"]
    assert Job.objects.filter(kind=DISTRICT_IMPORT_JOB).count() == 1


def test_only_staff_may_import(client, cast):
    login(client, cast.buyer_a)
    assert upload(client, GOOD).status_code == 403
    login(client, cast.vendor_user_a)
    assert client.get("/districts/import/").status_code == 403
    assert not Job.objects.exists()


def test_api_queues_the_import_with_202(client, cast):
    headers = token(cast.staff)
    answer = client.post("/api/v1/districts/imports", {"file": csv_file(GOOD), "source": "CDE 2019"},
                         **headers)
    assert answer.status_code == 202, answer.content
    body = json.loads(answer.content)
    assert body["kind"] == DISTRICT_IMPORT_JOB and body["state"] == "queued"
    run_queued_jobs()
    done = client.get(f"/api/v1/jobs/{body['id']}", **headers)
    assert json.loads(done.content)["progress"]["created"] == 2

    refused = client.post("/api/v1/districts/imports", {"file": csv_file("a,b\n1,2\n")}, **headers)
    assert refused.status_code == 422 and "Unknown file format" in refused.content.decode()
    vendor = client.post("/api/v1/districts/imports", {"file": csv_file(GOOD)}, **token(cast.vendor_user_a))
    assert vendor.status_code == 403
    assert Job.objects.count() == 1
