"""edpool load-rules [DIR]: load jurisdictions and rules from the YAML data files."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.acting import Actor
from compliance.engine.schema import RuleDataError
from compliance.services.rules import RULES_DIR, rules_load


class Command(BaseCommand):
    help = ("Load compliance rules from YAML files (default: compliance/data/rules). Idempotent; "
            "a changed rule becomes a new version; one bad field and nothing is loaded.")

    def add_arguments(self, parser):
        parser.add_argument("directory", nargs="?", type=Path, default=RULES_DIR)

    def handle(self, *args, directory: Path, **options):
        if not directory.is_dir():
            raise CommandError(f"No such directory: {directory}")
        try:
            report = rules_load(directory=directory, actor=Actor.system("edpool load-rules"))
        except RuleDataError as exc:
            raise CommandError(f"Nothing loaded; {len(exc.problems)} problem(s):\n" + str(exc))
        self.stdout.write(
            f"Rules loaded from {directory}: {report.jurisdictions} jurisdictions, {report.rules} "
            f"rules; {report.created} new version(s), {report.retired} retired, "
            f"{report.unchanged} unchanged.")
