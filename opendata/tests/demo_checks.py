"""The demo's whole OCDS export validates (called by tests/test_demo.py on the built demo, so it
runs on SQLite and on PostgreSQL in CI): every release and record package against the OCDS 1.1.5
schema with the lots, bid and techniques extensions, offline, closed codelists enforced; and every
record compiled again from the exported releases is the exported record. The export's queries
are bounded: names as of each release (`opendata.names`) cost at most two reads of the audit trail
for the whole export, and each release built costs a few queries whatever its parties (measured
on the demo: 644 queries for 168 releases and 59 records, each record building its releases again:
1.9 a release built; 831 before names were read once and the consortium once an export)."""

import json
import tempfile
from pathlib import Path

from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext


def check_ocds_demo() -> None:
    from opendata.management.commands.export_ocds import validate_folder
    from opendata.selectors import compile_record

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        with CaptureQueriesContext(connection) as queries:
            call_command("export_ocds", "-o", str(folder))
        names_reads = [q for q in queries.captured_queries if "vendor.updated" in q["sql"]]
        assert 1 <= len(names_reads) <= 2, names_reads
        assert validate_folder(folder) == []
        by_ocid: dict[str, list] = {}
        for path in sorted((folder / "releases").glob("*.json")):
            for release in json.loads(path.read_text())["releases"]:
                by_ocid.setdefault(release["ocid"], []).append(release)
        records = sorted((folder / "records").glob("*.json"))
        kinds = {p.name.split("-")[2] for p in records}
        assert kinds == {"sol", "join", "order"}, kinds
        built = sum(len(x) for x in by_ocid.values())
        for path in records:
            record = json.loads(path.read_text())["records"][0]
            assert compile_record(record["ocid"], by_ocid[record["ocid"]]) == record, path.name
            built += len(record["releases"])
        assert len(queries) <= 2.3 * built, (len(queries), built)
