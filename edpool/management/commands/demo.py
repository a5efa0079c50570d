"""edpool demo: build (or bring up to date) the demo consortium. Idempotent."""

from __future__ import annotations

import time

from django.core import mail
from django.core.management.base import BaseCommand
from django.test.utils import override_settings

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

        # The demo's notices (welcome mails, award notices...) go to nobody: kept out of the
        # console and out of any configured mail server, only counted.
        saved = getattr(mail, "outbox", None)  # a test's outbox, if a test runs this command
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            mail.outbox = []
            try:
                report = build_demo(progress=progress)
                sent = len(mail.outbox)
            finally:
                if saved is None:
                    del mail.outbox
                else:
                    mail.outbox = saved
        for line in report.lines:
            self.stdout.write(line)
        self.stdout.write(f"Demo ready ({time.monotonic() - started:.1f} s); its {sent} notices "
                          "were not sent to anyone.")
