"""edpool import-districts FILE: load LEAs from a California directory or NCES-style CSV."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.acting import Actor
from members.importers import ImportFileError, parse_directory
from members.services import districts_import


class Command(BaseCommand):
    help = ("Import districts from a California directory CSV (cds_code, name, ...) or an "
            "NCES-style CSV (LEAID, name, state, city, enrollment). Re-importing updates; "
            "one bad row and nothing is imported.")

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--format", choices=["auto", "ca", "nces"], default="auto")
        parser.add_argument("--source", default="",
                            help="Where the enrollment figures come from (NCES files), "
                                 "e.g. 'NCES CCD 2023-24'. Default: the file name.")
        parser.add_argument("--year", type=int, default=None,
                            help="School year the enrollment counts are for (NCES files).")

    def handle(self, *args, file: Path, format: str, source: str, year, **options):
        if not file.exists():
            raise CommandError(f"No such file: {file}")
        if year is not None and not 1900 <= year <= 2199:
            raise CommandError(f"--year {year} is not a school year from 1900 to 2199.")
        if "\x00" in source or len(source) > 300:
            raise CommandError("--source must be at most 300 characters, without NUL characters.")
        started = time.monotonic()
        try:
            fmt, records = parse_directory(file, fmt=format, source_label=source or file.name,
                                           default_year=year)
        except ImportFileError as exc:
            raise CommandError(f"Nothing imported; {len(exc.errors)} problem(s) in {file}:\n{exc}")
        except UnicodeDecodeError as exc:
            raise CommandError(f"Nothing imported: {file} is not UTF-8 text ({exc.reason}).")
        total = len(records)
        self.stderr.write(f"{file}: {total} rows in {'California directory' if fmt == 'ca' else 'NCES'} format")
        step = max(1, total // 10)
        show = total >= 200

        def progress(done: int, of: int) -> None:
            if show and (done % step == 0 or done == of):
                self.stderr.write(f"  {done}/{of} ({done * 100 // of}%)")
                sys.stderr.flush()

        try:
            counts = districts_import(records=records, progress=progress,
                                      actor=Actor.system(f"edpool import-districts {file.name}"))
        except ValidationError as exc:
            raise CommandError("Nothing imported: " + " ".join(exc.messages))
        self.stdout.write(
            f"Imported {counts.total} districts from {file.name}: {counts.created} created, "
            f"{counts.updated} updated, {counts.unchanged} unchanged "
            f"({time.monotonic() - started:.1f} s).")
