"""A dataset's rows as CSV (streamed, row by row) or as an XLSX workbook (openpyxl's write-only
mode, written to a temporary file), in bounded memory either way.

CSV: UTF-8 without a byte order mark, like EdPool's other exports; money as plain decimal text
("1234.50"), moments in the consortium's local time with their UTC offset, yes/no as words; a
text cell that would start like a formula is quoted (`core.exportcells`).

XLSX: one sheet of rows and a "Columns" sheet that says what each column holds. A sheet holds at
most 1,048,576 rows: a file that would need more (the header included) is refused before any
row is written, naming the CSV download instead."""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from decimal import Decimal
from typing import IO, Iterable, Iterator, Optional

from django.core.exceptions import ValidationError
from django.utils import timezone

from bulkdata.datasets import DATE, INT, KIND_HELP, MONEY, MOMENT, YESNO, Dataset
from core.exportcells import formula_safe, xlsx_text

CSV_TYPE = "text/csv"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = {"csv": CSV_TYPE, "xlsx": XLSX_TYPE}
XLSX_ROW_LIMIT = 1_048_576  # rows in an Excel sheet, the header row included
CURRENCY = '"$"#,##0.00'
MOMENT_FORMAT = "yyyy-mm-dd hh:mm:ss"
DATE_FORMAT = "yyyy-mm-dd"


class TooManyRows(ValidationError):
    """The file would not fit in an Excel sheet."""


def _local(value: dt.datetime) -> dt.datetime:
    return timezone.localtime(value).replace(microsecond=0) if timezone.is_aware(value) else value.replace(microsecond=0)


def csv_value(value, kind: str) -> str:
    if value is None:
        return ""
    if kind == YESNO:
        return "yes" if value else "no"
    if kind == MOMENT and isinstance(value, dt.datetime):
        return _local(value).isoformat()
    if isinstance(value, (Decimal, int, dt.date)) and not isinstance(value, bool):
        return value.isoformat() if isinstance(value, dt.date) else str(value)
    return formula_safe(str(value))


class _Echo:
    """A file-like object whose write() hands back the line csv.writer made."""

    def write(self, value: str) -> str:
        return value


def csv_lines(dataset: Dataset, rows: Iterable[tuple]) -> Iterator[str]:
    """The CSV text, one line at a time: the header, then each row."""
    writer = csv.writer(_Echo())
    kinds = [c.kind for c in dataset.columns]
    yield writer.writerow(dataset.header)
    for row in rows:
        yield writer.writerow([csv_value(v, k) for v, k in zip(row, kinds)])


def xlsx_check_fits(dataset: Dataset, rows: int, *, every_district: bool = False) -> None:
    """Refuse (TooManyRows) a workbook of more rows than a sheet holds."""
    if rows + 1 > XLSX_ROW_LIMIT:
        raise TooManyRows(
            f"The {dataset.title.lower()} file would have {rows:,} rows, more than an Excel sheet holds "
            f"({XLSX_ROW_LIMIT - 1:,} below the header). Download it as CSV instead"
            + (", or choose one district." if every_district else "."))


def xlsx_file(dataset: Dataset, rows: Iterable[tuple], *, expected: Optional[int] = None,
              every_district: bool = False) -> IO[bytes]:
    """The workbook in a temporary file (rewound, deleted when closed). `expected`, the row count
    if known, is checked first; rows beyond the limit are refused all the same."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    if expected is not None:
        xlsx_check_fits(dataset, expected, every_district=every_district)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(dataset.title[:31])
    bold = Font(bold=True)

    def header_cell(text: str):
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = bold
        return cell

    sheet.append([header_cell(c.name) for c in dataset.columns])
    formats = {MONEY: CURRENCY, MOMENT: MOMENT_FORMAT, DATE: DATE_FORMAT}
    kinds = [c.kind for c in dataset.columns]
    written = 0
    for row in rows:
        written += 1
        if written + 1 > XLSX_ROW_LIMIT:
            xlsx_check_fits(dataset, written, every_district=every_district)
        out = []
        for value, kind in zip(row, kinds):
            if value is None:
                out.append(None)
            elif kind in formats:
                if kind == MOMENT and isinstance(value, dt.datetime):
                    value = _local(value).replace(tzinfo=None)
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = formats[kind]
                out.append(cell)
            elif kind == YESNO:
                out.append("yes" if value else "no")
            elif kind == INT:
                out.append(value)
            else:
                out.append(xlsx_text(str(value)))
        sheet.append(out)
    guide = book.create_sheet("Columns")
    guide.append([header_cell("column"), header_cell("label"), header_cell("kind"), header_cell("what it holds")])
    for c in dataset.columns:
        guide.append([c.name, c.label, KIND_HELP[c.kind], xlsx_text(c.help)])
    guide.append([])
    guide.append(["rows", xlsx_text(dataset.what)])
    guide.append(["notes", xlsx_text(dataset.notes)])
    out_file = tempfile.TemporaryFile()
    book.save(out_file)
    out_file.seek(0)
    return out_file
