"""One download: whose rows (`bulkdata.access`), which dataset, which format, as a response body
the page and the API both send. CSV streams from the database row by row; XLSX is written to a
temporary file first (a workbook cannot be streamed), checked against Excel's row limit before
any row is read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO, Iterator, Optional, Union

from django.http import FileResponse, Http404, StreamingHttpResponse

from accounts.acting import Actor
from bulkdata.access import export_district
from bulkdata.datasets import DATASETS, Dataset
from bulkdata.writers import CSV_TYPE, FORMATS, XLSX_TYPE, csv_lines, xlsx_file


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


def export_open(*, dataset_key: str, fmt: str, district_id: Optional[int], actor: Actor) -> Export:
    """The file `actor` may have: raises PermissionDenied (not a downloader), Http404 (unknown
    dataset or format, a district not theirs) or TooManyRows (XLSX beyond a sheet's rows)."""
    dataset = dataset_get(dataset_key)
    if fmt not in FORMATS:
        raise Http404("No such format: choose csv or xlsx.")
    district = export_district(actor=actor, district_id=district_id)
    scope = district.pk if district is not None else None
    filename = dataset.filename(scope, fmt)
    if fmt == "csv":
        return Export(dataset, fmt, filename, CSV_TYPE + "; charset=utf-8", csv_lines(dataset, dataset.rows(scope)))
    body = xlsx_file(dataset, dataset.rows(scope), expected=dataset.count(scope), every_district=scope is None)
    return Export(dataset, fmt, filename, XLSX_TYPE, body)


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
