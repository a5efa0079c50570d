"""edpool audit verify | acknowledge | checkpoint: check and keep the audit trail's hash chain."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.acting import Actor
from audit.checkpoints import CheckpointError, checkpoint_keep, checkpoint_parse, checkpoints_kept
from audit.services import audit_chain_verify, audit_incident_acknowledge


class Command(BaseCommand):
    help = ("Audit trail tools. `edpool audit verify` exits non-zero and names the first bad event; "
            "it checks the chain against the newest checkpoint kept outside the database and prints "
            "a new one to keep elsewhere.")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        verify = sub.add_parser("verify", help="Recompute the hash chain and compare it with what is stored "
                                               "and with the checkpoints kept outside the database.")
        verify.add_argument("--checkpoint", action="append", default=[], metavar="CHECKPOINT",
                            help="a checkpoint printed by an earlier verify (repeatable)")
        verify.add_argument("--no-keep", action="store_true",
                            help="do not append the new checkpoint to AUDIT_CHECKPOINT_FILE")
        acknowledge = sub.add_parser("acknowledge", help="Record that an incident of the chain (a rebuilt "
                                                         "head) was reviewed.")
        acknowledge.add_argument("seq", type=int, help="the incident's event number, as verify names it")
        acknowledge.add_argument("--note", required=True, help="what was reviewed and found")
        sub.add_parser("checkpoint", help="Keep a checkpoint of the newest event (edpool tick does this).")

    def handle(self, *args, subcommand: str, **options):
        if subcommand == "verify":
            self._verify(options["checkpoint"], keep=not options["no_keep"])
        elif subcommand == "acknowledge":
            try:
                event = audit_incident_acknowledge(seq=options["seq"], note=options["note"],
                                                   actor=Actor.system("edpool audit acknowledge"))
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages))
            self.stdout.write(f"Incident #{options['seq']} acknowledged (event #{event.seq}).")
        else:
            from audit.checkpoints import tick_checkpoint

            self.stdout.write(tick_checkpoint(None))

    def _verify(self, given: list[str], *, keep: bool) -> None:
        try:
            checkpoints = [checkpoint_parse(text, source="the command line") for text in given]
            checkpoints += checkpoints_kept()
        except CheckpointError as exc:
            raise CommandError(f"Audit checkpoint refused: {exc}")
        report = audit_chain_verify(checkpoints=checkpoints)
        if not report.ok:
            raise CommandError(
                f"Audit trail FAILED verification after {report.checked} good events: "
                f"{report.problem.reason}"
                + (f" (database id {report.problem.event_id})" if report.problem.event_id else ""))
        notes = []
        if report.checkpoints:
            notes.append(f"checked against {report.checkpoints} checkpoint(s) kept outside the database")
        if report.acknowledged:
            notes.append(f"{len(report.acknowledged)} incident acknowledged "
                         f"({', '.join(f'#{s}' for s in report.acknowledged)})")
        self.stdout.write(f"Audit trail OK: {report.checked} events, hash chain intact"
                          + (f"; {'; '.join(notes)}" if notes else "") + ".")
        if report.checked:
            text, path = checkpoint_keep(report.checked, report.last_hash) if keep else (None, None)
            if text is None:
                from audit.checkpoints import checkpoint_string

                text = checkpoint_string(report.checked, report.last_hash)
            self.stdout.write(f"checkpoint: {text}")
            self.stdout.write("Keep this line somewhere the database's users cannot write "
                              + (f"(a copy was appended to {path}); " if path else "; ")
                              + "pass it back with --checkpoint to prove no newer event was removed.")
