"""What a database holds, as a backup's manifest records it and a restore checks it: every table's
row count and checksum, the applied migrations and the audit chain's head (`DatabaseFacts`), read
from a live database (`database_facts`) or from an SQLite file (`sqlite_file_facts`), and the
comparison of those facts with a manifest (`facts_compare`).

Row checksums are the same on the database backed up and the database restored, whatever order
the rows come back in and whichever vendor read them."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterable, Optional
from uuid import UUID

from django.db import DEFAULT_DB_ALIAS, connections, transaction

from ops.archive import BackupError


def _canonical(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, bool):
        return ["b", value]
    if isinstance(value, int):
        return ["i", str(value)]
    if isinstance(value, float):
        return ["f", repr(value)]
    if isinstance(value, str):
        return ["s", value]
    if isinstance(value, (bytes, bytearray, memoryview)):
        return ["x", bytes(value).hex()]
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return ["t", value.isoformat()]  # microseconds and offset included
    if isinstance(value, (Decimal, UUID)):
        return ["d", str(value)]
    if isinstance(value, (dict, list)):
        return ["j", json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))]
    return [type(value).__name__, str(value)]


def table_digest(cursor, table: str, quote) -> dict[str, Any]:
    """A table's row count and checksum: SHA-256 of its column names and of the sum (mod 2**256)
    of every row's SHA-256, so the order rows come back in does not matter but every value of
    every row (and how many times it occurs) does."""
    cursor.execute(f"SELECT * FROM {quote(table)}")
    columns = [c[0] for c in cursor.description]
    total, rows = 0, 0
    while True:
        batch = cursor.fetchmany(2000)
        if not batch:
            break
        for row in batch:
            encoded = json.dumps([_canonical(v) for v in row], ensure_ascii=False, separators=(",", ":"))
            total = (total + int.from_bytes(hashlib.sha256(encoded.encode("utf-8")).digest(), "big")) % (1 << 256)
            rows += 1
    checksum = hashlib.sha256(json.dumps([columns, f"{total:064x}"]).encode()).hexdigest()
    return {"rows": rows, "checksum": checksum}


def _sqlite_quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sqlite_tables(conn: sqlite3.Connection) -> list[str]:
    return [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
        "ORDER BY name")]


@dataclass
class DatabaseFacts:
    tables: dict[str, dict[str, Any]]
    migrations: list[list[str]]
    audit_head: Optional[dict[str, Any]]


def _facts(cursor, tables: Iterable[str], quote) -> DatabaseFacts:
    tables = sorted(tables)
    digests = {t: table_digest(cursor, t, quote) for t in tables}
    migrations: list[list[str]] = []
    if "django_migrations" in digests:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
        migrations = [[str(a), str(n)] for a, n in cursor.fetchall()]
    head = None
    if "audit_audithead" in digests:
        cursor.execute("SELECT last_seq, last_hash FROM audit_audithead WHERE id = 1")
        row = cursor.fetchone()
        if row:
            head = {"last_seq": int(row[0]), "last_hash": str(row[1])}
    return DatabaseFacts(digests, migrations, head)


def sqlite_file_facts(path: Path) -> DatabaseFacts:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return _facts(conn.cursor(), _sqlite_tables(conn), _sqlite_quote)
    finally:
        conn.close()


def database_facts(using: str = DEFAULT_DB_ALIAS) -> DatabaseFacts:
    """Row counts, checksums, migrations and audit head of a live database (one snapshot)."""
    connection = connections[using]
    with transaction.atomic(using=using), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        tables = connection.introspection.table_names(cursor)
        return _facts(cursor, tables, connection.ops.quote_name)


def facts_compare(manifest: dict[str, Any], facts: DatabaseFacts, where: str) -> None:
    """Raise BackupError naming the differences (at most 8) between `facts` and the manifest's."""
    expected = manifest["tables"]
    differences = []
    for table in sorted(set(expected) | set(facts.tables)):
        want, got = expected.get(table), facts.tables.get(table)
        if want is None or got is None:
            differences.append(f"{table}: {'not in the manifest' if want is None else 'missing'}")
        elif want["rows"] != got["rows"]:
            differences.append(f"{table}: {got['rows']} rows, the manifest says {want['rows']}")
        elif want["checksum"] != got["checksum"]:
            differences.append(f"{table}: checksum differs")
    if facts.migrations != manifest["migrations"]:
        differences.append("applied migrations differ from the manifest")
    if facts.audit_head != manifest["audit_head"]:
        differences.append("audit chain head differs from the manifest")
    if differences:
        raise BackupError(f"The {where} does not match the archive's manifest ({len(differences)} difference(s): "
                          f"{'; '.join(differences[:8])}{'; ...' if len(differences) > 8 else ''}).")
