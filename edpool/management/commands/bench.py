"""edpool bench [NAME ...] [flags]: run benchmarks (default: every registered one).

Each benchmark is a module ``bench.<module>`` with ``main(argv) -> int``; flags after the names are
passed to each named benchmark (so name one when passing flags), e.g.
``edpool bench award --sizes 50x8x3 --time-limit 20``.
"""

from __future__ import annotations

import argparse
import importlib

from django.core.management.base import BaseCommand, CommandError

# name on the command line -> module under bench/
BENCHMARKS: dict[str, str] = {
    "award": "bench.award",
    "award-gap": "bench.award_gap",
    "deadline-rush": "bench.deadline_rush",
    "compliance-matrix": "bench.compliance_matrix",
    "catalog-search": "bench.catalog_search",
    "orders": "bench.orders",
    "matching": "bench.matching",
    "savings": "bench.savings",
    "rollup": "bench.rollup",
    "bulk": "bench.bulk",
    "load": "bench.load_http",
}
# Run only when named: `load` (`make load`) needs the optional `[load]` extra, nginx and PostgreSQL;
# `award-gap` is a diagnostic that runs minutes per instance.
ON_REQUEST = {"load", "award-gap"}


class Command(BaseCommand):
    help = "Run benchmarks: " + ", ".join(BENCHMARKS) + " (default: all). Flags go to each benchmark."

    def add_arguments(self, parser):
        parser.add_argument("argv", nargs=argparse.REMAINDER, help="benchmark names, then their flags")

    def handle(self, *args, argv: list[str], **options):
        names = []
        while argv and not argv[0].startswith("-"):
            names.append(argv.pop(0))
        unknown = [name for name in names if name not in BENCHMARKS]
        if unknown:
            raise CommandError(f"unknown benchmark {unknown[0]!r}; known: {', '.join(BENCHMARKS)}")
        failures = 0
        for name in names or [n for n in BENCHMARKS if n not in ON_REQUEST]:
            self.stdout.write(f"== bench {name} ==")
            self.stdout.flush()
            module = importlib.import_module(BENCHMARKS[name])
            failures += 1 if module.main(list(argv)) else 0
        if failures:
            raise CommandError(f"{failures} benchmark(s) failed")
