"""edpool demo-logins: print who you can sign in as in the demo."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from edpool.demo.build import demo_logins
from edpool.demo.people import DEMO_PASSWORD


class Command(BaseCommand):
    help = "Print the demo accounts and their shared password."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="List every vendor user too.")

    def handle(self, *args, all: bool, **options):
        rows = demo_logins()
        if not rows:
            self.stdout.write("No demo accounts: run `edpool demo` first.")
            return
        shown = rows if all else [r for r in rows if not r[0].startswith("vendor")
                                  or r[0] in ("vendor1@demo.edpool.org", "vendor2@demo.edpool.org")]
        width = max(len(r[0]) for r in shown)
        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD})")
        for email, role, org in shown:
            self.stdout.write(f"  {email.ljust(width)}  {role:<18} {org}")
        hidden = len(rows) - len(shown)
        if hidden:
            self.stdout.write(f"  ... and vendor3..vendor{hidden + 2}@demo.edpool.org "
                              f"(`edpool demo-logins --all`)")
        self.stdout.write("")
