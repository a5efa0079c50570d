"""Pooled demand as CSV and XLSX (openpyxl, already a dependency for the bid tabulation): one row
per need with its figures, then one row per state rule."""

from __future__ import annotations

import csv
import io

from catalog import musthaves
from catalog.choices import GRADE_BANDS
from surveys.pooled import NeedDemand
from vendors.service_area import state_name

BANDS = [code for code, _ in GRADE_BANDS]
HEADER = (["need", "description", "category", "kind", "unit", "committed_total", "interested_total"]
          + [f"committed_{b}" for b in BANDS] + [f"interested_{b}" for b in BANDS]
          + ["committed_districts", "interested_districts", "states", "state_names", "budget_median", "budget_low",
             "budget_high", "shared_must_haves", "contract_ends_by_quarter"])


def _cell(value) -> str:
    text = "" if value is None else str(value)
    # A cell starting like a formula is read as one by spreadsheets: quote it.
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def demand_rows(demand: list[NeedDemand]) -> list[list]:
    rows = []
    for d in demand:
        rows.append([d.need.reference, d.need.description, d.need.category, d.need.kind, d.need.unit,
                     d.committed_total, d.interested_total]
                    + [d.committed.get(b, 0) for b in BANDS] + [d.interested.get(b, 0) for b in BANDS]
                    + [d.committed_districts, d.interested_districts, " ".join(d.states),
                       "; ".join(d.state_names),
                       d.budget_median, d.budget_low, d.budget_high,
                       "; ".join(f"{musthaves.label(c)} ({share}%)" for c, _, share in d.shared_must_haves),
                       "; ".join(f"{q}: {n}" for q, n in d.contract_ends.items())])
    return rows


RULE_HEADER = ["state", "state_name", "rule", "title", "citation", "kind"]


def rule_rows(rules: dict[str, list]) -> list[list]:
    return [[state, state_name(state), r.rule_id, r.title, r.citation, r.kind]
            for state, items in rules.items() for r in items]


def demand_csv(demand: list[NeedDemand], rules: dict[str, list]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for row in demand_rows(demand):
        writer.writerow([_cell(v) for v in row])
    writer.writerow([])
    writer.writerow(RULE_HEADER)
    for row in rule_rows(rules):
        writer.writerow([_cell(v) for v in row])
    return out.getvalue()


def demand_xlsx(title: str, demand: list[NeedDemand], rules: dict[str, list]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Pooled demand"
    sheet.append([title[:200]])
    sheet.append(HEADER)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in demand_rows(demand):
        sheet.append([_cell(v) if isinstance(v, str) else v
                      for v in row])
    rules_sheet = book.create_sheet("State rules")
    rules_sheet.append(RULE_HEADER)
    for row in rule_rows(rules):
        rules_sheet.append([_cell(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
