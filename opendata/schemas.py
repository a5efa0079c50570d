"""The OCDS 1.1.5 schemas and the three extensions EdPool uses, read from the copies kept in
`opendata/schema/` (SOURCES.md says where each comes from), never from the network.

The release schema EdPool publishes against is the core release schema with each extension's
`release-schema.json` applied as a JSON Merge Patch (RFC 7386), which is how OCDS defines
extensions. The algorithm is the RFC's own dozen lines (`merge_patch`): a well-known, tiny one,
kept here rather than adding a dependency for it. Closed codelists whose field lacks an `enum`
get one from the codelist's CSV file (`_enforce_closed_codelists`), so a validator refuses a code
outside the list.
"""

from __future__ import annotations

import copy
import csv
import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

SCHEMA_DIR = Path(__file__).resolve().parent / "schema"
CORE_DIR = SCHEMA_DIR / "1.1.5" / "schema"
VERSION = "1.1"
RELEASE_SCHEMA_URL = "https://standard.open-contracting.org/schema/1__1__5/release-schema.json"

# The extensions EdPool's releases use: the local copy, and the URL of the same file at the same
# commit, which release and record packages list (`extensions`) as the standard expects.
EXTENSIONS: dict[str, dict[str, str]] = {
    "lots": {
        "repository": "open-contracting-extensions/ocds_lots_extension",
        "commit": "8d3b52eb26ce0f1a015c91b665c120b17ef619a0",
    },
    "bid": {
        "repository": "open-contracting-extensions/ocds_bid_extension",
        "commit": "d62ff4b0ba393d823ca8113a9039b12edf7acb8f",
    },
    "techniques": {
        "repository": "open-contracting-extensions/ocds_techniques_extension",
        "commit": "5568b00a8dd694a3d34441bdd9ef2bd3f9d44b11",
    },
}


def extension_urls() -> list[str]:
    """The absolute URLs of the extensions' extension.json files (pinned to the copied commit)."""
    return [f"https://raw.githubusercontent.com/{e['repository']}/{e['commit']}/extension.json"
            for e in EXTENSIONS.values()]


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386 JSON Merge Patch: `patch` applied to `target` (neither is changed)."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = copy.deepcopy(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def _load(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as f:
        return json.load(f)


def _codelist_codes(name: str) -> list[str]:
    """The codes of a codelist CSV: the core's or an extension's (the first one found)."""
    for folder in [CORE_DIR / "codelists"] + [SCHEMA_DIR / "extensions" / e / "codelists" for e in EXTENSIONS]:
        path = folder / name
        if path.exists():
            with path.open(encoding="utf-8", newline="") as f:
                return [row["Code"] for row in csv.DictReader(f)]
    raise FileNotFoundError(f"Codelist {name} is not in opendata/schema.")


def _enforce_closed_codelists(node: Any) -> None:
    if isinstance(node, dict):
        if node.get("codelist") and node.get("openCodelist") is False:
            codes = _codelist_codes(node["codelist"])
            target = node["items"] if node.get("type") == "array" or "array" in (node.get("type") or []) else node
            if "enum" not in target:
                nullable = "null" in (target.get("type") or [])
                target["enum"] = codes + ([None] if nullable else [])
        for value in node.values():
            _enforce_closed_codelists(value)
    elif isinstance(node, list):
        for value in node:
            _enforce_closed_codelists(value)


@lru_cache(maxsize=1)
def _release_schema() -> dict[str, Any]:
    schema = _load(CORE_DIR / "release-schema.json")
    for name in EXTENSIONS:
        schema = merge_patch(schema, _load(SCHEMA_DIR / "extensions" / name / "release-schema.json"))
    _enforce_closed_codelists(schema)
    _fill_dangling_definitions(schema)
    return schema


def _fill_dangling_definitions(schema: dict[str, Any]) -> None:
    """A `$ref` to a definition no patched schema defines (the lots extension's
    `Lot.submissionTerms` refers to the submissionTerms extension's `SubmissionTerms`, which
    EdPool neither uses nor copies) resolves to an open object, so tools that dereference the
    whole schema (ocdsmerge, through jsonref) do not fail on it."""
    text = json.dumps(schema)
    definitions = schema.setdefault("definitions", {})
    for name in sorted(set(re.findall(r'"#/definitions/([A-Za-z0-9_]+)"', text))):
        if name not in definitions:
            definitions[name] = {"title": name, "type": "object",
                                 "description": "Defined by an extension EdPool does not use."}


def release_schema() -> dict[str, Any]:
    """The core release schema with the lots, bid and techniques extensions patched in (a copy)."""
    return copy.deepcopy(_release_schema())


def package_schema(kind: str) -> dict[str, Any]:
    """The release or record package schema (`kind` "release" or "record")."""
    if kind not in ("release", "record"):
        raise ValueError(kind)
    return _load(CORE_DIR / f"{kind}-package-schema.json")


@lru_cache(maxsize=2)
def _validator(kind: str):
    """A Draft 4 validator of a package, its `$ref`s to the release schema resolved to the local
    patched copy (no network)."""
    from jsonschema import Draft4Validator, FormatChecker
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT4

    release = _release_schema()
    registry = Registry().with_resource(RELEASE_SCHEMA_URL,
                                        Resource.from_contents(release, default_specification=DRAFT4))
    return Draft4Validator(package_schema(kind), registry=registry, format_checker=FormatChecker())


def package_errors(package: dict[str, Any], kind: str) -> list[str]:
    """Every schema error of a release or record package, as `path: message` lines."""
    out: list[str] = []

    def report(error) -> None:
        if error.context:  # oneOf/anyOf: the reasons of the branch that went furthest
            deepest = max(error.context, key=lambda e: len(e.absolute_path))
            branch = [e for e in error.context if e.schema_path[0] == deepest.schema_path[0]]
            for sub in branch:
                report(sub)
            return
        path = "/".join(map(str, error.absolute_path)) or "(package)"
        out.append(f"{path}: {error.message[:300]}")

    for error in _validator(kind).iter_errors(package):
        report(error)
    return sorted(set(out))
