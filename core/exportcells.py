"""Cells of the CSV and XLSX files EdPool writes for people to open in a spreadsheet.

- A text cell that starts like a formula (=, +, -, @, a tab or a carriage return) is read as one
  by Excel and LibreOffice (CSV injection, OWASP): it is written with a leading apostrophe.
  Numbers are never quoted: a negative amount stays a number.
- Characters XML 1.0 cannot carry (control characters other than tab, newline and carriage
  return) make openpyxl refuse the whole workbook; they are dropped from XLSX cells.

This module is a foundation: it imports nothing from EdPool's apps."""

from __future__ import annotations

import re

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def formula_safe(text: str) -> str:
    """`text`, with a leading apostrophe when a spreadsheet would read it as a formula."""
    return "'" + text if text[:1] in FORMULA_STARTS else text


def xlsx_text(text: str) -> str:
    """`text` safe for an XLSX cell: formula-safe, without the characters XML cannot carry."""
    return formula_safe(_NOT_XML.sub("", text))
