"""A spend report as CSV and XLSX: one section (sheet) per breakdown. Money stays exact: plain
decimal text in the CSV ("1234.50"), Decimal cells with a currency format in the workbook; a
cell that would start like a formula is quoted."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from analytics.spend import SpendReport

CURRENCY = '"$"#,##0.00'
PERCENT_FMT = '0.0"%"'


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, (Decimal, int)) and not isinstance(value, bool):
        return value
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def sections(report: SpendReport) -> list[tuple[str, list[str], list[list], set[int], set[int]]]:
    """(title, header, rows, money column indexes, percent column indexes) per breakdown."""
    line_header = ["spend", "share_percent", "rebates_earned", "orders", "units"]

    def lines(items, key_header):
        return [[l.label, l.spend, l.share, l.earned, l.orders if l.orders is not None else "", l.units] for l in items]

    out = [
        ("Summary", ["figure", "value"], [
            ["who", report.who], ["filters", report.filters.describe()], ["spend", report.total],
            ["rebates_earned", report.earned], ["orders", report.orders], ["order_lines", report.lines],
            ["units", report.units], ["districts_buying", report.buying_districts],
        ] + ([["spend_per_student", report.per_student.value], ["students", report.per_student.students],
              ["students_estimated", "yes" if report.per_student.estimated else "no"],
              ["per_student_of", report.per_student.who]] if report.per_student else []), set(), set()),
        ("By category", ["category"] + line_header, lines(report.by_category, "category"), {1, 3}, {2}),
        ("By vendor", ["vendor"] + line_header, lines(report.by_vendor, "vendor"), {1, 3}, {2}),
        ("By month", ["month"] + line_header, lines(report.by_month, "month"), {1, 3}, {2}),
    ]
    if report.scope == "consortium":
        out.append(("By state", ["state"] + line_header, lines(report.by_state, "state"), {1, 3}, {2}))
        out.append(("Concentration", ["category", "spend", "vendors", "top_vendor", "top_vendor_share_percent",
                                      "hhi", "level"],
                    [[c.category, c.spend, c.vendors, c.top_vendor, c.top_share, c.hhi, c.level]
                     for c in report.concentration], {1}, {4}))
        out.append(("Per student", ["district", "state", "spend", "students", "students_estimated",
                                    "spend_per_student"],
                    [[d.district, d.state, d.spend, d.students, "yes" if d.estimated else "no", d.per_student]
                     for d in report.districts], {2, 5}, set()))
    elif report.consortium is not None and report.consortium.shown:
        c = report.consortium
        out.append(("Consortium", ["category", "spend", "share_percent", "rebates_earned"],
                    [["(all)", c.total, Decimal("100.0") if c.total else Decimal("0.0"), ""]]
                    + [[l.label, l.spend, l.share, l.earned] for l in c.by_category], {1, 3}, {2}))
    return out


def spend_csv(report: SpendReport) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for title, header, rows, _, _ in sections(report):
        writer.writerow([title])
        writer.writerow(header)
        for row in rows:
            writer.writerow([_cell(v) for v in row])
        writer.writerow([])
    return buffer.getvalue()


def spend_xlsx(report: SpendReport) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    for title, header, rows, money_cols, percent_cols in sections(report):
        sheet = book.create_sheet(title[:31])
        sheet.append(header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([_cell(v) for v in row])
            for index in money_cols:
                cell = sheet.cell(row=sheet.max_row, column=index + 1)
                if isinstance(cell.value, Decimal):
                    cell.number_format = CURRENCY
            for index in percent_cols:
                cell = sheet.cell(row=sheet.max_row, column=index + 1)
                if isinstance(cell.value, Decimal):
                    cell.number_format = PERCENT_FMT
        if title == "Summary":
            for row in sheet.iter_rows(min_row=2):
                if isinstance(row[1].value, Decimal) and row[0].value in ("spend", "rebates_earned",
                                                                          "spend_per_student"):
                    row[1].number_format = CURRENCY
        sheet.column_dimensions["A"].width = 40
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
