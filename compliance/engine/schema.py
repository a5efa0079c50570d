"""The rule data format: which kinds of rule exist and which fields each may carry.

Pure Python (no Django): `parse_rule_files` reads the YAML files, checks every field and returns
plain data, or raises `RuleDataError` listing every problem with its file, rule and field."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Optional
from urllib.parse import urlsplit

import yaml

SURENESS = ("verified", "secondary", "unverified")
JURISDICTION_KINDS = ("federal", "state", "consortium")
# The 50 states and DC: every one must be present in the data (possibly with no rules).
REQUIRED_STATES = (
    "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ "
    "NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY").split()

BOOL, INT, STR, LIST, DATE, MONEY = "bool", "int", "str", "list", "date", "money"
# kind -> {field under `requires`: type}; a leading "!" marks a required field.
REQUIRES: dict[str, dict[str, str]] = {
    "privacy_agreement": {
        "!written_agreement": BOOL, "agreement_name": STR, "terms": LIST,
        "attestations_required": LIST, "breach_notice_to_lea_days": INT,
        "breach_notice_lea_to_parents_days": INT, "breach_notice_note": STR, "deletion": STR,
        "deletion_days_after_end": INT, "prohibits": LIST, "lea_must_publish": LIST,
    },
    "procurement": {
        "piggyback_allowed": BOOL, "piggyback_only_single_award": BOOL,
        "board_finding_required": BOOL, "competitive_threshold_usd": MONEY,
        "bid_threshold_usd_by_year": "year_money", "threshold_basis": STR,
        "quotes_between_usd": LIST, "cooperative_satisfies_bidding": BOOL,
        "cooperative_citation": STR, "max_term_years": INT,
    },
    "accessibility": {
        "!standard": STR, "!level": STR, "evidence": STR, "warn_days_before": INT,
        "!compliance_date_by_population": "population_dates",
    },
    "attestation": {"!attestation": STR, "compliance_date": DATE, "obligations": LIST},
    "membership": {"!member_states": LIST},
    "notice": {"!text": STR, "topic": STR, "obligations": LIST, "per_student_usd": MONEY, "floor_usd": MONEY},
}
APPLIES_IF = {"collects_student_data": BOOL, "grade_bands_any": LIST, "product_kinds": LIST}
RULE_KEYS = {"id", "kind", "title", "citation", "effective", "ends", "sureness", "applies_if",
             "requires", "note", "source", "source_url", "checked"}
# `checked` (the day the source was read) may not lie in the future nor before this day.
CHECKED_EARLIEST = dt.date(2000, 1, 1)
MAX_URL = 500
THRESHOLD_BASES = ("per_12_months", "per_purchase")


class RuleDataError(Exception):
    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class RuleEntry:
    rule_id: str
    jurisdiction: str
    kind: str
    title: str
    citation: str
    effective_from: dt.date | None
    effective_to: dt.date | None
    sureness: str
    applies_if: dict[str, Any]
    requires: dict[str, Any]
    note: str
    source_file: str
    data_version: str
    source_url: str = ""
    checked_on: dt.date | None = None

    def content(self) -> dict[str, Any]:
        out = {"id": self.rule_id, "jurisdiction": self.jurisdiction, "kind": self.kind,
                "title": self.title, "citation": self.citation,
                "effective": self.effective_from.isoformat() if self.effective_from else None,
                "ends": self.effective_to.isoformat() if self.effective_to else None,
                "sureness": self.sureness, "applies_if": self.applies_if,
                "requires": self.requires, "note": self.note}
        # Provenance joins the content only when given, so rules without it keep their hash.
        if self.source_url:
            out["source_url"] = self.source_url
        if self.checked_on:
            out["checked"] = self.checked_on.isoformat()
        return out

    @property
    def content_hash(self) -> str:
        text = json.dumps(self.content(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class JurisdictionEntry:
    code: str
    name: str
    kind: str
    details: dict[str, Any]
    source_file: str


@dataclass
class RuleData:
    jurisdictions: list[JurisdictionEntry] = field(default_factory=list)
    rules: list[RuleEntry] = field(default_factory=list)
    files: list[dict[str, str]] = field(default_factory=list)


def _json_value(value: Any, kind: str, where: str, problems: list[str]) -> Any:
    """Check one field's type and return it as plain JSON (dates as ISO text, money as text)."""
    if kind == BOOL:
        if not isinstance(value, bool):
            problems.append(f"{where}: expected true or false, got {value!r}")
        return value
    if kind == INT:
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            problems.append(f"{where}: expected a whole number or null, got {value!r}")
        return value
    if kind == STR:
        if isinstance(value, bool):  # YAML 1.1 reads a bare `yes` as true
            return "yes" if value else "no"
        if not isinstance(value, str):
            problems.append(f"{where}: expected text, got {value!r}")
        return value
    if kind == LIST:
        if not isinstance(value, list):
            problems.append(f"{where}: expected a list, got {value!r}")
            return []
        return [v if isinstance(v, (int, str)) else str(v) for v in value]
    if kind == DATE:
        if not isinstance(value, dt.date):
            problems.append(f"{where}: expected a date (YYYY-MM-DD), got {value!r}")
            return None
        return value.isoformat()
    if kind == MONEY:
        try:
            amount = Decimal(str(value))
        except (InvalidOperation, ValueError):
            problems.append(f"{where}: expected an amount in dollars, got {value!r}")
            return None
        if isinstance(value, float) or amount < 0:
            problems.append(f"{where}: write the amount as a whole number or quoted decimal "
                            f"(no floats), not below zero: {value!r}")
        return str(amount)
    if kind == "year_money":
        if not isinstance(value, dict) or not value:
            problems.append(f"{where}: expected {{year: amount, ...}}, got {value!r}")
            return {}
        out = {}
        for year, amount in value.items():
            if not isinstance(year, int):
                problems.append(f"{where}: year {year!r} is not a year")
                continue
            out[str(year)] = _json_value(amount, MONEY, f"{where}.{year}", problems)
        return out
    if kind == "population_dates":
        if not isinstance(value, list) or not value:
            problems.append(f"{where}: expected a list of {{min_population, date}}")
            return []
        out = []
        for i, row in enumerate(value):
            if not isinstance(row, dict) or set(row) != {"min_population", "date"}:
                problems.append(f"{where}[{i}]: expected {{min_population: N, date: YYYY-MM-DD}}")
                continue
            out.append({"min_population": _json_value(row["min_population"], INT, f"{where}[{i}].min_population", problems),
                        "date": _json_value(row["date"], DATE, f"{where}[{i}].date", problems)})
        return sorted(out, key=lambda r: -(r["min_population"] or 0))
    raise AssertionError(kind)


