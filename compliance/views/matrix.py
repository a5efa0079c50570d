"""The compliance matrix: products x states, as a page and as CSV."""

from __future__ import annotations

import csv

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, StreamingHttpResponse
from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.access import roles
from accounts.acting import DISTRICT_ROLES, STAFF
from catalog.selectors import product_list
from compliance.matrix_export import matrix_filters, matrix_rows, matrix_export_request
from compliance.selectors.verdicts import compliance_matrix
from compliance.views.common import own_district
from core.forms_errors import form_errors_from

PAGE_SIZE = 50


def _filters(request):
    return matrix_filters(request.GET)


@roles(STAFF, *DISTRICT_ROLES)
def matrix(request):
    form, products, states = _filters(request)
    district = own_district(request) if request.GET.get("mine") else None
    page = Paginator(products, PAGE_SIZE).get_page(request.GET.get("page"))
    result = None
    try:
        result = compliance_matrix(products=product_list().filter(pk__in=[p.pk for p in page]),
                                   states=states, district=district)
    except ValidationError as exc:
        form_errors_from(form, exc)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "compliance/matrix.html", {
        "form": form, "page": page, "result": result, "query": query.urlencode(),
        "district": own_district(request), "mine": bool(district),
        "show_reasons": result is not None and len(result.states) <= 6},
        status=400 if form.errors else 200)


class _Echo:
    def write(self, value):
        return value


@roles(STAFF, *DISTRICT_ROLES)
def matrix_csv(request):
    """Every product (filtered) x the chosen states, streamed in chunks of products."""
    form, products, states = _filters(request)
    district = own_district(request) if request.GET.get("mine") else None
    try:
        first, rows = matrix_rows(products, states, district)
    except ValidationError as exc:
        return HttpResponse(" ".join(exc.messages), status=400, content_type="text/plain")
    writer = csv.writer(_Echo())
    response = StreamingHttpResponse((writer.writerow(row) for row in rows),
                                     content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="compliance-matrix-{first.request.on_date:%Y-%m-%d}.csv"'
    return response


@roles(STAFF, *DISTRICT_ROLES)
@require_POST
def matrix_export(request):
    """Export the matrix to a CSV file in the background (the national matrix takes minutes):
    the job's page shows its progress and offers the file."""
    district = own_district(request) if request.POST.get("mine") else None
    try:
        job = matrix_export_request(filters=request.POST, district=district, actor=request.actor)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("compliance:matrix")
    return redirect("jobs:status", job_id=job.pk)
