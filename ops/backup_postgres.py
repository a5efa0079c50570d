"""PostgreSQL's side of a backup and a restore (ops.backup), with PostgreSQL's own client
programs (`pg_dump`, `pg_restore`, of the server's major version).

Backup: `pg_dump -Fc` taken from the same snapshot the manifest's checksums are computed in
(`pg_export_snapshot`), so both agree even while EdPool runs. Restore: every table is dropped,
`pg_restore` runs in one transaction, and the result is compared with the manifest; on a
difference the database is emptied again. The password never goes on a command line."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

from django.db import transaction

from ops.archive import PG_FILE, BackupError
from ops.checksums import DatabaseFacts, _facts, database_facts, facts_compare


def _pg_env(settings_dict: dict[str, Any]) -> dict[str, str]:
    """libpq's environment for pg_dump/pg_restore: the password never goes on a command line."""
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"),
                     ("PASSWORD", "PGPASSWORD"), ("NAME", "PGDATABASE")):
        if settings_dict.get(key):
            env[var] = str(settings_dict[key])
    options = settings_dict.get("OPTIONS") or {}
    for key, var in (("sslmode", "PGSSLMODE"), ("sslrootcert", "PGSSLROOTCERT"),
                     ("sslcert", "PGSSLCERT"), ("sslkey", "PGSSLKEY")):
        if options.get(key):
            env[var] = str(options[key])
    return env


def _pg_tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        raise BackupError(f"{name} is not installed (or not on PATH): PostgreSQL backups need PostgreSQL's "
                          f"client programs of the server's major version (Debian: apt-get install "
                          f"postgresql-client).")
    return path


def _run(args: list[str], env: dict[str, str], what: str) -> None:
    done = subprocess.run(args, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True)
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip()[-2000:]
        raise BackupError(f"{what} failed (exit {done.returncode}): {detail}")


def pg_dump(connection, using: str, work: Path) -> tuple[Path, DatabaseFacts]:
    """Dump the database into `work`; the dump and the facts of the same snapshot."""
    db_file = work / PG_FILE
    pg_dump_tool = _pg_tool("pg_dump")
    if connection.in_atomic_block:
        raise BackupError("A backup cannot run inside a transaction.")
    # The dump and the manifest's checksums see the same snapshot, even while EdPool runs.
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        _run([pg_dump_tool, "--format=custom", f"--snapshot={snapshot}", "--no-password",
              f"--file={db_file}"], _pg_env(connection.settings_dict), "pg_dump")
        facts = _facts(cursor, connection.introspection.table_names(cursor),
                       connection.ops.quote_name)
    return db_file, facts


def _pg_drop_all(connection) -> None:
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        if tables:
            cursor.execute("DROP TABLE IF EXISTS " + ", ".join(connection.ops.quote_name(t) for t in tables)
                           + " CASCADE")


def pg_restore(connection, using: str, db_file: Path, manifest: dict[str, Any], pg_restore_tool: str) -> None:
    """Replace every table with the archive's dump `db_file` and check it against the manifest;
    on a difference the database is emptied again (BackupError saying so)."""
    connection.close()
    _pg_drop_all(connection)
    try:
        _run([pg_restore_tool, "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error",
              "--no-password", f"--dbname={connection.settings_dict['NAME']}", str(db_file)],
             _pg_env(connection.settings_dict), "pg_restore")
        connection.close()
        facts_compare(manifest, database_facts(using), "restored database")
    except BackupError as exc:
        connection.close()
        _pg_drop_all(connection)
        raise BackupError(f"{exc} The database was emptied again (no tables): nothing was changed "
                          f"if it was empty before; restore another copy.")
