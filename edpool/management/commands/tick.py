"""edpool tick: all scheduled work in one idempotent command (safe to run twice, e.g. from cron
every few minutes). Time-based states are derived from the clock at read time; this only sends
notices and reminders, each once."""

from __future__ import annotations

import importlib

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

# "module:function" taking today's date and returning a one-line summary.
TASKS = [
    "contracts.tick:expiry_notices",
    "contracts.tick:successor_notices",
    "reports.tick:sales_report_reminders",
    "surveys.tick:survey_reminders",
    "audit.checkpoints:tick_checkpoint",
    "bulkdata.background:expired_downloads",
]


class Command(BaseCommand):
    help = ("Run scheduled work once: agreement expiry and successor notices, reminders, a checkpoint "
            "of the audit trail, prepared downloads past their days removed.")

    def handle(self, *args, **options):
        today = timezone.localdate()
        failed = []
        for task in TASKS:
            module, name = task.split(":")
            try:
                summary = getattr(importlib.import_module(module), name)(today)
            except Exception as exc:  # one task failing must not stop the others; reported below
                failed.append(task)
                self.stderr.write(f"{task}: FAILED: {exc}")
                continue
            self.stdout.write(f"{task}: {summary}")
        if failed:
            raise CommandError(f"{len(failed)} scheduled task(s) failed: {', '.join(failed)}")
