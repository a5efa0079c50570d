"""The district directory import as a background job: staff upload the CSV the command
`edpool import-districts` reads (California directory or NCES-style, members.importers) and
`edpool worker` imports it, all or nothing, the job's page showing rows read, created, updated,
unchanged and refused.

The upload is checked at once (size, UTF-8, NUL characters, a known header), so most mistakes are
answered on the form; the rows themselves are checked by the worker. One import at a time: a
second upload while one is queued or running goes to that job.
"""

from __future__ import annotations

import csv
import io
from typing import Optional

from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.acting import Actor, require_staff
from audit.actions import AuditAction
from audit.services import audit_record
from core.csvtext import check_csv_text
from jobs.models import Job
from jobs.services import job_enqueue
from members.importers import MAX_FIELD_CHARS, ImportFileError, RowError, detect_format, parse_directory
from members.services import ImportCounts, districts_import

DISTRICT_IMPORT_JOB = "members.district_import"
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_SOURCE_CHARS = 300
YEARS = (1900, 2199)
FIGURES = (("read", "Rows read", "number"), ("created", "Created", "number"),
           ("updated", "Updated", "number"), ("unchanged", "Unchanged", "number"),
           ("refused", "Rows refused", "number"))


def _too_big(size: int) -> ValidationError:
    return ValidationError({"file": f"The file is {size / 1024 / 1024:,.1f} MB; at most "
                                    f"{MAX_UPLOAD_BYTES // 1024 // 1024} MB can be imported at once."})


def directory_upload_read(upload) -> str:
    """An uploaded file (Django's or Ninja's) as text, refused by its size before it is read."""
    if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
        raise _too_big(upload.size)
    return directory_upload_decode(upload.read(MAX_UPLOAD_BYTES + 1))


def directory_upload_decode(data: bytes) -> str:
    """The uploaded bytes as text, or a ValidationError on `file` saying what is wrong."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise _too_big(len(data))
    if not data.strip():
        raise ValidationError({"file": "The file is empty."})
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError({"file": "The file is not UTF-8 text: save it as CSV UTF-8."}) from None


def _header(text: str) -> list[str]:
    first = next(csv.reader(io.StringIO(text.lstrip("\ufeff"))), [])
    return [name.strip().lower() for name in first]


def district_import_request(*, text: str, actor: Actor, source: str = "",
                            year: Optional[int] = None) -> Job:
    """Queue importing the directory CSV `text`; the job already queued or running if there is
    one (one import at a time). Refuses at once a file with NUL characters, unreadable CSV or an
    unknown header; its rows are checked by the job."""
    require_staff(actor, "import the district directory")
    source = (source or "").strip()
    if "\x00" in source or len(source) > MAX_SOURCE_CHARS:
        raise ValidationError({"source": f"At most {MAX_SOURCE_CHARS} characters, without NUL characters."})
    if year is not None and not YEARS[0] <= year <= YEARS[1]:
        raise ValidationError({"year": f"{year} is not a school year from {YEARS[0]} to {YEARS[1]}."})
    if len(text.encode("utf-8")) > MAX_UPLOAD_BYTES:
        raise ValidationError({"file": f"At most {MAX_UPLOAD_BYTES // 1024 // 1024} MB can be imported at once."})
    check_csv_text(text, field="file", cell_max=MAX_FIELD_CHARS)
    try:
        detect_format(_header(text))
    except ImportFileError as exc:
        raise ValidationError({"file": str(exc)}) from None
    return job_enqueue(kind=DISTRICT_IMPORT_JOB, actor=actor,
                       params={"csv": text, "source": source or "uploaded directory", "year": year},
                       bulky=("csv",))


def _data_rows(text: str) -> int:
    try:
        return max(0, sum(1 for _ in csv.reader(io.StringIO(text.lstrip("\ufeff")))) - 1)
    except csv.Error:
        return 0


def _summary(counts: ImportCounts) -> str:
    return (f"Imported {counts.total:,} districts: {counts.created:,} created, {counts.updated:,} updated, "
            f"{counts.unchanged:,} unchanged.")


def district_import_job(ctx) -> None:
    text = ctx.params["csv"]
    ctx.progress("Reading the file.", force=True)
    try:
        fmt, records = parse_directory(io.StringIO(text), source_label=ctx.params.get("source") or "",
                                       default_year=ctx.params.get("year"))
    except ImportFileError as exc:
        # Row errors name their line (the header is line 1); a file-wide one ("no rows") is text.
        refused = len({error.line for error in exc.errors if isinstance(error, RowError) and error.line >= 2})
        ctx.progress("Nothing imported.", force=True, read=_data_rows(text), created=0, updated=0,
                     unchanged=0, refused=refused)
        problems = str(exc).replace("\n", "; ")
        raise ValidationError(f"Nothing imported: {refused:,} row(s) refused. {problems}" if refused
                              else f"Nothing imported: {problems}") from None
    read = len(records)
    ctx.progress(f"Importing {read:,} districts.", force=True, read=read)

    def apply() -> ImportCounts:
        counts = districts_import(records=records, actor=ctx.actor)
        figures = {"read": read, "created": counts.created, "updated": counts.updated,
                   "unchanged": counts.unchanged, "refused": 0}
        audit_record(actor=ctx.actor, action=AuditAction.DISTRICT_DIRECTORY_IMPORTED,
                     object_type="jobs.job", object_id=str(ctx.job_id),
                     object_repr=f"District directory import (job {ctx.job_id})",
                     after={"format": fmt, "source": ctx.params.get("source"), **figures})
        # The figures land with the job's end, in the same transaction.
        ctx.progress("Imported.", force=True, **figures)
        return counts

    ctx.complete(apply=apply, result_url=reverse("members:districts"), summary=_summary)
