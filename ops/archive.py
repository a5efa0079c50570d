"""Reading an EdPool backup archive: its format's names, and the checks a restore makes before
it changes anything (ops.backup writes archives and restores them).

`archive_open` reads the whole archive (the compressed stream to its end, every member's header,
the manifest) and refuses anything but regular files under plain relative names that are exactly
the files the manifest lists; `_extract_verified` writes the members into a folder, checking each
one's size and SHA-256 against the manifest. Nothing is ever extracted by tarfile itself.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import tarfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

FORMAT = "edpool-backup-v1"
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
MEDIA_DIR = "media"
MAX_MANIFEST_BYTES = 64 * 1024 * 1024
MAX_NAME = 1024

class BackupError(Exception):
    """A backup or restore refused or failed; the message says why and what to do."""


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


DAMAGED = ("The archive is damaged or truncated ({detail}): it cannot be restored. Nothing was changed; "
           "use another copy.")


def _safe_member_name(name: str) -> str:
    """The member's name if it is a plain relative path; otherwise BackupError."""
    shown = repr(name[:120])
    if not isinstance(name, str) or not name or len(name) > MAX_NAME:
        raise BackupError(f"The archive holds a member with an empty or overlong name ({shown}): refused.")
    if "\x00" in name or any(ord(c) < 32 for c in name) or "\\" in name:
        raise BackupError(f"The archive holds a member whose name has control characters or backslashes "
                          f"({shown}): refused.")
    path = PurePosixPath(name)
    if path.is_absolute() or name.startswith("/"):
        raise BackupError(f"The archive holds a member with an absolute path ({shown}): refused.")
    if any(part in ("..", ".", "") for part in name.split("/")) or any(len(p) > 255 for p in path.parts):
        raise BackupError(f"The archive holds a member whose path leaves its folder or is malformed "
                          f"({shown}): refused.")
    return name


@dataclass
class Archive:
    path: Path
    manifest: dict[str, Any]
    members: dict[str, tarfile.TarInfo] = field(default_factory=dict)


def _validate_manifest(manifest: Any) -> dict[str, Any]:
    def bad(what: str) -> BackupError:
        return BackupError(f"The archive's manifest is not valid ({what}): refused. Nothing was changed.")

    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise bad(f"not an EdPool backup manifest of format {FORMAT}")
    database = manifest.get("database")
    if not isinstance(database, dict) or database.get("vendor") not in ("sqlite", "postgresql") \
            or database.get("file") not in (SQLITE_FILE, PG_FILE) \
            or not isinstance(database.get("size"), int) or not _is_hex64(database.get("sha256")):
        raise bad("database")
    migrations = manifest.get("migrations")
    if not isinstance(migrations, list) or not all(
            isinstance(m, list) and len(m) == 2 and all(isinstance(p, str) and p and len(p) < 256 for p in m)
            for m in migrations):
        raise bad("migrations")
    tables = manifest.get("tables")
    if not isinstance(tables, dict) or not tables or not all(
            isinstance(k, str) and isinstance(v, dict) and isinstance(v.get("rows"), int)
            and not isinstance(v.get("rows"), bool) and v["rows"] >= 0 and _is_hex64(v.get("checksum"))
            for k, v in tables.items()):
        raise bad("tables")
    media = manifest.get("media")
    if not isinstance(media, list) or not all(
            isinstance(m, dict) and isinstance(m.get("path"), str) and isinstance(m.get("size"), int)
            and m["size"] >= 0 and _is_hex64(m.get("sha256")) for m in media):
        raise bad("media")
    head = manifest.get("audit_head")
    if head is not None and not (isinstance(head, dict) and isinstance(head.get("last_seq"), int)
                                 and _is_hex64(head.get("last_hash"))):
        raise bad("audit_head")
    return manifest


def _is_hex64(value: Any) -> bool:
    return isinstance(value, str) and len(value) == 64 and all(c in "0123456789abcdef" for c in value)


