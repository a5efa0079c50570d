"""Checks every uploaded CSV goes through before it is parsed: text a person may have saved from
anywhere (a spreadsheet, another system) must not end in a traceback or a database error.

This module is a foundation: it imports nothing from EdPool's apps.
"""

from __future__ import annotations

import csv
import io

from django.core.exceptions import ValidationError

# Longest cell accepted in an uploaded CSV (names, references, numbers): far above any real one,
# far below csv's own limit of 131,072 characters.
CELL_MAX = 1_000


def check_csv_text(text: str, *, field: str = "file", cell_max: int = CELL_MAX) -> None:
    """Refuse, naming each line, a NUL character (PostgreSQL cannot store or search for one), a
    cell longer than cell_max characters and text the csv module cannot read."""
    problems: list[str] = []
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    rows = 0
    try:
        for row in reader:
            rows += 1
            line = reader.line_num
            if any("\x00" in cell for cell in row):
                problems.append(f"line {line}: contains a NUL character (\\0); remove it.")
            elif any(len(cell) > cell_max for cell in row):
                problems.append(f"line {line}: a value is longer than {cell_max:,} characters.")
            if len(problems) >= 20:
                break
    except csv.Error as exc:
        problems.append(f"line {rows + 1}: the file is not valid CSV ({exc}).")
    if problems:
        raise ValidationError({field: problems})


def read_csv_upload(raw: bytes, *, max_bytes: int, too_large: str, field: str = "file") -> str:
    """An uploaded CSV file's bytes as text; refused (under `field`) when larger than `max_bytes`
    (with the message `too_large`), holding a NUL byte, not UTF-8, or not readable as CSV."""
    if len(raw) > max_bytes:
        raise ValidationError({field: too_large})
    if b"\x00" in raw:
        raise ValidationError({field: "The file contains a NUL byte (\\0): save it again as CSV text."})
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError({field: "The file is not UTF-8 text: save it as CSV (UTF-8)."})
    check_csv_text(text, field=field)
    return text
