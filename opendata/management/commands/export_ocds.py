"""`edpool export-ocds [--since DATE] [-o DIR]`: write EdPool's OCDS data as files.

DIR/releases/releases-00001.json, ...: release packages of up to 100 releases each, oldest first,
the same pages `GET /api/v1/ocds/releases` serves (each package's `uri` is that page's URL);
DIR/records/<ocid>.json: the record package of every process with a release in the export (the
same package `GET /api/v1/ocds/records/<ocid>` serves, indented). Running it again on the same data writes the
same files.

`--validate` checks every package written against the OCDS 1.1.5 schema with the lots, bid and
techniques extensions (the copies in opendata/schema, offline; closed codelists enforced) and exits
non-zero naming each error. It needs `jsonschema` (installed with the test extras).
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from opendata import selectors


class Command(BaseCommand):
    help = "Write OCDS 1.1.5 release packages and record packages (see README, Open contracting data)."

    def add_arguments(self, parser):
        parser.add_argument("--since", default="", help="Only releases dated this day (YYYY-MM-DD) or later.")
        parser.add_argument("-o", "--output", default="ocds-export", help="The folder to write (default ocds-export).")
        parser.add_argument("--validate", action="store_true",
                            help="Check every package against the OCDS schema and extensions (offline).")

    def handle(self, *args, since: str, output: str, validate: bool = False, **options):
        from opendata.api import _since

        try:
            moment = _since(since) if since else None
        except ValueError:
            raise CommandError(f"--since {since!r}: give a date (YYYY-MM-DD) or an ISO date-time.")
        folder = Path(output)
        (folder / "releases").mkdir(parents=True, exist_ok=True)
        (folder / "records").mkdir(parents=True, exist_ok=True)
        cursor, number, ocids, count = "", 0, {}, 0
        names = selectors.names()  # one history of names for the whole export
        while True:
            package, cursor = selectors.release_package(since=moment, cursor=cursor or "", names=names)
            if not package["releases"] and number:
                break
            number += 1
            if cursor:
                package["links"] = {"next": selectors.releases_url(since=since, cursor=cursor)}
            _write(folder / "releases" / f"releases-{number:05d}.json", package)
            count += len(package["releases"])
            ocids.update(dict.fromkeys(selectors.ocids_of(package["releases"])))
            if not cursor:
                break
        for ocid in ocids:
            record = selectors.record_package(ocid, names)
            if record is not None:
                _write(folder / "records" / f"{ocid}.json", record)
        self.stdout.write(f"Wrote {count} releases in {number} release package(s) and {len(ocids)} "
                          f"record package(s) to {folder}/.")
        if validate:
            problems = validate_folder(folder)
            if problems:
                raise CommandError("Not valid OCDS:\n" + "\n".join(problems[:200]))
            self.stdout.write("Every package is valid OCDS 1.1.5 (with the lots, bid and techniques extensions).")


def validate_folder(folder: Path) -> list[str]:
    """Every schema error of the packages under `folder` (releases/ and records/), as lines."""
    try:
        import jsonschema  # noqa: F401
    except ImportError:  # pragma: no cover - a production install without the test extras
        raise CommandError("--validate needs jsonschema: pip install -e '.[test]'.")
    from opendata.schemas import package_errors

    problems = []
    for kind, sub in (("release", "releases"), ("record", "records")):
        for path in sorted((folder / sub).glob("*.json")):
            package = json.loads(path.read_text(encoding="utf-8"))
            problems += [f"{path.name}: {error}" for error in package_errors(package, kind)]
    return problems


def _write(path: Path, data) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