def archive_open(path: Path) -> Archive:
    """Read an archive's table of contents and manifest, and check that its members are exactly
    the files the manifest lists, under safe names. Reads the whole archive (a truncated one fails
    here); extracts nothing."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path} is not a file.")
    try:
        # The whole compressed stream first: tarfile takes a header cut short after the first member
        # for the end of the archive, so a truncated archive could otherwise look complete. gzip
        # checks the stream's end marker and CRC.
        with gzip.open(path, "rb") as stream:
            while stream.read(1 << 20):
                pass
        with tarfile.open(path, mode="r:gz") as tar:
            members: dict[str, tarfile.TarInfo] = {}
            for member in tar:  # every header: a truncated archive fails before anything is changed
                name = _safe_member_name(member.name)
                if not member.isreg():
                    raise BackupError(f"The archive holds {name!r}, which is not a regular file (a link, "
                                      f"device or folder): refused.")
                if name in members:
                    raise BackupError(f"The archive holds {name!r} twice: refused.")
                members[name] = member
            if MANIFEST not in members:
                raise BackupError("The archive has no manifest.json: it is not an EdPool backup.")
            if members[MANIFEST].size > MAX_MANIFEST_BYTES:
                raise BackupError("The archive's manifest is too large: refused.")
            raw = tar.extractfile(members[MANIFEST]).read()
    except BackupError:
        raise
    except (tarfile.TarError, EOFError, zlib.error, OSError) as exc:
        raise BackupError(DAMAGED.format(detail=str(exc) or type(exc).__name__))
    try:
        manifest = _validate_manifest(json.loads(raw.decode("utf-8")))
    except (UnicodeDecodeError, ValueError) as exc:
        raise BackupError(f"The archive's manifest is not valid JSON ({exc}): refused. Nothing was changed.")
    expected = {MANIFEST: None, manifest["database"]["file"]: manifest["database"]["size"]}
    for item in manifest["media"]:
        expected[f"{MEDIA_DIR}/{_safe_member_name(item['path'])}"] = item["size"]
    unexpected = sorted(set(members) - set(expected))
    missing = sorted(set(expected) - set(members))
    if unexpected or missing:
        raise BackupError("The archive's members differ from its manifest"
                          + (f"; not listed: {', '.join(repr(n[:120]) for n in unexpected[:5])}" if unexpected else "")
                          + (f"; missing: {', '.join(repr(n[:120]) for n in missing[:5])}" if missing else "")
                          + ". Refused; nothing was changed.")
    for name, size in expected.items():
        if size is not None and members[name].size != size:
            raise BackupError(f"{name!r} in the archive is {members[name].size} bytes but the manifest says "
                              f"{size}: refused; nothing was changed.")
    return Archive(path, manifest, members)


def _extract_verified(archive: Archive, into: Path) -> None:
    """Write the database file and the media files under `into` (never outside it: names were
    checked and paths are built here, not by tarfile), checking each SHA-256 against the manifest."""
    wanted = {archive.manifest["database"]["file"]: archive.manifest["database"]["sha256"]}
    for item in archive.manifest["media"]:
        wanted[f"{MEDIA_DIR}/{item['path']}"] = item["sha256"]
    root = into.resolve()
    try:
        with tarfile.open(archive.path, mode="r:gz") as tar:
            for member in tar:
                if member.name not in wanted:
                    continue
                target = (root / member.name).resolve()
                if root not in target.parents:
                    raise BackupError(f"{member.name!r} would be written outside the restore folder: refused.")
                target.parent.mkdir(parents=True, exist_ok=True)
                digest = hashlib.sha256()
                source = tar.extractfile(member)
                fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
                with os.fdopen(fd, "wb") as out:
                    for chunk in iter(lambda: source.read(1 << 20), b""):
                        digest.update(chunk)
                        out.write(chunk)
                if digest.hexdigest() != wanted[member.name]:
                    raise BackupError(f"{member.name!r} in the archive does not match the SHA-256 in its manifest "
                                      f"(altered or damaged): refused; nothing was changed.")
    except BackupError:
        raise
    except (tarfile.TarError, EOFError, zlib.error, OSError) as exc:
        raise BackupError(DAMAGED.format(detail=str(exc) or type(exc).__name__))


# ---------------------------------------------------------------------------------------------
# Restore
