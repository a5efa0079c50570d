"""SQLite's side of a backup and a restore (ops.backup).

Backup: a copy made with SQLite's online backup API, consistent while the server runs, in one
self-contained file (`database.sqlite3` in the archive). Restore: the archive's copy must pass
SQLite's integrity check and match the manifest before anything is touched; the database is then
replaced page by page, compared with the manifest again, and put back as it was on a difference
or any failure."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from ops.archive import SQLITE_FILE, BackupError
from ops.checksums import DatabaseFacts, facts_compare, sqlite_file_facts


def _sqlite_path(connection) -> Path:
    name = str(connection.settings_dict["NAME"])
    if name == ":memory:" or name.startswith("file:") or "mode=memory" in name:
        raise BackupError("The database is in memory: there is no file to restore into.")
    return Path(name).resolve()


def sqlite_dump(connection, work: Path) -> tuple[Path, DatabaseFacts]:
    """Copy the database into `work` (SQLite's online backup API); the copy and its facts."""
    db_file = work / SQLITE_FILE
    connection.ensure_connection()
    target = sqlite3.connect(db_file)
    try:
        connection.connection.backup(target)  # SQLite's online backup API
        target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
    finally:
        target.close()
    return db_file, sqlite_file_facts(db_file)


def _sqlite_copy(source_file: Path, connection) -> None:
    """Replace the whole database behind `connection` with `source_file` (SQLite's backup API:
    page by page, the destination locked meanwhile)."""
    connection.close()
    connection.ensure_connection()
    source = sqlite3.connect(f"file:{source_file}?mode=ro", uri=True)
    try:
        source.backup(connection.connection)
    finally:
        source.close()
        connection.close()


def sqlite_restore(connection, db_file: Path, manifest: dict[str, Any], staging: Path) -> None:
    """Replace the database with the archive's copy `db_file` (extracted into `staging`), or
    change nothing (BackupError saying so)."""
    try:
        check = sqlite3.connect(f"file:{db_file}?mode=ro", uri=True)
        try:
            ok = check.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            check.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"The archive's database is not a usable SQLite file ({exc}). Nothing was changed.")
    if ok != "ok":
        raise BackupError(f"The archive's database fails SQLite's integrity check ({ok}). Nothing was changed.")
    try:  # before touching anything
        facts_compare(manifest, sqlite_file_facts(db_file), "database in the archive")
    except BackupError as exc:
        raise BackupError(f"{exc} Nothing was changed.")
    # What the database held before, put back if the copy fails or does not match.
    connection.close()
    connection.ensure_connection()
    before = sqlite3.connect(staging / "before.sqlite3")
    try:
        connection.connection.backup(before)
    finally:
        before.close()
    try:
        _sqlite_copy(db_file, connection)
        facts_compare(manifest, sqlite_file_facts(_sqlite_path(connection)), "restored database")
    except BackupError as exc:
        _sqlite_copy(staging / "before.sqlite3", connection)
        raise BackupError(f"{exc} The database was put back as it was; nothing was changed.")
    except BaseException:
        _sqlite_copy(staging / "before.sqlite3", connection)
        raise
