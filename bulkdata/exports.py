"""One download: whose rows (`bulkdata.access`), which dataset, which format, as a response body
the page and the API both send. CSV streams from the database row by row; XLSX is written to a
temporary file first (a workbook cannot be streamed), checked against Excel's row limit before
any row is read. A large XLSX is written by the worker instead (`bulkdata.background`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO, Iterable, Iterator, Optional, Union

from django.http import FileResponse, Http404, StreamingHttpResponse

from accounts.acting import Actor
from bulkdata.access import export_district
from bulkdata.datasets import DATASETS, Dataset
from bulkdata.writers import CSV_TYPE, FORMATS, XLSX_TYPE, csv_lines, xlsx_check_fits, xlsx_file


@dataclass
class Export:
    dataset: Dataset
    fmt: str
    filename: str
    content_type: str
    body: Union[Iterator[str], IO[bytes]]


def dataset_get(key: str) -> Dataset:
    found = DATASETS.get(key)
    if found is None:
        raise Http404(f"No such file: choose one of {', '.join(DATASETS)}.")
    return found


@dataclass(frozen=True)
class ExportPlan:
    """A download the actor may have, checked but not yet written."""
    dataset: Dataset
    fmt: str
    district_id: Optional[int]  # None: every district (staff)
    rows: Optional[int] = None  # counted for XLSX (checked against a sheet's rows)

    @property
    def filename(self) -> str:
        return self.dataset.filename(self.district_id, self.fmt)

    @property
    def every_district(self) -> bool:
        return self.district_id is None


def export_plan(*, dataset_key: str, fmt: str, district_id: Optional[int], actor: Actor) -> ExportPlan:
    """What `actor` may download: raises PermissionDenied (not a downloader), Http404 (unknown
    dataset or format, a district not theirs) or TooManyRows (XLSX beyond a sheet's rows, after
    the count alone)."""
    dataset = dataset_get(dataset_key)
    if fmt not in FORMATS:
        raise Http404("No such format: choose csv or xlsx.")
    district = export_district(actor=actor, district_id=district_id)
    scope = district.pk if district is not None else None
    if fmt == "csv":
        return ExportPlan(dataset, fmt, scope)
    rows = dataset.count(scope)
    xlsx_check_fits(dataset, rows, every_district=scope is None)
    return ExportPlan(dataset, fmt, scope, rows)


def export_write(plan: ExportPlan, rows: Optional[Iterable[tuple]] = None) -> Export:
    """The file of `plan`: CSV as a stream of lines, XLSX in a temporary file. `rows` replaces
    the dataset's rows (e.g. counted as they are written)."""
    rows = plan.dataset.rows(plan.district_id) if rows is None else rows
    if plan.fmt == "csv":
        return Export(plan.dataset, plan.fmt, plan.filename, CSV_TYPE + "; charset=utf-8", csv_lines(plan.dataset, rows))
    body = xlsx_file(plan.dataset, rows, expected=plan.rows, every_district=plan.every_district)
    return Export(plan.dataset, plan.fmt, plan.filename, XLSX_TYPE, body)


def export_open(*, dataset_key: str, fmt: str, district_id: Optional[int], actor: Actor) -> Export:
    """The file `actor` may have, written now (see `export_plan` for what is refused)."""
    return export_write(export_plan(dataset_key=dataset_key, fmt=fmt, district_id=district_id, actor=actor))


def export_response(export: Export):
    """The HTTP response carrying the file as an attachment."""
    if export.fmt == "csv":
        response = StreamingHttpResponse(export.body, content_type=export.content_type)
        response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    else:
        response = FileResponse(export.body, as_attachment=True, filename=export.filename,
                                content_type=export.content_type)
    response["Cache-Control"] = "private, no-store"
    return response
