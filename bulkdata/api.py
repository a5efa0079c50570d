"""API under /api/v1/bulk: the members' bulk downloads (the same files as the "Download your
data" page, `bulkdata.views`).

Staff get every district's rows (or one district's with `district`); a district's buyers and
approvers only their own district's (another district's id answers 404); evaluators and vendors
are refused (403)."""


from typing import Annotated, Literal, Optional

from django.http import HttpResponse
from ninja import Router, Schema, Status
from pydantic import Field

from accounts.access import api_roles
from accounts.api_auth import API_AUTH
from bulkdata.access import DOWNLOADERS
from bulkdata.datasets import DATASETS, KIND_HELP
from bulkdata.background import runs_in_background, xlsx_export_request
from bulkdata.exports import export_plan, export_response, export_write
from bulkdata.writers import CSV_TYPE, XLSX_TYPE
from core.api_types import AnyId
from jobs.api import JobOut, job_out

router = Router(tags=["bulk data"])

DatasetKey = Literal[tuple(DATASETS)]  # type: ignore[valid-type]
FormatParam = Annotated[Optional[Literal["csv", "xlsx"]], Field(description=(
    "csv or xlsx. Without it, the Accept header decides (the XLSX media type for xlsx); otherwise csv."))]


class BulkColumnOut(Schema):
    name: str = Field(description="The column's name in the file's first row.")
    label: str = Field(description="The column's name for people.")
    kind: str = Field(description="text, integer, money, date, date and time, or yes/no.")
    kind_help: str = Field(description="How values of that kind are written.")
    description: str


class BulkFileOut(Schema):
    key: str = Field(description="The file's name in GET /api/v1/bulk/{dataset}.")
    title: str
    rows_are: str = Field(description="What one row is.")
    notes: str
    formats: list[str]
    columns: list[BulkColumnOut]


@router.get("/bulk", response=list[BulkFileOut], auth=API_AUTH)
@api_roles(*DOWNLOADERS)
def bulk_files(request):
    """The files a member may download, with what each column holds."""
    return [{"key": d.key, "title": d.title, "rows_are": d.what, "notes": d.notes, "formats": ["csv", "xlsx"],
             "columns": [{"name": c.name, "label": c.label, "kind": c.kind, "kind_help": KIND_HELP[c.kind],
                          "description": c.help} for c in d.columns]}
            for d in DATASETS.values()]


FILE_RESPONSES = {202: {
    "description": "An Excel file too large to write at once: the background job preparing it.",
    "headers": {"Location": {"description": "The job's URL (GET /api/v1/jobs/{id}).",
                             "schema": {"type": "string"}}},
}, 200: {
    "description": (
        "The file, as an attachment: CSV (UTF-8, no byte order mark, streamed row by row) or an Excel "
        "workbook (a sheet of rows and a \"Columns\" sheet). The first row names the columns "
        "(GET /api/v1/bulk describes them)."),
    "content": {CSV_TYPE: {"schema": {"type": "string"}},
                XLSX_TYPE: {"schema": {"type": "string", "format": "binary"}}},
}}


@router.get("/bulk/{dataset}", response={202: JobOut}, auth=API_AUTH,
            openapi_extra={"responses": FILE_RESPONSES})
@api_roles(*DOWNLOADERS)
def bulk_file(request, response: HttpResponse, dataset: DatasetKey, format: FormatParam = None,
              district: AnyId = 0):
    """One file of the district's data: orders (one row per order line), rebates (the ledger),
    participations (agreements joined, with the DPA behind each) or decisions (compliance
    decisions). Staff: every district, or one with `district`; a district's buyer or approver:
    its own (another district's id: 404). An Excel file of more than 1,048,575 rows is refused
    (422): download the CSV instead, or one district.

    A large Excel file (more rows than the server's BULK_XLSX_BACKGROUND_ROWS, 20,000 by default)
    is prepared in the background: 202 with the job (`Location`: its URL); poll
    `GET /api/v1/jobs/{id}` until it is done, then download `file_url` (for the caller alone,
    kept a few days). Asking again while it runs answers the same job."""
    fmt = format or ("xlsx" if XLSX_TYPE in request.headers.get("Accept", "") else "csv")
    plan = export_plan(dataset_key=dataset, fmt=fmt, district_id=district or None, actor=request.actor)
    if runs_in_background(plan):
        job = xlsx_export_request(plan=plan, actor=request.actor)
        response["Location"] = f"/api/v1/jobs/{job.pk}"
        return Status(202, job_out(job))
    return export_response(export_write(plan))
