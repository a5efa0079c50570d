"""The compliance matrix: products x states, as a page and as CSV."""

from __future__ import annotations

import csv

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render

from accounts.access import roles
from accounts.acting import DISTRICT_ROLES, STAFF
from catalog.selectors import product_list
from compliance.forms import MatrixFilterForm
from compliance.selectors.verdicts import compliance_matrix
from compliance.views.common import own_district
from core.forms_errors import form_errors_from

PAGE_SIZE = 50
CSV_CHUNK = 2000


def _filters(request):
    form = MatrixFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    products = product_list(q=data.get("q", ""), active_only=True,
                            category=data["category"].code if data.get("category") else "")
    if data.get("vendor"):
        products = products.filter(vendor=data["vendor"])
    states = [s.strip().upper() for s in (data.get("states") or "").replace(" ", ",").split(",") if s.strip()]
    return form, products, states or None


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
        first = compliance_matrix(products=product_list().none(), states=states, district=district)
    except ValidationError as exc:
        return HttpResponse(" ".join(exc.messages), status=400, content_type="text/plain")
    ids = list(products.values_list("pk", flat=True))
    writer = csv.writer(_Echo())

    def rows():
        yield writer.writerow(["product_id", "product", "vendor", "state", "verdict", "rule_id",
                               "rule_version", "main_reason", "as_of"])
        for start in range(0, len(ids), CSV_CHUNK):
            chunk = compliance_matrix(products=product_list().filter(pk__in=ids[start:start + CSV_CHUNK]),
                                      states=first.states, district=district)
            for pf, cells in chunk.rows:
                for state, cell in zip(chunk.states, cells):
                    yield writer.writerow([pf.id, pf.name, pf.vendor_name, state, cell.verdict,
                                           cell.rule_id, cell.version or "", cell.summary,
                                           chunk.request.on_date.isoformat()])

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="compliance-matrix-{first.request.on_date:%Y-%m-%d}.csv"'
    return response
