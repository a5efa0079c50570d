"""Bid tabulation exports: CSV and XLSX, from the evaluated bids."""

from __future__ import annotations

import csv
import io

from sourcing.tabulation import BidEvaluation, tabulation_rows


def tabulation_csv(evaluations: list[BidEvaluation]) -> str:
    rows = tabulation_rows(evaluations)
    out = io.StringIO()
    if rows:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return out.getvalue()


def tabulation_xlsx(solicitation, evaluations: list[BidEvaluation]) -> bytes:
    from decimal import Decimal

    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "Bid tabulation"
    ws.append([f"{solicitation.number}: {solicitation.title}"])
    ws["A1"].font = Font(bold=True, size=13)
    rows = tabulation_rows(evaluations)
    if rows:
        header = list(rows[0])
        ws.append(header)
        for cell in ws[2]:
            cell.font = Font(bold=True)
        numeric = {"unit_price_at_estimate", "evaluated_line_cost", "evaluated_total",
                   "price_score", "total_score"}
        for row in rows:
            values = []
            for key in header:
                value = row[key]
                if (key in numeric or key.startswith("score: ")) and value not in ("", None):
                    value = Decimal(value)
                values.append(value)
            ws.append(values)
        for column in ws.columns:
            width = max(len(str(c.value or "")) for c in column[1:]) if len(column) > 1 else 10
            ws.column_dimensions[column[0].column_letter].width = min(max(10, width + 2), 60)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
