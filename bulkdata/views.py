"""The "Download your data" page and its files. Whose rows: `bulkdata.access`; what each file
holds: `bulkdata.datasets`; how it is written: `bulkdata.writers`."""

from __future__ import annotations

from typing import Optional

from django.core.exceptions import ValidationError
from django.http import HttpResponseBadRequest
from django.shortcuts import render

from accounts.access import roles
from accounts.acting import STAFF
from bulkdata.access import DOWNLOADERS, export_district
from bulkdata.datasets import DATASETS, KIND_HELP
from bulkdata.exports import export_open, export_response
from bulkdata.writers import XLSX_ROW_LIMIT, TooManyRows
from core.limits import parse_id
from members.selectors import member_directory


def _district_param(request) -> Optional[int]:
    raw = (request.GET.get("district") or "").strip()
    return parse_id(raw, field="district") if raw else None


@roles(*DOWNLOADERS)
def downloads(request):
    error = ""
    try:
        district_id = _district_param(request)
    except ValidationError:
        district_id, error = None, "Choose a district from the list."
    district = export_district(actor=request.actor, district_id=district_id)
    scope = district.pk if district is not None else None
    files = [{"dataset": d, "rows": d.count(scope)} for d in DATASETS.values()]
    for f in files:
        f["xlsx_fits"] = f["rows"] + 1 <= XLSX_ROW_LIMIT
    staff = request.actor.role == STAFF
    return render(request, "bulkdata/downloads.html", {
        "district": district, "staff": staff, "files": files, "kinds": KIND_HELP, "error": error,
        "query": f"?district={district.pk}" if staff and district is not None else "",
        "districts": [(m.district_id, m.district.name) for m in member_directory()] if staff else [],
        "xlsx_rows": XLSX_ROW_LIMIT - 1}, status=400 if error else 200)


@roles(*DOWNLOADERS)
def download(request, dataset: str, fmt: str):
    try:
        district_id = _district_param(request)
        export = export_open(dataset_key=dataset, fmt=fmt, district_id=district_id, actor=request.actor)
    except TooManyRows as exc:
        return HttpResponseBadRequest(" ".join(exc.messages), content_type="text/plain; charset=utf-8")
    except ValidationError as exc:
        return HttpResponseBadRequest("Nothing exported: " + " ".join(exc.messages),
                                      content_type="text/plain; charset=utf-8")
    return export_response(export)
