"""A backup archive's manifest: what it records (`manifest_build`: EdPool's version, when, the
database vendor and file, the applied migrations, every table's row count and checksum, the audit
chain's head, the sealing keys' ids and every media file's size and SHA-256), which media files
go in (`media_files`: never the development secrets), and whether this EdPool can restore an
archive at all (`archive_refusal`: another database vendor, a newer schema)."""

from __future__ import annotations

import datetime as dt
import os
from importlib import metadata
from pathlib import Path
from typing import Any, Optional

from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

from ops.archive import FORMAT, _sha256_file
from ops.checksums import DatabaseFacts

# Files never put in an archive even if MEDIA_ROOT were set to a folder holding them.
SECRET_FILES = ("dev-bid-sealing-key", "dev-secret-key", "dev-bid-sealing-keys-read",
                "dev-bid-sealing-key.tmp", "dev-bid-sealing-keys-read.tmp")


def edpool_version() -> str:
    try:
        return metadata.version("edpool")
    except metadata.PackageNotFoundError:  # pragma: no cover - not installed
        return "unknown"


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


def media_files(root: Path) -> list[Path]:
    """The regular files under the media folder, in a stable order (no links, no secrets)."""
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


def manifest_build(*, vendor: str, db_file: Path, facts: DatabaseFacts, media_root: Path) -> dict[str, Any]:
    """The manifest of an archive holding `db_file` (taken when `facts` were read) and the media
    folder as it is now."""
    media = []
    for path in media_files(media_root):
        relative = path.relative_to(media_root).as_posix()
        media.append({"path": relative, "size": path.stat().st_size, "sha256": _sha256_file(path)})
    return {
        "format": FORMAT,
        "edpool_version": edpool_version(),
        "created_at": timezone.now().astimezone(dt.timezone.utc).isoformat(timespec="microseconds"),
        "database": {"vendor": vendor, "file": db_file.name,
                     "size": db_file.stat().st_size, "sha256": _sha256_file(db_file)},
        "migrations": facts.migrations,
        "tables": facts.tables,
        "audit_head": facts.audit_head,
        # Which sealing keys (by id, never the key) the bids need: see README "Rotating the sealing key".
        "sealing_key_ids": sealing_key_ids(),
        "media": media,
        "excluded": "The bid-sealing key and SECRET_KEY are never in a backup: keep them apart.",
    }


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
