"""edpool demo: build (or bring up to date) the demo consortium. Idempotent."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from edpool.demo.build import build_demo
from orgs.selectors import consortium_profile


class Command(BaseCommand):
    help = ("Load the demo consortium: 163 real California districts as members (enrollment "
            "estimated), staff, district buyers and approvers, evaluators and 26 vendors. "
            "Safe to run again.")

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true",
                            help="Do nothing if a consortium already exists.")

    def handle(self, *args, if_empty: bool, **options):
        if if_empty and consortium_profile() is not None:
            self.stdout.write("The database already holds a consortium; demo not loaded.")
            return
        started = time.monotonic()
        self.stderr.write("Loading the demo consortium...")
        last = {"pct": -1}

        def progress(done: int, of: int) -> None:
            pct = done * 100 // of
            if pct // 20 != last["pct"] // 20:
                last["pct"] = pct
                self.stderr.write(f"  districts {done}/{of}")

        report = build_demo(progress=progress)
        for line in report.lines:
            self.stdout.write(line)
        self.stdout.write(f"Demo ready ({time.monotonic() - started:.1f} s).")
