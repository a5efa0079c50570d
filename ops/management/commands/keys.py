"""edpool keys status | rotate [--new-key] | retire: the bid-sealing key (sourcing.services.keys)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.acting import Actor
from sourcing.selectors.keys import sealing_key_status
from sourcing.services.keys import development_key_new, sealing_key_retire, sealing_key_rotate


def _error(exc: ValidationError) -> CommandError:
    return CommandError(" ".join(exc.messages))


class Command(BaseCommand):
    help = ("The key sealed bids are encrypted under. `status`: which key each sealed bid is under "
            "(key ids only). `rotate`: re-wrap every sealed bid and document under BID_SEALING_KEY, "
            "all or nothing (`--new-key`: development only, first make a new key in var/). "
            "`retire`: stop reading with previous keys nothing is sealed under any more. "
            "README, \"Rotating the sealing key\".")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("status", help="which key the sealed bids are under")
        rotate = sub.add_parser("rotate", help="re-wrap every sealed bid under the current key")
        rotate.add_argument("--new-key", action="store_true",
                            help="development: make a new key in var/ first (the old one stays readable)")
        sub.add_parser("retire", help="stop reading with previous keys no bid is sealed under")

    def _status(self) -> None:
        status = sealing_key_status()
        self.stdout.write(f"Current key: {status.current} (new bids are sealed under it).")
        for key in status.readable[1:]:
            self.stdout.write(f"Previous key still readable: {key}.")
        for label, counts in (("bids", status.bids), ("bid documents", status.documents)):
            for key, n in sorted(counts.items()):
                name = key or "no key id (sealed before rotation existed)"
                where = " (current)" if key == status.current else ""
                self.stdout.write(f"{n:,} {label} sealed under {name}{where}.")
        left = status.not_current()
        self.stdout.write(f"{left:,} to re-wrap: run `edpool keys rotate`." if left
                          else "Everything is sealed under the current key.")
        if status.retirable():
            self.stdout.write(f"Retirable previous key(s): {', '.join(status.retirable())} (`edpool keys retire`).")

    def handle(self, *args, action, **options):
        actor = Actor.system(f"edpool keys {action}")
        if action == "status":
            return self._status()
        try:
            if action == "rotate":
                if options.get("new_key"):
                    key = development_key_new()
                    self.stdout.write(f"New development key {key} written to var/; the previous one stays "
                                      "readable (var/dev-bid-sealing-keys-read). Restart `make run` to use it.")
                result = sealing_key_rotate(actor=actor)
                if result.bids or result.documents:
                    self.stdout.write(f"Re-wrapped {result.bids:,} bid(s) and {result.documents:,} document(s) "
                                      f"of {result.solicitations:,} solicitation(s) under key {result.key_id}.")
                else:
                    self.stdout.write(f"Nothing to re-wrap: every sealed bid is under key {result.key_id}.")
                self.stdout.write("Keep the previous key readable until every server runs with the new one, "
                                  "then `edpool keys retire`.")
            elif action == "retire":
                retired = sealing_key_retire(actor=actor)
                self.stdout.write(f"Retired: {', '.join(retired)}. Production: now remove them from "
                                  "BID_SEALING_KEYS_READ on every server. Keep a copy with the backups "
                                  "taken before the rotation: those need them.")
        except ValidationError as exc:
            raise _error(exc)
