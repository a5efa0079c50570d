"""The compliance matrix as CSV: the rows (streamed by the page's download, or written to a file
by a background job for the national matrix), the filters both read, and the export job."""

from __future__ import annotations

import csv
import io
import tempfile
from typing import Any, Iterator, Optional

from django.core.exceptions import ValidationError
from django.core.files import File
from django.http import QueryDict

from accounts.acting import Actor
from catalog.selectors import product_list
from compliance.forms import MatrixFilterForm
from compliance.selectors.verdicts import compliance_matrix
from jobs.models import Job
from jobs.services import job_enqueue
from members.models import District

MATRIX_EXPORT_JOB = "compliance.matrix_export"
CSV_CHUNK = 2000
HEADER = ["product_id", "product", "vendor", "state", "verdict", "rule_id", "rule_version",
          "main_reason", "as_of"]
FILTER_KEYS = ("q", "category", "vendor", "states")


def matrix_filters(data: Optional[QueryDict]):
    """The filter form and what it selects: (form, products, states or None)."""
    form = MatrixFilterForm(data or None)
    cleaned = form.cleaned_data if form.is_valid() else {}
    products = product_list(q=cleaned.get("q", ""), active_only=True,
                            category=cleaned["category"].code if cleaned.get("category") else "")
    if cleaned.get("vendor"):
        products = products.filter(vendor=cleaned["vendor"])
    states = [s.strip().upper() for s in (cleaned.get("states") or "").replace(" ", ",").split(",") if s.strip()]
    return form, products, states or None


def matrix_rows(products, states, district: Optional[District], on_chunk=None) -> Iterator[list[Any]]:
    """The CSV rows (header first), products taken in chunks. Raises ValidationError for an
    unknown state before any row. `on_chunk(done, total)` is called after each chunk."""
    first = compliance_matrix(products=product_list().none(), states=states, district=district)
    ids = list(products.values_list("pk", flat=True))

    def rows():
        yield HEADER
        for start in range(0, len(ids), CSV_CHUNK):
            chunk = compliance_matrix(products=product_list().filter(pk__in=ids[start:start + CSV_CHUNK]),
                                      states=first.states, district=district)
            for pf, cells in chunk.rows:
                for state, cell in zip(chunk.states, cells):
                    yield [pf.id, pf.name, pf.vendor_name, state, cell.verdict, cell.rule_id,
                           cell.version or "", cell.summary, chunk.request.on_date.isoformat()]
            if on_chunk is not None:
                on_chunk(min(start + CSV_CHUNK, len(ids)), len(ids))

    return first, rows()


def matrix_export_request(*, filters: QueryDict, district: Optional[District], actor: Actor) -> Job:
    """Queue the export of the matrix (every matching product x the chosen states) to a CSV file:
    a background job (the national matrix takes minutes). Unknown states are refused at once.
    One export per person at a time: while one runs, asking again returns it."""
    form, products, states = matrix_filters(filters)
    if form.errors:
        raise ValidationError({name: errors for name, errors in form.errors.items()})
    compliance_matrix(products=product_list().none(), states=states, district=district)  # checks the states
    params = {key: filters.get(key, "") for key in FILTER_KEYS}
    params["district_id"] = district.pk if district is not None else None
    return job_enqueue(kind=MATRIX_EXPORT_JOB, params=params, actor=actor, subject=actor.user)


def matrix_export_job(ctx) -> None:
    params = ctx.params
    filters = QueryDict(mutable=True)
    for key in FILTER_KEYS:
        if params.get(key):
            filters[key] = params[key]
    _, products, states = matrix_filters(filters)
    district = District.objects.get(pk=params["district_id"]) if params.get("district_id") else None
    ctx.progress("Counting the products.", force=True)

    figures: dict[str, int] = {"products_done": 0, "products": products.count()}

    def report(done: int, total: int) -> None:
        figures.update(products_done=done, products=total)
        ctx.progress(f"{done:,} of {total:,} products written.", **figures)

    first, rows = matrix_rows(products, states, district, on_chunk=report)
    count = 0
    with tempfile.TemporaryFile(mode="w+b") as out:
        text = io.TextIOWrapper(out, encoding="utf-8", newline="")
        writer = csv.writer(text)
        for row in rows:
            writer.writerow(row)
            count += 1
        text.flush()
        out.seek(0)
        name = f"compliance-matrix-{first.request.on_date:%Y-%m-%d}.csv"
        ctx.progress("Storing the file.", force=True, **figures)
        ctx.complete(file=(name, File(out)), summary=f"{count - 1:,} rows ({len(first.states)} "
                                                      f"state{'s' if len(first.states) != 1 else ''}).")
        text.detach()
