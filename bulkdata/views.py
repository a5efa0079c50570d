"""The "Download your data" page and its files. Whose rows: `bulkdata.access`; what each file
holds: `bulkdata.datasets`; how it is written: `bulkdata.writers`; a large Excel file is written
in the background (`bulkdata.background`): the page asks for it with a button (POST) and follows
the job's page."""

from __future__ import annotations

from typing import Optional

from django.core.exceptions import ValidationError
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from accounts.access import roles
from accounts.acting import STAFF
from bulkdata.access import DOWNLOADERS, export_district
from bulkdata.background import background_rows, keep_days, runs_in_background, xlsx_export_request
from bulkdata.datasets import DATASETS, KIND_HELP
from bulkdata.exports import export_plan, export_response, export_write
from bulkdata.writers import XLSX_ROW_LIMIT, TooManyRows
from core.limits import parse_id
from members.fields import DistrictSearchField

# staff choose a member district by typing (13,000 of them at the national shape: not a drop-down)
MEMBER_DISTRICT = DistrictSearchField(scope="members", required=False)


def _district_param(request) -> Optional[int]:
    raw = (request.GET.get("district") or "").strip()
    return parse_id(raw, field="district") if raw else None


@roles(*DOWNLOADERS)
def downloads(request):
    staff = request.actor.role == STAFF
    raw, error = (request.GET.get("district") or "").strip(), ""
    try:
        district_id = _chosen_district(raw) if staff else _district_param(request)
    except ValidationError as exc:
        district_id, error = None, (exc.messages[0] if staff else "Choose a district from the list.")
    district = export_district(actor=request.actor, district_id=district_id)
    scope = district.pk if district is not None else None
    files = [{"dataset": d, "rows": d.count(scope)} for d in DATASETS.values()]
    for f in files:
        f["xlsx_fits"] = f["rows"] + 1 <= XLSX_ROW_LIMIT
        f["xlsx_background"] = f["xlsx_fits"] and f["rows"] > background_rows()
    return render(request, "bulkdata/downloads.html", {
        "district": district, "staff": staff, "files": files, "kinds": KIND_HELP, "error": error,
        "query": f"?district={district.pk}" if staff and district is not None else "",
        "district_input": _district_input(raw if error else scope, error) if staff else "",
        "xlsx_rows": XLSX_ROW_LIMIT - 1, "background_rows": background_rows()}, status=400 if error else 200)


def _chosen_district(raw: str) -> Optional[int]:
    """The staff's district: an id (the page's links), or what they typed in the search field (a
    suggestion, or a unique match among the members)."""
    if not raw:
        return None
    if raw.isdigit():
        return parse_id(raw, field="district")
    return MEMBER_DISTRICT.clean(raw).pk


def _district_input(value, error: str) -> str:
    """The staff's member-district search field (suggestions as they type)."""
    attrs = {"id": "district", "aria-describedby": "district-help", "maxlength": 200}
    if error:
        attrs["aria-invalid"] = "true"
    return MEMBER_DISTRICT.widget.render("district", value, attrs=attrs)


def _refused(exc: ValidationError, prefix: str = "") -> HttpResponseBadRequest:
    return HttpResponseBadRequest(prefix + " ".join(exc.messages), content_type="text/plain; charset=utf-8")


@roles(*DOWNLOADERS)
@require_http_methods(["GET", "HEAD", "POST"])
def download(request, dataset: str, fmt: str):
    """GET: the file now, or (a large Excel file) a page with the button that prepares it.
    POST (that button): queue the job, or find the one already running, and show its page."""
    try:
        district_id = _district_param(request)
        plan = export_plan(dataset_key=dataset, fmt=fmt, district_id=district_id, actor=request.actor)
    except TooManyRows as exc:
        return _refused(exc)
    except ValidationError as exc:
        return _refused(exc, "Nothing exported: ")
    if not runs_in_background(plan):
        if request.method == "POST":  # small enough by now: the file itself, at its address
            return redirect(request.get_full_path(), permanent=False)
        return export_response(export_write(plan))
    if request.method == "POST":
        job = xlsx_export_request(plan=plan, actor=request.actor)
        return redirect("jobs:status", job_id=job.pk)
    query = f"?district={district_id}" if district_id is not None else ""
    return render(request, "bulkdata/prepare.html", {
        "plan": plan, "rows": plan.rows, "background_rows": background_rows(), "keep_days": keep_days(),
        "action": reverse("bulkdata:download", args=[plan.dataset.key, "xlsx"]) + query,
        "csv_url": reverse("bulkdata:download", args=[plan.dataset.key, "csv"]) + query,
        "back_url": reverse("bulkdata:downloads") + (query if request.actor.role == STAFF else "")})
