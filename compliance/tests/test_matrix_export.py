"""The compliance matrix exported to a file by a background job: the same rows as the streamed
CSV, progress on the job's page, the file for the person who asked only."""

from __future__ import annotations

import csv
import io

from catalog.models import Product
from compliance.tests.test_pages import login, world  # noqa: F401 (fixture)
from jobs.models import Job, JobState
from jobs.tests.helpers import run_queued_jobs


def test_export_runs_in_the_background_and_matches_the_download(client, world):  # noqa: F811
    login(client, world.staff)
    posted = client.post("/compliance/matrix/export/", {"states": "CA,NY", "page": "2"})
    job = Job.objects.get()
    assert posted.status_code == 302 and posted.url == f"/jobs/{job.pk}/"
    assert job.params["states"] == "CA,NY" and job.state == JobState.QUEUED
    # Asked again while it waits: the same job.
    assert client.post("/compliance/matrix/export/", {"states": "CA,NY"}).url == posted.url

    run_queued_jobs()
    job.refresh_from_db()
    assert job.state == JobState.DONE, job.error
    rows = 2 * Product.objects.count()
    assert job.result_summary == f"{rows} rows (2 states)."
    assert job.progress == {"products_done": Product.objects.count(), "products": Product.objects.count()}
    page = client.get(posted.url).content.decode()
    assert "Download the file" in page and "Products written" in page
    exported = b"".join(client.get(f"/jobs/{job.pk}/file/").streaming_content).decode()
    streamed = b"".join(client.get("/compliance/matrix.csv?states=CA,NY").streaming_content).decode()
    assert exported == streamed and len(list(csv.DictReader(io.StringIO(exported)))) == rows

    login(client, world.buyer_b)
    assert client.get(f"/jobs/{job.pk}/file/").status_code == 404  # someone else's export


def test_unknown_states_are_refused_at_once(client, world):  # noqa: F811
    login(client, world.staff)
    response = client.post("/compliance/matrix/export/", {"states": "ZZ"}, follow=True)
    assert not Job.objects.exists()
    assert "ZZ" in response.content.decode()
