"""`edpool rollup check` recomputes every bucket of the monthly rollup (analytics.MonthRollup)
from the orders and the savings table, lists the ones that differ, changes nothing and exits 1
when any does (for a nightly job: the savings refresh keeps it right in the order's own
transaction, this proves it); `edpool rollup rebuild` rewrites the buckets that differ. Run
`edpool savings rebuild` first if the savings table itself may be wrong (its rebuild refreshes the
rollup's buckets of the lines it fixes).

Both go one fiscal year at a time, each year in its own transaction (a national rebuild never holds
one transaction for the whole history), printing each year as it is done; `--fiscal-year 2025-26`
(or `2026`, the calendar year it ends in) does that one year alone."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from analytics.rollup import check
from core.fiscal import FiscalYear


def parse_fiscal_year(raw: str) -> FiscalYear:
    """'2026', '2025-26', 'FY 2025-26' or '2025-2026': the fiscal year ending in 2026."""
    text = str(raw).strip().upper().removeprefix("FY").strip()
    first, sep, second = text.partition("-")
    try:
        if not (first.isascii() and first.isdigit() and len(first) == 4):
            raise ValueError
        if not sep:
            return FiscalYear.named(int(first))
        if not (second.isascii() and second.isdigit() and len(second) in (2, 4)):
            raise ValueError
        ends = int(first) + 1
        if int(second) != (ends if len(second) == 4 else ends % 100):
            raise ValueError
        fy = FiscalYear.named(ends)
    except ValueError:
        raise CommandError(f"{str(raw)[:20]!r} is not a fiscal year: write it as 2025-26 or as the calendar year "
                           "it ends in (2026).".replace("\x00", "\\0")) from None
    if fy.first_month == 1:
        raise CommandError("Fiscal years are calendar years here: write one year, such as 2026.")
    return fy


class Command(BaseCommand):
    help = "Check (or rebuild) the monthly spend and savings rollup against the orders."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["rebuild", "check"])
        parser.add_argument("--fiscal-year", default=None,
                            help="only this fiscal year (2025-26, or 2026: the calendar year it ends in)")

    def handle(self, *args, action: str, fiscal_year=None, **options):
        fy = parse_fiscal_year(fiscal_year) if fiscal_year is not None else None

        def progress(year, one):
            self.stdout.write(f"{year.label}: {one.rows} rollup rows, {len(one.problems)} differing"
                              + (f", {one.fixed} buckets rewritten" if one.fixed else ""))

        report = check(repair=action == "rebuild", fiscal_year=fy, progress=progress)
        for problem in report.problems[:50]:
            self.stdout.write(problem)
        if len(report.problems) > 50:
            self.stdout.write(f"... and {len(report.problems) - 50} more")
        self.stdout.write(f"{report.rows} rollup rows; {len(report.problems)} differing rows in "
                          f"{len(report.buckets)} district-month buckets"
                          + (f", {report.fixed} buckets rewritten." if report.fixed else "."))
        if action == "check" and not report.ok:
            raise CommandError("The rollup differs from the orders: run `edpool rollup rebuild`.")
