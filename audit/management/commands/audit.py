"""edpool audit verify: check the hash chain of the audit trail."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from audit.services import audit_chain_verify


class Command(BaseCommand):
    help = "Audit trail tools. `edpool audit verify` exits non-zero and names the first bad event."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        sub.add_parser("verify", help="Recompute the hash chain and compare it with what is stored.")

    def handle(self, *args, subcommand: str, **options):
        if subcommand == "verify":
            report = audit_chain_verify()
            if not report.ok:
                raise CommandError(
                    f"Audit trail FAILED verification after {report.checked} good events: "
                    f"{report.problem.reason}"
                    + (f" (database id {report.problem.event_id})" if report.problem.event_id else ""))
            self.stdout.write(f"Audit trail OK: {report.checked} events, hash chain intact. "
                              f"Newest hash: {report.last_hash} (record it elsewhere to detect "
                              f"a rewrite of the whole tail later).")
