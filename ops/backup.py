"""Backups and restore of a whole EdPool: the database and the media folder in one archive.

An archive is a tar.gz holding
  manifest.json      what the archive holds (see `_manifest`): EdPool's version, when, the database
                     vendor, the applied migrations, every table's row count and checksum, the
                     audit chain's head, and the size and SHA-256 of every other member;
  database.sqlite3   SQLite: a copy made with SQLite's online backup API (consistent while the
                     server runs), or
  database.pgdump    PostgreSQL: `pg_dump -Fc` taken from the same snapshot the manifest's
                     checksums were computed in (`pg_export_snapshot`), restored with `pg_restore`;
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
on the extracted copy); on a difference the restored database is emptied again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from decimal import Decimal
from importlib import metadata
from pathlib import Path
from typing import Any, Iterable, Optional
from uuid import UUID

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone

from ops.archive import (DAMAGED, FORMAT, MANIFEST, MAX_MANIFEST_BYTES, MAX_NAME, MEDIA_DIR, PG_FILE,  # noqa: F401
                         SQLITE_FILE, Archive, BackupError, _extract_verified, _sha256_file, archive_open)

# Tables whose rows say whether a database holds EdPool data (`migrate` alone fills none of them).
DATA_TABLES = ("accounts_user", "audit_auditevent", "orgs_organisation")
# Files never put in an archive even if MEDIA_ROOT were set to a folder holding them.
SECRET_FILES = ("dev-bid-sealing-key", "dev-secret-key", "dev-bid-sealing-keys-read",
                "dev-bid-sealing-key.tmp", "dev-bid-sealing-keys-read.tmp")


def sealing_key_ids() -> list[str]:
    """The ids of the sealing keys the stored bids are under (never a key: see sourcing.sealing);
    "" stands for bids sealed before keys had ids."""
    from sourcing.selectors.keys import sealing_key_status

    status = sealing_key_status()
    return sorted(set(status.bids) | set(status.documents))


def unreadable_sealing_keys() -> list[str]:
    """The key ids stored bids are under that this server does not hold (after a restore: set the
    matching key in BID_SEALING_KEY or BID_SEALING_KEYS_READ)."""
    from sourcing import sealing

    readable = set(sealing.readable_key_ids())
    return [k for k in sealing_key_ids() if k and k not in readable]


# ---------------------------------------------------------------------------------------------
# Row checksums: the same on the database backed up and the database restored.

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


# ---------------------------------------------------------------------------------------------
# Helpers

def edpool_version() -> str:
    try:
        return metadata.version("edpool")
    except metadata.PackageNotFoundError:  # pragma: no cover - not installed
        return "unknown"


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


def _sqlite_path(connection) -> Path:
    name = str(connection.settings_dict["NAME"])
    if name == ":memory:" or name.startswith("file:") or "mode=memory" in name:
        raise BackupError("The database is in memory: there is no file to restore into.")
    return Path(name).resolve()


def _media_files(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    found = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if path.is_symlink() or not path.is_file() or name in SECRET_FILES:
                continue
            found.append(path)
    return found


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
    import time

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
            db_file = work / SQLITE_FILE
            connection.ensure_connection()
            target = sqlite3.connect(db_file)
            try:
                connection.connection.backup(target)  # SQLite's online backup API
                target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            finally:
                target.close()
            facts = sqlite_file_facts(db_file)
        elif connection.vendor == "postgresql":
            db_file = work / PG_FILE
            pg_dump = _pg_tool("pg_dump")
            if connection.in_atomic_block:
                raise BackupError("A backup cannot run inside a transaction.")
            # The dump and the manifest's checksums see the same snapshot, even while EdPool runs.
            with transaction.atomic(using=using), connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                cursor.execute("SELECT pg_export_snapshot()")
                snapshot = cursor.fetchone()[0]
                _run([pg_dump, "--format=custom", f"--snapshot={snapshot}", "--no-password",
                      f"--file={db_file}"], _pg_env(connection.settings_dict), "pg_dump")
                facts = _facts(cursor, connection.introspection.table_names(cursor),
                               connection.ops.quote_name)
        else:
            raise BackupError(f"Backups of a {connection.vendor} database are not supported.")

        media = []
        for path in _media_files(media_root):
            relative = path.relative_to(media_root).as_posix()
            media.append({"path": relative, "size": path.stat().st_size, "sha256": _sha256_file(path)})
        manifest = {
            "format": FORMAT,
            "edpool_version": edpool_version(),
            "created_at": timezone.now().astimezone(dt.timezone.utc).isoformat(timespec="microseconds"),
            "database": {"vendor": connection.vendor, "file": db_file.name,
                         "size": db_file.stat().st_size, "sha256": _sha256_file(db_file)},
            "migrations": facts.migrations,
            "tables": facts.tables,
            "audit_head": facts.audit_head,
            # Which sealing keys (by id, never the key) the bids need: see README "Rotating the sealing key".
            "sealing_key_ids": sealing_key_ids(),
            "media": media,
            "excluded": "The bid-sealing key and SECRET_KEY are never in a backup: keep them apart.",
        }
        manifest_bytes = json.dumps(manifest, indent=1, sort_keys=True).encode("utf-8")
        partial = work / "archive.tar.gz"
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz", format=tarfile.PAX_FORMAT) as tar:
            _add_bytes(tar, MANIFEST, manifest_bytes)
            _add_file(tar, db_file.name, db_file)
            for item in media:
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
    import io

    tar.addfile(_tarinfo(name, len(data)), io.BytesIO(data))


def _add_file(tar: tarfile.TarFile, name: str, path: Path) -> None:
    with open(path, "rb") as fh:
        tar.addfile(_tarinfo(name, os.fstat(fh.fileno()).st_size), fh)


# ---------------------------------------------------------------------------------------------
# Reading an archive safely

def known_migrations() -> set[tuple[str, str]]:
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = set(loader.disk_migrations)
    for migration in loader.disk_migrations.values():
        known.update(tuple(r) for r in migration.replaces)
    return known


def migrations_refusal(manifest: dict[str, Any]) -> Optional[str]:
    unknown = [f"{app}.{name}" for app, name in manifest["migrations"] if (app, name) not in known_migrations()]
    if unknown:
        return (f"The archive was made by a newer EdPool (version {manifest.get('edpool_version', '?')}) or "
                f"another branch: its database has {len(unknown)} migration(s) this code does not know "
                f"({', '.join(unknown[:5])}{', ...' if len(unknown) > 5 else ''}). Install that version "
                f"of EdPool (or newer) and restore again. Nothing was changed.")
    return None


def archive_refusal(manifest: dict[str, Any], using: str = DEFAULT_DB_ALIAS) -> Optional[str]:
    """Why this EdPool cannot restore the archive at all (another database vendor, a newer schema)."""
    vendor = connections[using].vendor
    if manifest["database"]["vendor"] != vendor:
        return (f"The archive holds a {manifest['database']['vendor']} database but this EdPool uses {vendor}: "
                f"restore it on an EdPool with the same database. Nothing was changed.")
    return migrations_refusal(manifest)


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
    return Target(connection.vendor, name, rows, len(tables), len(_media_files(Path(settings.MEDIA_ROOT))))


@dataclass(frozen=True)
class RestoreResult:
    manifest: dict[str, Any]
    tables: int
    rows: int
    media_files: int
    missing_migrations: list[str]
    seconds: float


def _compare(manifest: dict[str, Any], facts: DatabaseFacts, where: str) -> None:
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


def _pg_drop_all(connection) -> None:
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        if tables:
            cursor.execute("DROP TABLE IF EXISTS " + ", ".join(connection.ops.quote_name(t) for t in tables)
                           + " CASCADE")


def backup_restore(*, path: Path, replace: bool = False, using: str = DEFAULT_DB_ALIAS) -> RestoreResult:
    """Restore an archive into this EdPool's database and media folder. Refuses (changing nothing)
    anything `archive_open` refuses, a newer schema, another vendor, and a target holding data
    unless `replace` (the caller has asked for confirmation). Compares every table's rows with the
    manifest after restoring. The caller then runs `audit verify` and `rebates recompute --check`."""
    import time

    started = time.monotonic()
    connection = connections[using]
    archive = archive_open(Path(path))
    manifest = archive.manifest
    refusal = archive_refusal(manifest, using)
    if refusal:
        raise BackupError(refusal)
    if connection.vendor == "postgresql":
        pg_restore = _pg_tool("pg_restore")

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
                _compare(manifest, sqlite_file_facts(db_file), "database in the archive")
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
                _compare(manifest, sqlite_file_facts(_sqlite_path(connection)), "restored database")
            except BackupError as exc:
                _sqlite_copy(staging / "before.sqlite3", connection)
                raise BackupError(f"{exc} The database was put back as it was; nothing was changed.")
            except BaseException:
                _sqlite_copy(staging / "before.sqlite3", connection)
                raise
        else:
            connection.close()
            _pg_drop_all(connection)
            try:
                _run([pg_restore, "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error",
                      "--no-password", f"--dbname={connection.settings_dict['NAME']}", str(db_file)],
                     _pg_env(connection.settings_dict), "pg_restore")
                connection.close()
                _compare(manifest, database_facts(using), "restored database")
            except BackupError as exc:
                connection.close()
                _pg_drop_all(connection)
                raise BackupError(f"{exc} The database was emptied again (no tables): nothing was changed "
                                  f"if it was empty before; restore another copy.")
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
