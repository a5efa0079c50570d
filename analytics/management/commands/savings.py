"""`edpool savings rebuild` recomputes the per-line savings table from the orders;
`edpool savings check` compares it with a fresh computation, changes nothing, and exits 1 when
any row differs (for a nightly job: the Order hook keeps it right, this proves it)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from analytics.savings import rebuild


class Command(BaseCommand):
    help = "Rebuild (or, with check, verify) the per-line savings table."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["rebuild", "check"])

    def handle(self, *args, action: str, **options):
        report = rebuild(check_only=action == "check")
        for problem in report.problems[:50]:
            self.stdout.write(problem)
        if len(report.problems) > 50:
            self.stdout.write(f"... and {len(report.problems) - 50} more")
        self.stdout.write(f"{report.lines} order lines, {report.rows} savings rows; "
                          f"{len(report.problems)} differences" + (f", {report.fixed} fixed." if report.fixed else "."))
        if action == "check" and not report.ok:
            raise CommandError("The savings table differs from the orders: run `edpool savings rebuild`.")
