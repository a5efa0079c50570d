"""The demo's whole OCDS export validates (called by tests/test_demo.py on the built demo, so it
runs on SQLite and on PostgreSQL in CI): every release and record package against the OCDS 1.1.5
schema with the lots, bid and techniques extensions, offline, closed codelists enforced; and every
record compiled again from the exported releases is the exported record."""

import json
import tempfile
from pathlib import Path

from django.core.management import call_command


def check_ocds_demo() -> None:
    from opendata.management.commands.export_ocds import validate_folder
    from opendata.selectors import compile_record

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        call_command("export_ocds", "-o", str(folder))
        assert validate_folder(folder) == []
        by_ocid: dict[str, list] = {}
        for path in sorted((folder / "releases").glob("*.json")):
            for release in json.loads(path.read_text())["releases"]:
                by_ocid.setdefault(release["ocid"], []).append(release)
        records = sorted((folder / "records").glob("*.json"))
        kinds = {p.name.split("-")[2] for p in records}
        assert kinds == {"sol", "join", "order"}, kinds
        for path in records:
            record = json.loads(path.read_text())["records"][0]
            assert compile_record(record["ocid"], by_ocid[record["ocid"]]) == record, path.name
