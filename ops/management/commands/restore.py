"""edpool restore FILE [--force [--yes]]: restore an archive written by `edpool backup`, then run
`audit verify` and `rebates recompute --check` (ops.backup)."""

from __future__ import annotations

import sys
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from ops.backup import (BackupError, archive_open, archive_refusal, backup_create, backup_restore, restore_target,
                        unreadable_sealing_keys,
                        safety_backup_path)


class Command(BaseCommand):
    help = ("Restore an archive written by `edpool backup` into an empty database and media folder "
            "(--force replaces a database that holds data, after you type its name; --yes skips the "
            "question for scripts). Checks every table against the manifest, then runs "
            "`audit verify` and `rebates recompute --check`.")

    def add_arguments(self, parser):
        parser.add_argument("archive", metavar="FILE")
        parser.add_argument("--force", action="store_true",
                            help="replace a database and media folder that hold data (asks to type the database's name)")
        parser.add_argument("--yes", action="store_true", help="with --force: do not ask (scripts)")
        parser.add_argument("--no-safety-backup", action="store_true",
                            help="with --force: do not back up the database being replaced first")

    def handle(self, *args, archive: str, force: bool = False, yes: bool = False,
               no_safety_backup: bool = False, **options):
        try:
            manifest = archive_open(Path(archive)).manifest
            refusal = archive_refusal(manifest)
            if refusal:
                raise BackupError(refusal)
            target = restore_target()
            if not target.empty:
                if not force:
                    raise BackupError(
                        f"The database {target.name} holds data ({target.data_rows} users, organisations and "
                        f"audit events) or the media folder holds {target.media_files} file(s): a restore goes "
                        f"into an empty database only. Use --force to replace them. Nothing was changed.")
                if not yes:
                    self._confirm(target, manifest)
                if not no_safety_backup:
                    self._safety_backup()
            result = backup_restore(path=Path(archive), replace=force)
        except BackupError as exc:
            raise CommandError(f"Restore refused: {exc}")
        self.stdout.write(f"Restored {result.tables} tables ({result.rows:,} rows, each count and checksum "
                          f"equal to the manifest) and {result.media_files} media file(s) from the backup of "
                          f"{manifest['created_at']} (EdPool {manifest['edpool_version']}) in {result.seconds:.1f} s.")
        if result.missing_migrations:
            self.stdout.write(f"The archive is from an older EdPool: applying {len(result.missing_migrations)} "
                              f"migration(s).")
            call_command("migrate", interactive=False, verbosity=0)
        self._check("audit", "verify")
        self._check("rebates", "recompute", "--check")
        missing = unreadable_sealing_keys()
        if missing:
            self.stderr.write(f"Warning: sealed bids in this backup are under sealing key(s) {', '.join(missing)}, "
                              "which this server does not hold: set that key in BID_SEALING_KEY or "
                              "BID_SEALING_KEYS_READ (see `edpool keys status`) or those bids cannot be opened.")
        self.stdout.write("Restore complete. Bids sealed before the backup open only with the same BID_SEALING_KEY.")

    def _safety_backup(self) -> None:
        """What --force replaces is backed up first, so a wrong archive can be undone."""
        try:
            result = backup_create(output=safety_backup_path())
        except BackupError as exc:
            raise BackupError(f"The database being replaced could not be backed up first ({exc}); nothing was "
                              f"changed. Add --no-safety-backup to replace it without a backup.")
        self.stdout.write(f"The database and media being replaced were backed up to {result.path}.")

    def _confirm(self, target, manifest) -> None:
        if not sys.stdin.isatty():
            raise BackupError("--force needs a confirmation: run it in a terminal, or add --yes in a script.")
        self.stdout.write(f"This REPLACES everything in the database {target.name} ({target.data_rows} users, "
                          f"organisations and audit events) and the media folder ({target.media_files} file(s)) "
                          f"with the backup of {manifest['created_at']}. It cannot be undone: back them up first.")
        answer = input(f"Type the database's name ({target.name}) to go on: ").strip()
        if answer != target.name:
            raise BackupError("Not confirmed: nothing was changed.")

    def _check(self, *command: str) -> None:
        out = StringIO()
        try:
            call_command(*command, stdout=out, stderr=out)
        except CommandError as exc:
            self.stdout.write(out.getvalue())
            raise CommandError(f"The database was restored, but `edpool {' '.join(command)}` FAILED: {exc}")
        self.stdout.write(out.getvalue().rstrip())
