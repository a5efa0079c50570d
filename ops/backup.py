"""Backups and restore of a whole EdPool: the database and the media folder in one archive.

An archive is a tar.gz holding
  manifest.json      what the archive holds (`ops.manifest`): EdPool's version, when, the database
                     vendor, the applied migrations, every table's row count and checksum, the
                     audit chain's head, and the size and SHA-256 of every other member;
  database.sqlite3   SQLite: a copy made with SQLite's online backup API (consistent while the
                     server runs; `ops.backup_sqlite`), or
  database.pgdump    PostgreSQL: `pg_dump -Fc` taken from the same snapshot the manifest's
                     checksums were computed in (`pg_export_snapshot`), restored with `pg_restore`
                     (`ops.backup_postgres`);
  media/...          every file under MEDIA_ROOT (uploaded documents, sealed bid documents).

Copies are exact: audit timestamps keep their microseconds (dumpdata/loaddata would cut them and
break the audit chain), sequences keep their values. Never in an archive: the bid-sealing key
(BID_SEALING_KEY, var/dev-bid-sealing-key) and SECRET_KEY; a restored EdPool needs the same
sealing key to open the bids sealed before the backup (README "Backups").

A restore refuses, before changing anything: an archive that is damaged or truncated, whose
members differ from the manifest, that holds anything but regular files under plain relative
names (no absolute paths, `..`, links or devices: members are never extracted by tarfile
itself), made by a newer EdPool (a migration this code does not know), for another database
vendor, or into a database or media folder that holds data (unless `replace`). The database's
row counts and checksums are compared with the manifest after restoring (SQLite: also before,
on the extracted copy); on a difference the restored database is emptied again. Row counts and
checksums: `ops.checksums`; reading an archive safely: `ops.archive`.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import shutil
import tarfile
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

# What callers used to find here stays importable from ops.backup (the commands, the tests).
from ops.archive import (DAMAGED, FORMAT, MANIFEST, MAX_MANIFEST_BYTES, MAX_NAME, MEDIA_DIR, PG_FILE,  # noqa: F401
                         SQLITE_FILE, Archive, BackupError, _extract_verified, _sha256_file, archive_open)
from ops.backup_postgres import _pg_env, _pg_tool, _run, pg_dump, pg_restore  # noqa: F401
from ops.backup_sqlite import sqlite_dump, sqlite_restore
from ops.checksums import DatabaseFacts, database_facts, sqlite_file_facts, table_digest  # noqa: F401
from ops.manifest import (SECRET_FILES, archive_refusal, edpool_version, known_migrations,  # noqa: F401
                          manifest_build, media_files, migrations_refusal, sealing_key_ids,
                          unreadable_sealing_keys)

# Tables whose rows say whether a database holds EdPool data (`migrate` alone fills none of them).
DATA_TABLES = ("accounts_user", "audit_auditevent", "orgs_organisation")


# ---------------------------------------------------------------------------------------------
# Backup

@dataclass(frozen=True)
class BackupResult:
    path: Path
    manifest: dict[str, Any]
    seconds: float


def default_backup_path() -> Path:
    stamp = timezone.now().astimezone(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    return Path(settings.VAR_DIR) / "backups" / f"edpool-backup-{stamp}.tar.gz"


def safety_backup_path() -> Path:
    stamp = timezone.now().astimezone(dt.timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    return Path(settings.VAR_DIR) / "backups" / f"edpool-before-restore-{stamp}.tar.gz"


def backup_create(*, output: Optional[Path] = None, using: str = DEFAULT_DB_ALIAS) -> BackupResult:
    """Write one archive of the database and the media folder (see the module's docstring);
    returns where and its manifest. The archive appears whole or not at all (written beside it,
    then renamed), readable by its owner only."""
    started = time.monotonic()
    connection = connections[using]
    output = Path(output or default_backup_path()).resolve()
    if output.is_dir():
        raise BackupError(f"{output} is a folder: give the archive's file name.")
    media_root = Path(settings.MEDIA_ROOT).resolve()
    if media_root == output.parent or media_root in output.parents:
        raise BackupError(f"Do not write the archive inside the media folder ({media_root}).")
    output.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".edpool-backup-", dir=output.parent))
    try:
        if connection.vendor == "sqlite":
            db_file, facts = sqlite_dump(connection, work)
        elif connection.vendor == "postgresql":
            db_file, facts = pg_dump(connection, using, work)
        else:
            raise BackupError(f"Backups of a {connection.vendor} database are not supported.")
        manifest = manifest_build(vendor=connection.vendor, db_file=db_file, facts=facts, media_root=media_root)
        manifest_bytes = json.dumps(manifest, indent=1, sort_keys=True).encode("utf-8")
        partial = work / "archive.tar.gz"
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz", format=tarfile.PAX_FORMAT) as tar:
            _add_bytes(tar, MANIFEST, manifest_bytes)
            _add_file(tar, db_file.name, db_file)
            for item in manifest["media"]:
                _add_file(tar, f"{MEDIA_DIR}/{item['path']}", media_root / item["path"])
        os.replace(partial, output)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return BackupResult(output, manifest, time.monotonic() - started)


def _tarinfo(name: str, size: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mode = 0o600
    info.mtime = int(timezone.now().timestamp())
    return info


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    tar.addfile(_tarinfo(name, len(data)), io.BytesIO(data))


def _add_file(tar: tarfile.TarFile, name: str, path: Path) -> None:
    with open(path, "rb") as fh:
        tar.addfile(_tarinfo(name, os.fstat(fh.fileno()).st_size), fh)


# ---------------------------------------------------------------------------------------------
# Restore

@dataclass(frozen=True)
class Target:
    vendor: str
    name: str  # what to type to confirm a replacement
    data_rows: int  # rows in DATA_TABLES
    tables: int
    media_files: int

    @property
    def empty(self) -> bool:
        return self.data_rows == 0 and self.media_files == 0


def restore_target(using: str = DEFAULT_DB_ALIAS) -> Target:
    connection = connections[using]
    with connection.cursor() as cursor:
        tables = set(connection.introspection.table_names(cursor))
        rows = 0
        for table in DATA_TABLES:
            if table in tables:
                cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
                rows += cursor.fetchone()[0]
    name = str(connection.settings_dict["NAME"])
    if connection.vendor == "sqlite":
        name = Path(name).name  # type the file's name to confirm, not its whole path
    return Target(connection.vendor, name, rows, len(tables), len(media_files(Path(settings.MEDIA_ROOT))))


@dataclass(frozen=True)
class RestoreResult:
    manifest: dict[str, Any]
    tables: int
    rows: int
    media_files: int
    missing_migrations: list[str]
    seconds: float


def backup_restore(*, path: Path, replace: bool = False, using: str = DEFAULT_DB_ALIAS) -> RestoreResult:
    """Restore an archive into this EdPool's database and media folder. Refuses (changing nothing)
    anything `archive_open` refuses, a newer schema, another vendor, and a target holding data
    unless `replace` (the caller has asked for confirmation). Compares every table's rows with the
    manifest after restoring. The caller then runs `audit verify` and `rebates recompute --check`."""
    started = time.monotonic()
    connection = connections[using]
    archive = archive_open(Path(path))
    manifest = archive.manifest
    refusal = archive_refusal(manifest, using)
    if refusal:
        raise BackupError(refusal)
    if connection.vendor == "postgresql":
        pg_restore_tool = _pg_tool("pg_restore")

    media_root = Path(settings.MEDIA_ROOT).resolve()
    media_root.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".edpool-restore-", dir=media_root.parent))
    set_aside: Optional[Path] = None
    try:
        needed = manifest["database"]["size"] * 2 + sum(m["size"] for m in manifest["media"])
        free = shutil.disk_usage(staging).free
        if needed > free:
            raise BackupError(f"The archive needs {needed:,} bytes to restore but {staging.parent} has {free:,} "
                              f"free: refused; nothing was changed.")
        # The whole archive is read and checked first (a damaged archive is refused as such, whatever
        # the target holds), then the target: nothing of it has been touched yet.
        _extract_verified(archive, staging)
        target = restore_target(using)
        if not target.empty and not replace:
            raise BackupError(
                f"The database {target.name} holds data ({target.data_rows} users, organisations and audit events) "
                f"or the media folder holds {target.media_files} file(s): a restore goes into an empty database "
                f"and media folder only. Use --force to replace them (after a backup of them). Nothing was changed.")
        db_file = staging / manifest["database"]["file"]
        if connection.vendor == "sqlite":
            sqlite_restore(connection, db_file, manifest, staging)
        else:
            pg_restore(connection, using, db_file, manifest, pg_restore_tool)
        # The media folder: the restored one replaces the old one in two renames.
        restored_media = staging / MEDIA_DIR
        restored_media.mkdir(exist_ok=True)
        if media_root.exists():
            set_aside = Path(tempfile.mkdtemp(prefix=".edpool-media-before-restore-", dir=media_root.parent))
            os.replace(media_root, set_aside / "media")
        os.replace(restored_media, media_root)
        if set_aside is not None:
            shutil.rmtree(set_aside, ignore_errors=True)
            set_aside = None
    except BaseException:
        if set_aside is not None and not media_root.exists():  # pragma: no cover - a failed rename
            os.replace(set_aside / "media", media_root)
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        if set_aside is not None:
            shutil.rmtree(set_aside, ignore_errors=True)
    return RestoreResult(manifest, len(manifest["tables"]), sum(t["rows"] for t in manifest["tables"].values()),
                         len(manifest["media"]), pending_migrations(using), time.monotonic() - started)


def pending_migrations(using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """Migrations of this code not applied to the database (an archive made by an older EdPool)."""
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connections[using])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{m.app_label}.{m.name}" for m, _ in plan]
