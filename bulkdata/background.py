"""Large Excel downloads as background jobs. An XLSX file of more than `BULK_XLSX_BACKGROUND_ROWS`
rows (written at about 1,600 rows a second, so a minute or more for every order) is written by
`edpool worker`: the page (or the API, with 202) answers at once with the job, whose page shows
the rows written and then offers the file. CSV still streams, and a smaller XLSX is still written
inside the request.

Who may have which rows is decided as for an immediate download (`bulkdata.access`), when asked
and again when the job runs (as the person who asked). The file is stored under a random name in
the job's result (the media storage, never served directly) and goes to the person who asked
alone; `edpool tick` removes it after `BULK_FILE_KEEP_DAYS` days. One job per person, file and
district at a time: a double click, or asking again while it runs, returns the same job."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Iterable, Iterator

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.http import Http404

from accounts.acting import Actor
from accounts.selectors import still_holds_role
from bulkdata.exports import ExportPlan, export_plan, export_write
from jobs.models import Job
from jobs.services import job_enqueue, job_files_expire

BULK_XLSX_JOB = "bulkdata.xlsx_export"
PROGRESS_EVERY_ROWS = 1000  # rows between two progress reports (each at most once a second)


def background_rows() -> int:
    """XLSX downloads of more rows than this are written in the background."""
    return int(getattr(settings, "BULK_XLSX_BACKGROUND_ROWS", 20000))


def keep_days() -> int:
    return int(getattr(settings, "BULK_FILE_KEEP_DAYS", 7))


def runs_in_background(plan: ExportPlan) -> bool:
    return plan.fmt == "xlsx" and (plan.rows or 0) > background_rows()


def xlsx_export_request(*, plan: ExportPlan, actor: Actor) -> Job:
    """Queue writing `plan`'s workbook for `actor` (whose permission `export_plan` checked), or
    return the job already queued or running for the same person, file and district."""
    if actor.user is None:
        raise PermissionDenied("Only a person may ask for a file to be prepared.")
    scope = str(plan.district_id) if plan.district_id is not None else "all"
    return job_enqueue(kind=BULK_XLSX_JOB, actor=actor,
                       subject_ref=("accounts.user", f"{actor.user.pk}:{plan.dataset.key}:{scope}"),
                       params={"dataset": plan.dataset.key, "district_id": plan.district_id,
                               "rows": plan.rows, "filename": plan.filename})


def job_file_name(job: Job) -> str:
    """The name the person downloads the file under (the stored one is random)."""
    return str(job.params.get("filename") or "")


def xlsx_export_job(ctx) -> None:
    params = ctx.params
    actor = ctx.actor
    if actor.user is None or not still_holds_role(user=actor.user, organisation=actor.organisation, role=actor.role):
        raise PermissionDenied("You no longer hold the role you asked for this file in: nothing was written.")
    try:  # as the person who asked, today: another district since refuses the file
        plan = export_plan(dataset_key=params["dataset"], fmt="xlsx", district_id=params.get("district_id"),
                           actor=ctx.actor)
    except Http404 as exc:
        raise PermissionDenied(f"You may no longer download this file: {exc}") from None
    total = plan.rows or 0
    figures = {"rows_done": 0, "rows": total}
    ctx.progress(f"Writing {total:,} rows.", force=True, **figures)

    def counted(rows: Iterable[tuple]) -> Iterator[tuple]:
        for row in rows:
            figures["rows_done"] += 1
            if figures["rows_done"] % PROGRESS_EVERY_ROWS == 0:
                ctx.progress(f"{figures['rows_done']:,} of {total:,} rows written.", **figures)
            yield row

    export = export_write(plan, counted(plan.dataset.rows(plan.district_id)))  # the whole workbook
    try:
        written = figures["rows_done"]  # the rows as they were when written (orders may have come since the count)
        ctx.progress("Storing the file.", force=True, **figures)
        ctx.complete(file=(f"bulk-{secrets.token_urlsafe(24)}.xlsx", File(export.body)),
                     summary=f"{plan.filename}: {written:,} row{'s' if written != 1 else ''}. The file is "
                             f"kept {keep_days()} days, for you alone.")
    finally:
        export.body.close()


def expired_downloads(today) -> str:
    """`edpool tick`: remove the prepared files older than BULK_FILE_KEEP_DAYS days."""
    days = keep_days()
    removed = job_files_expire(kind=BULK_XLSX_JOB, older_than=timedelta(days=days),
                               note=f"The file was removed after {days} days: prepare it again from "
                                    f"\u201cDownload our data\u201d.")
    return f"{removed} prepared download file(s) older than {days} days removed."