def _parse_rule(raw: Any, jurisdiction: str, file: str, version: str, index: int, today: Optional[dt.date],
                problems: list[str]) -> RuleEntry | None:
    if not isinstance(raw, dict):
        problems.append(f"{file}: {jurisdiction} rule #{index + 1}: expected a mapping")
        return None
    rid = raw.get("id")
    where = f"{file}: rule {rid or f'#{index + 1} of {jurisdiction}'}"
    if not isinstance(rid, str) or not rid.replace("-", "").replace("_", "").isalnum() or rid != rid.lower():
        problems.append(f"{where}: field id: a lower-case id such as 'ca-ab1584' is required")
        return None
    for key in sorted(set(raw) - RULE_KEYS):
        problems.append(f"{where}: field {key}: unknown field")
    kind = raw.get("kind")
    if kind not in REQUIRES:
        problems.append(f"{where}: field kind: must be one of {', '.join(REQUIRES)}, got {kind!r}")
        return None
    for key in ("title", "citation"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            problems.append(f"{where}: field {key}: required text")
    sureness = raw.get("sureness")
    if sureness not in SURENESS:
        problems.append(f"{where}: field sureness: must be one of {', '.join(SURENESS)}, got {sureness!r}")
    dates = {}
    for key in ("effective", "ends"):
        value = raw.get(key)
        if value is not None and not isinstance(value, dt.date):
            problems.append(f"{where}: field {key}: expected a date (YYYY-MM-DD), got {value!r}")
            value = None
        dates[key] = value
    if dates["effective"] and dates["ends"] and dates["ends"] <= dates["effective"]:
        problems.append(f"{where}: field ends: must be after effective ({dates['effective']})")
    applies_if = {}
    for key, value in (raw.get("applies_if") or {}).items():
        if key not in APPLIES_IF:
            problems.append(f"{where}: field applies_if.{key}: unknown condition (known: {', '.join(APPLIES_IF)})")
            continue
        applies_if[key] = _json_value(value, APPLIES_IF[key], f"{where}: field applies_if.{key}", problems)
    requires_raw = raw.get("requires") or {}
    if not isinstance(requires_raw, dict):
        problems.append(f"{where}: field requires: expected a mapping")
        requires_raw = {}
    spec = {k.lstrip("!"): t for k, t in REQUIRES[kind].items()}
    for key in (k[1:] for k in REQUIRES[kind] if k.startswith("!")):
        if key not in requires_raw:
            problems.append(f"{where}: field requires.{key}: required for a {kind} rule")
    requires = {}
    for key, value in requires_raw.items():
        if key not in spec:
            problems.append(f"{where}: field requires.{key}: unknown for a {kind} rule (known: {', '.join(spec)})")
            continue
        requires[key] = _json_value(value, spec[key], f"{where}: field requires.{key}", problems)
    if requires.get("threshold_basis") not in (None, *THRESHOLD_BASES):
        problems.append(f"{where}: field requires.threshold_basis: one of {', '.join(THRESHOLD_BASES)}")
    source_url = _source_url(raw.get("source_url"), where, problems)
    checked = raw.get("checked")
    if checked is not None and (not isinstance(checked, dt.date) or isinstance(checked, dt.datetime)):
        problems.append(f"{where}: field checked: expected a date (YYYY-MM-DD), got {checked!r}")
        checked = None
    elif checked is not None and (checked < CHECKED_EARLIEST
                                  or (today is not None and checked > today + dt.timedelta(days=1))):
        problems.append(f"{where}: field checked: {checked} is not a day the source could have been read")
        checked = None
    note = raw.get("note") or ""
    if raw.get("source"):
        note = (note + " Source: " + str(raw["source"])).strip()
    return RuleEntry(rule_id=rid, jurisdiction=jurisdiction, kind=kind,
                     title=str(raw.get("title") or "").strip(),
                     citation=str(raw.get("citation") or "").strip(),
                     effective_from=dates["effective"], effective_to=dates["ends"],
                     sureness=sureness or "unverified", applies_if=applies_if, requires=requires,
                     note=str(note), source_file=file, data_version=version,
                     source_url=source_url, checked_on=checked)


def _source_url(value: Any, where: str, problems: list[str]) -> str:
    """An optional http(s) link to where the fact was read: no spaces, control characters or
    credentials, at most MAX_URL characters."""
    if value is None:
        return ""
    if not isinstance(value, str) or not value.strip():
        problems.append(f"{where}: field source_url: expected a link starting http:// or https://, got {value!r}")
        return ""
    parts = urlsplit(value) if value.isprintable() and " " not in value else None
    if (parts is None or parts.scheme not in ("http", "https") or not parts.hostname
            or "." not in parts.hostname or parts.username or parts.password or len(value) > MAX_URL):
        problems.append(f"{where}: field source_url: expected a link starting http:// or https:// "
                        f"(at most {MAX_URL} characters, no spaces), got {value[:80]!r}")
        return ""
    return value


# libyaml's safe loader when PyYAML was built with it (its wheels are): the same documents, about
# ten times faster than the pure-Python one (every rules load parses all 51 jurisdictions).
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_rule_files(directory: Path, *, today: Optional[dt.date] = None) -> RuleData:
    """Read every `*.yaml` in `directory`. All problems are collected, then raised together.
    `today` (the consortium's day, from the caller): a `checked` date after it is refused."""
    problems: list[str] = []
    data = RuleData()
    files = sorted(Path(directory).glob("*.yaml"))
    if not files:
        raise RuleDataError([f"{directory}: no *.yaml rule files"])
    seen_codes: dict[str, str] = {}
    for path in files:
        name = path.name
        text = path.read_bytes()
        try:
            doc = yaml.load(text, Loader=_SAFE_LOADER)
        except yaml.YAMLError as exc:
            problems.append(f"{name}: not valid YAML: {exc}")
            continue
        if not isinstance(doc, dict) or "jurisdictions" not in doc or "version" not in doc:
            problems.append(f"{name}: expected top-level fields version and jurisdictions")
            continue
        version = str(doc["version"])
        data.files.append({"file": name, "version": version,
                           "sha256": hashlib.sha256(text).hexdigest()})
        for j_index, raw in enumerate(doc["jurisdictions"] or []):
            code = raw.get("code") if isinstance(raw, dict) else None
            if not isinstance(code, str) or not code.isalpha() or not code.isupper():
                problems.append(f"{name}: jurisdiction #{j_index + 1}: field code: upper-case letters required")
                continue
            if code in seen_codes:
                problems.append(f"{name}: jurisdiction {code}: already defined in {seen_codes[code]}")
                continue
            seen_codes[code] = name
            kind = raw.get("kind", "state")
            if kind not in JURISDICTION_KINDS:
                problems.append(f"{name}: jurisdiction {code}: field kind: one of {', '.join(JURISDICTION_KINDS)}")
            if kind == "state" and len(code) != 2:
                problems.append(f"{name}: jurisdiction {code}: field code: a state's postal code has two letters")
            if not isinstance(raw.get("name"), str):
                problems.append(f"{name}: jurisdiction {code}: field name: required text")
            details = {k: v for k, v in raw.items() if k not in ("code", "name", "kind", "rules")}
            data.jurisdictions.append(JurisdictionEntry(code=code, name=str(raw.get("name")),
                                                        kind=kind, details=details, source_file=name))
            rules = raw.get("rules") or []
            if not isinstance(rules, list):
                problems.append(f"{name}: jurisdiction {code}: field rules: expected a list")
                continue
            for index, rule in enumerate(rules):
                entry = _parse_rule(rule, code, name, version, index, today, problems)
                if entry is not None:
                    data.rules.append(entry)
    missing = [s for s in REQUIRED_STATES if s not in seen_codes]
    if missing:
        problems.append(f"{directory}: states missing from the data (list them with rules: []): {', '.join(missing)}")
    by_id: dict[str, list[RuleEntry]] = {}
    for entry in data.rules:
        by_id.setdefault(entry.rule_id, []).append(entry)
    for rid, entries in by_id.items():
        if len({e.jurisdiction for e in entries}) > 1:
            problems.append(f"{entries[1].source_file}: rule {rid}: the same id is used in two jurisdictions")
        if len({e.kind for e in entries}) > 1:
            problems.append(f"{entries[1].source_file}: rule {rid}: field kind: all periods of a rule have one kind")
        spans = sorted(entries, key=lambda e: e.effective_from or dt.date.min)
        for a, b in zip(spans, spans[1:]):
            if a.effective_to is None or (b.effective_from or dt.date.min) < a.effective_to:
                problems.append(f"{b.source_file}: rule {rid}: field effective: periods overlap "
                                f"(close the earlier one with `ends`)")
    if problems:
        raise RuleDataError(problems)
    return data
