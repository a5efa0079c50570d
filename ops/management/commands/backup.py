"""edpool backup [-o FILE]: the database and the media folder in one archive (ops.backup)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ops.backup import BackupError, backup_create


class Command(BaseCommand):
    help = ("Write one archive (tar.gz) of the database and the media folder with a manifest (version, "
            "migrations, every table's row count and checksum, the audit chain's head). Never the "
            "bid-sealing key nor SECRET_KEY: keep those apart (README \"Backups\").")

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", metavar="FILE",
                            help="where to write the archive (default var/backups/edpool-backup-<UTC time>.tar.gz)")

    def handle(self, *args, output=None, **options):
        try:
            result = backup_create(output=Path(output) if output else None)
        except BackupError as exc:
            raise CommandError(f"Backup failed: {exc}")
        manifest = result.manifest
        rows = sum(t["rows"] for t in manifest["tables"].values())
        head = manifest["audit_head"] or {"last_seq": 0}
        self.stdout.write(
            f"Backup written to {result.path} ({result.path.stat().st_size:,} bytes) in {result.seconds:.1f} s: "
            f"{manifest['database']['vendor']} database, {len(manifest['tables'])} tables, {rows:,} rows, "
            f"{len(manifest['media'])} media file(s), audit chain up to event #{head['last_seq']}.")
        if getattr(settings, "S3_MEDIA_BUCKET", ""):
            self.stderr.write(
                f"Uploaded documents are in the S3 bucket {settings.S3_MEDIA_BUCKET!r}, not in this archive: "
                "back the bucket up with the store's own versioning and replication (docs/deploy.md).")
        self.stdout.write("The bid-sealing key is not in the archive: a restore needs the same "
                          "BID_SEALING_KEY to open the bids sealed before this backup.")
