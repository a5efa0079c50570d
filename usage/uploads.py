"""Licence usage by CSV: one row per product and month, all or nothing.

Columns (a header row, any order; blank cells mean "not given"):

    product        the product's id, or its exact name
    month          YYYY-MM, not after the current month
    active_users   people who used it in the month (0 to 1,000,000)
    licences_used  licences assigned or used in the month (0 to 1,000,000)

At least one of active_users and licences_used per row. Files are capped at 512 KB and 5,000 rows.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from django.core.exceptions import ValidationError

from core.csvtext import read_csv_upload
from usage.services import MAX_ROWS

CSV_MAX_BYTES = 512 * 1024
COLUMNS = ["product", "month", "active_users", "licences_used"]
# Header spellings people type, read as the documented columns.
ALIASES = {"active users": "active_users", "licences used": "licences_used", "licenses used": "licences_used",
           "licenses_used": "licences_used", "product id": "product", "product_id": "product", "sku": "product"}


def csv_template(products, month: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for product in products:
        writer.writerow([product.pk, month, "", ""])
    if not products:
        writer.writerow(["", month, "", ""])
    return out.getvalue()


def read_upload(raw: bytes) -> str:
    """The file's bytes as text; refused (field `file`) when too large, holding a NUL byte, not
    UTF-8 or not readable as CSV."""
    return read_csv_upload(raw, max_bytes=CSV_MAX_BYTES,
                           too_large=(f"The file is larger than {CSV_MAX_BYTES // 1024} KB: split it by month "
                                       f"(at most {MAX_ROWS:,} rows in one import)."))


def parse_usage_csv(text: str) -> tuple[list[dict[str, Any]], list[int]]:
    """(rows as dicts of the documented columns, the file line of each row)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [(h or "").strip().lower() for h in (reader.fieldnames or [])]
    names = [ALIASES.get(h, h) for h in header]
    if "product" not in names or "month" not in names:
        raise ValidationError({"file": "The first line must be the header, with at least the columns 'product' "
                                       f"and 'month'. The columns are: {', '.join(COLUMNS)}."})
    unknown = [h for h, n in zip(header, names) if n not in COLUMNS]
    if unknown:
        raise ValidationError({"file": f"Unknown column(s): {', '.join(u[:40] for u in unknown[:5])}. The columns "
                                       f"are: {', '.join(COLUMNS)}."})
    if len(set(names)) != len(names):
        raise ValidationError({"file": "A column appears twice in the header."})
    reader.fieldnames = names
    rows, lines = [], []
    for record in reader:
        values = {k: (v or "").strip() for k, v in record.items() if k is not None and isinstance(v, str)}
        if not any(values.values()):
            continue
        if len(rows) >= MAX_ROWS:
            raise ValidationError({"file": f"At most {MAX_ROWS:,} rows in one import: split the file by month."})
        rows.append(values)
        lines.append(reader.line_num)
    if not rows:
        raise ValidationError({"file": "The file has no rows under the header."})
    return rows, lines


def line_messages(exc: ValidationError, lines: list[int]) -> list[str]:
    """The service's `line N.field` errors as "line N, field: message", in line order."""
    messages = []
    for name, errors in exc.message_dict.items():
        where, _, column = name.partition(".")
        messages.extend(f"{where}, {column or 'row'}: {e}" if column else e for e in errors)

    def order(message: str) -> tuple[int, str]:
        head = message.split(",")[0].replace("line ", "")
        return (int(head) if head.isdigit() else 0, message)
    return sorted(messages, key=order)
