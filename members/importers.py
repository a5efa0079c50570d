"""Reading district directory files into DistrictRecords, with row-and-field errors.

Two formats, told apart by their header:
- California directory (CDE "Public Districts"): cds_code, county, name, city, zip, state,
  latitude, longitude, district_type, status.
- NCES-style: LEAID, name, state, city, enrollment, and optionally ST_LEAID (to join to a state
  file), county, zip, type, year. Header names are matched case-insensitively, with the CCD
  spellings (LEA_NAME, ST / STATE / LSTATE, LCITY, MEMBER / ENROLLMENT, SCHOOL_YEAR) accepted.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Optional

from members.services import DistrictRecord
from orgs.states import STATE_CODES

MAX_ERRORS_SHOWN = 20
# Longest value any column may hold (the longest District column is 300 characters); longer is
# refused by row and field, like a NUL character, before anything is looked up or stored.
MAX_FIELD_CHARS = 300
# Whole numbers of students: more than the largest US district by far.
MAX_ENROLLMENT = 5_000_000


@dataclass(frozen=True)
class RowError:
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}, field '{self.field}': {self.message}"


class ImportFileError(Exception):
    """The file cannot be imported; nothing was imported."""

    def __init__(self, errors: list[RowError] | str):
        self.errors = [errors] if isinstance(errors, str) else errors
        shown = [str(e) for e in self.errors[:MAX_ERRORS_SHOWN]]
        more = len(self.errors) - len(shown)
        text = "\n".join(shown) + (f"\n... and {more} more errors" if more > 0 else "")
        super().__init__(text)


CA_COLUMNS = ("cds_code", "name", "state")
NCES_ALIASES = {
    "leaid": ("leaid", "nces_leaid"),
    "name": ("name", "lea_name"),
    "state": ("state", "st", "lstate", "state_abbr"),
    "city": ("city", "lcity"),
    "enrollment": ("enrollment", "member", "students"),
    "st_leaid": ("st_leaid", "state_leaid"),
    "county": ("county", "county_name", "coname"),
    "zip": ("zip", "lzip"),
    "type": ("type", "lea_type", "lea_type_text"),
    "year": ("year", "school_year", "enrollment_year"),
}


def _clean(value: Optional[str]) -> str:
    value = (value or "").strip()
    return "" if value.lower() in ("no data", "n/a", "na", "null") else value


def _decimal(value: str, line: int, field: str, low: int, high: int, errors: list) -> Optional[Decimal]:
    if not value:
        return None
    try:
        number = Decimal(value).quantize(Decimal("0.000001"))
    except InvalidOperation:
        errors.append(RowError(line, field, f"{value!r} is not a number"))
        return None
    if not (low <= number <= high):
        errors.append(RowError(line, field, f"{value} is outside {low}..{high}"))
        return None
    return number


def _bounded(value: str, line: int, field: str, maximum: int, errors: list) -> str:
    if len(value) > maximum:
        errors.append(RowError(line, field, f"{len(value):,} characters; at most {maximum} are allowed"))
        return value[:maximum]
    return value


def _state(value: str, line: int, field: str, errors: list) -> str:
    code = value.upper()
    if code not in STATE_CODES:
        errors.append(RowError(line, field, f"{value!r} is not a two-letter US state code"))
    return code


def _read(source: Path | str | io.TextIOBase) -> tuple[list[str], list[dict[str, str]]]:
    if isinstance(source, (str, Path)):
        text = Path(source).read_text(encoding="utf-8-sig")
    else:
        text = source.read()
        text = text.lstrip("\ufeff")
    reader = csv.DictReader(io.StringIO(text))
    try:
        header = [h.strip().lower() for h in (reader.fieldnames or [])]
        reader.fieldnames = header
        rows = []
        for row in reader:
            if None in row:
                row["__extra__"] = row.pop(None)
            rows.append(row)
    except csv.Error as exc:  # e.g. a field longer than csv's limit of 131,072 characters
        line = len(rows) + 2 if "rows" in locals() else 1  # the record being read
        raise ImportFileError([RowError(line, "*", f"unreadable CSV ({exc})")])
    return header, rows


def _text_problems(header: list[str], rows: list[dict[str, str]]):
    """NUL characters and over-long values, by line and field (header included)."""
    for name in header:
        if "\x00" in name or len(name) > MAX_FIELD_CHARS:
            yield RowError(1, _shown(name), "a column name with a NUL character or over "
                                            f"{MAX_FIELD_CHARS} characters")
    for index, row in enumerate(rows):
        for field, value in row.items():
            if field == "__extra__" or not isinstance(value, str):
                continue
            if "\x00" in value:
                yield RowError(index + 2, _shown(field), "contains a NUL character (\\0); remove it")
            elif len(value) > MAX_FIELD_CHARS:
                yield RowError(index + 2, _shown(field), f"{len(value):,} characters; at most "
                                                         f"{MAX_FIELD_CHARS} are allowed")


def _shown(name: str) -> str:
    return name.replace("\x00", "\\0")[:60]


def detect_format(header: list[str]) -> str:
    if all(c in header for c in CA_COLUMNS):
        return "ca"
    if any(a in header for a in NCES_ALIASES["leaid"]):
        return "nces"
    raise ImportFileError(
        "Unknown file format: expected a California directory header (cds_code, name, state, ...) "
        "or an NCES header (LEAID, name, state, city, enrollment). Found: " + ", ".join(header))


def parse_ca(rows: list[dict[str, str]]) -> tuple[list[DistrictRecord], list[RowError]]:
    records, errors = [], []
    for index, row in enumerate(rows):
        line = index + 2  # the header is line 1
        if "__extra__" in row:
            errors.append(RowError(line, "*", "the row has more fields than the header"))
            continue
        cds = _clean(row.get("cds_code"))
        name = _clean(row.get("name"))
        if not cds:
            errors.append(RowError(line, "cds_code", "missing"))
        elif not re.fullmatch(r"\d{6,7}", cds):
            errors.append(RowError(line, "cds_code", f"{cds!r} is not a 7-digit CDS district code"))
        if not name:
            errors.append(RowError(line, "name", "missing"))
        state = _state(_clean(row.get("state")) or "CA", line, "state", errors)
        latitude = _decimal(_clean(row.get("latitude")), line, "latitude", -90, 90, errors)
        longitude = _decimal(_clean(row.get("longitude")), line, "longitude", -180, 180, errors)
        zip_code = _clean(row.get("zip"))
        if zip_code and not re.fullmatch(r"\d{5}(-\d{4})?", zip_code):
            errors.append(RowError(line, "zip", f"{zip_code!r} is not a ZIP code"))
        records.append(DistrictRecord(
            name=name, state=state, state_leaid=f"{state}-{cds.zfill(7)}" if cds else None,
            lea_type=_bounded(_clean(row.get("district_type")), line, "district_type", 100, errors),
            county=_bounded(_clean(row.get("county")), line, "county", 100, errors),
            city=_bounded(_clean(row.get("city")), line, "city", 100, errors), zip_code=zip_code[:10],
            latitude=latitude, longitude=longitude,
            directory_status=_bounded(_clean(row.get("status")), line, "status", 30, errors)))
    return records, errors


def _pick(row: dict[str, str], key: str) -> tuple[str, str]:
    for alias in NCES_ALIASES[key]:
        if alias in row:
            return alias, _clean(row.get(alias))
    return NCES_ALIASES[key][0], ""


def parse_nces(rows: list[dict[str, str]], *, source_label: str,
               default_year: Optional[int]) -> tuple[list[DistrictRecord], list[RowError]]:
    records, errors = [], []
    for index, row in enumerate(rows):
        line = index + 2
        if "__extra__" in row:
            errors.append(RowError(line, "*", "the row has more fields than the header"))
            continue
        f_leaid, leaid = _pick(row, "leaid")
        f_name, name = _pick(row, "name")
        f_state, state = _pick(row, "state")
        if not re.fullmatch(r"\d{7}", leaid):
            errors.append(RowError(line, f_leaid, f"{leaid!r} is not a 7-digit NCES LEAID"
                                   if leaid else "missing"))
        if not name:
            errors.append(RowError(line, f_name, "missing"))
        if not state:
            errors.append(RowError(line, f_state, "missing"))
        else:
            state = _state(state, line, f_state, errors)
        f_enrol, enrol_text = _pick(row, "enrollment")
        enrollment = None
        if enrol_text:
            digits = enrol_text.replace(",", "")
            if not (digits.isascii() and digits.isdigit()) or len(digits) > 9 or int(digits) > MAX_ENROLLMENT:
                errors.append(RowError(line, f_enrol, f"{enrol_text[:40]!r} is not a whole number of "
                                                      f"students from 0 to {MAX_ENROLLMENT:,}"))
            else:
                enrollment = int(digits)
        f_year, year_text = _pick(row, "year")
        year = default_year
        if year_text:
            match = re.match(r"(\d{4})", year_text)
            if not match:
                errors.append(RowError(line, f_year, f"{year_text!r} is not a year"))
            else:
                year = int(match.group(1))
        _, st_leaid = _pick(row, "st_leaid")
        if st_leaid and not re.fullmatch(r"[A-Z]{2}-[A-Za-z0-9-]{1,27}", st_leaid):
            errors.append(RowError(line, "st_leaid", f"{st_leaid!r} is not like 'CA-0110017'"))
        f_city, city = _pick(row, "city")
        f_county, county = _pick(row, "county")
        f_type, lea_type = _pick(row, "type")
        records.append(DistrictRecord(
            name=name, state=state, nces_leaid=leaid or None, state_leaid=st_leaid or None,
            city=_bounded(city, line, f_city, 100, errors),
            county=_bounded(county, line, f_county, 100, errors),
            zip_code=_pick(row, "zip")[1][:10],
            lea_type=_bounded(lea_type, line, f_type, 100, errors) or None,
            enrollment=enrollment,
            enrollment_year=year if enrollment is not None else None,
            enrollment_source=source_label if enrollment is not None else None,
            enrollment_is_estimate=False if enrollment is not None else None))
    return records, errors


def check_duplicates(records: list[DistrictRecord]) -> list[RowError]:
    errors, seen = [], {}
    for index, record in enumerate(records):
        for field, key in (("nces_leaid", record.nces_leaid), ("state_leaid", record.state_leaid)):
            if key is None:
                continue
            if (field, key) in seen:
                errors.append(RowError(index + 2, field,
                                       f"{key} appears twice (also on line {seen[(field, key)]})"))
            else:
                seen[(field, key)] = index + 2
    return errors


def parse_directory(source, *, fmt: str = "auto", source_label: str = "",
                    default_year: Optional[int] = None) -> tuple[str, list[DistrictRecord]]:
    """Parse a whole file; raise ImportFileError listing every bad row and field."""
    header, rows = _read(source)
    if not header:
        raise ImportFileError("The file is empty.")
    fmt = detect_format(header) if fmt == "auto" else fmt
    if fmt == "ca":
        records, errors = parse_ca(rows)
    elif fmt == "nces":
        records, errors = parse_nces(rows, source_label=source_label or "NCES file",
                                     default_year=default_year)
    else:
        raise ImportFileError(f"Unknown format {fmt!r}; use auto, ca or nces.")
    errors += check_duplicates(records)
    errors = list(_text_problems(header, rows)) + errors
    if errors:
        raise ImportFileError(sorted(errors, key=lambda e: e.line))
    if not records:
        raise ImportFileError("The file has a header but no rows.")
    return fmt, records
