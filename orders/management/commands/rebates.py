"""edpool rebates recompute [--check]: replay every order from the volume events and compare with
the rebate ledger and stored prices."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from orders.selectors import rebates_recompute


class Command(BaseCommand):
    help = "Rebate ledger tools. `recompute --check` exits non-zero on any difference."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        recompute = sub.add_parser("recompute", help="Replay orders and compare with the ledger.")
        recompute.add_argument("--check", action="store_true",
                               help="Exit non-zero if anything differs (the ledger is never rewritten).")

    def handle(self, *args, subcommand: str, check: bool = False, **options):
        started = time.monotonic()
        report = rebates_recompute()
        took = time.monotonic() - started
        self.stdout.write(f"Replayed {report.events_replayed} volume events, {report.lines_checked} order lines "
                          f"in {took:.1f} s: {len(report.differences)} difference(s).")
        for difference in report.differences[:50]:
            self.stdout.write(f"  {difference}")
        if check and not report.ok:
            raise CommandError(f"The rebate ledger differs from the replay in {len(report.differences)} place(s).")
