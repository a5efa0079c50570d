"""Answers by CSV: one row per need, all or nothing.

Columns (header row required, any order; blank cells mean "not given"):

    need                  the need's reference in the survey: N1, N2 ...
    commitment            committed | interested
    qty_PK, qty_K-2, qty_3-5, qty_6-8, qty_9-12, qty_adult
                          units per grade band (only the need's bands; at least 1 in all)
    needed_by             month needed, YYYY-MM
    budget_min, budget_max   budget per unit in dollars (e.g. 289.00)
    funding_source        general fund | Title IV-A | E-Rate | state grant | other
    must_haves            must-have codes separated by ";" (e.g. grade:K-2;interop:oneroster)
    current_product       what the district uses now
    current_price         what it pays now per unit, in dollars
    current_contract_end  when its current contract ends, YYYY-MM-DD
"""

from __future__ import annotations

import csv
import io
from typing import Any

from django.core.exceptions import ValidationError

from catalog.choices import GRADE_BANDS
from core.csvtext import read_csv_upload
from surveys.services.answers import clean_answers
from surveys.services.surveys import MAX_NEEDS

CSV_MAX_BYTES = 256 * 1024
BAND_COLUMNS = {f"qty_{code}": code for code, _ in GRADE_BANDS}
COLUMNS = ["need", "commitment", *BAND_COLUMNS, "needed_by", "budget_min", "budget_max", "funding_source",
           "must_haves", "current_product", "current_price", "current_contract_end"]


def csv_template(survey) -> str:
    """A CSV with the header and one row per need, for members to fill in."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for need in survey.needs.all():
        writer.writerow([need.reference] + [""] * (len(COLUMNS) - 1))
    return out.getvalue()


def read_upload(raw: bytes) -> str:
    """The bytes of an uploaded file as text, refused (field `file`) when too large, not UTF-8,
    carrying a NUL byte or not readable as CSV."""
    return read_csv_upload(raw, max_bytes=CSV_MAX_BYTES,
                           too_large=(f"The file is larger than {CSV_MAX_BYTES // 1024} KB; a survey "
                                       f"has at most {MAX_NEEDS} needs, one row each."))


def parse_answers_csv(text: str, survey) -> list[dict[str, Any]]:
    """Rows as answer dicts, checked by the same rules as the page and the API; every problem
    is reported as "line N, field: message" under `file`, and nothing is returned then."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip() for h in (reader.fieldnames or [])]
    if "need" not in header:
        raise ValidationError({"file": "The first line must be the header; it needs at least the column "
                                       "'need' (see the documented columns)."})
    unknown = [h for h in header if h not in COLUMNS]
    if unknown:
        raise ValidationError({"file": f"Unknown column(s): {', '.join(unknown[:5])}. The columns are: "
                                       f"{', '.join(COLUMNS)}."})
    rows, lines = [], []
    for record in reader:
        record = {(k or "").strip(): (v or "").strip() for k, v in record.items() if k is not None}
        if not any(record.values()):
            continue
        if len(rows) >= MAX_NEEDS:
            raise ValidationError({"file": f"At most {MAX_NEEDS} rows (one per need)."})
        row: dict[str, Any] = {k: v for k, v in record.items() if k not in BAND_COLUMNS}
        row["quantities"] = {BAND_COLUMNS[k]: v for k, v in record.items() if k in BAND_COLUMNS and v}
        rows.append(row)
        lines.append(reader.line_num)
    if not rows:
        raise ValidationError({"file": "The file has no answers: one row per need under the header."})
    try:
        clean_answers(survey, rows, key=lambda i: f"line {lines[i]}")
    except ValidationError as exc:
        messages = []
        for name, errors in exc.message_dict.items():
            where, _, field = name.partition(".")
            column = field.replace("quantities.", "qty_") or "row"
            messages.extend(f"{where}, {column}: {e}" for e in errors)
        raise ValidationError({"file": sorted(messages, key=_line_order)})
    return rows


def _line_order(message: str) -> tuple[int, str]:
    head = message.split(",")[0].replace("line ", "")
    return (int(head) if head.isdigit() else 0, message)
