"""`edpool rollup check` recomputes every bucket of the monthly rollup (analytics.MonthRollup)
from the orders and the savings table, lists the ones that differ, changes nothing and exits 1
when any does (for a nightly job: the savings refresh keeps it right in the order's own
transaction, this proves it); `edpool rollup rebuild` rewrites the buckets that differ. Run
`edpool savings rebuild` first if the savings table itself may be wrong (its rebuild refreshes the
rollup's buckets of the lines it fixes)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from analytics.rollup import check


class Command(BaseCommand):
    help = "Check (or rebuild) the monthly spend and savings rollup against the orders."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["rebuild", "check"])

    def handle(self, *args, action: str, **options):
        report = check(repair=action == "rebuild")
        for problem in report.problems[:50]:
            self.stdout.write(problem)
        if len(report.problems) > 50:
            self.stdout.write(f"... and {len(report.problems) - 50} more")
        self.stdout.write(f"{report.rows} rollup rows; {len(report.problems)} differing rows in "
                          f"{len(report.buckets)} district-month buckets"
                          + (f", {report.fixed} buckets rewritten." if report.fixed else "."))
        if action == "check" and not report.ok:
            raise CommandError("The rollup differs from the orders: run `edpool rollup rebuild`.")
