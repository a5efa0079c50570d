"""Checkpoints of the audit chain kept outside the database.

The hash chain shows any event altered or removed in the middle. Someone able to write to the
database could still remove the newest events (and rebuild the head row to match): nothing left
inside the database remembers them. A checkpoint remembers: `edpool audit verify` and `edpool tick`
append the newest event's number and hash, signed with the server's key (HMAC of SECRET_KEY),
to a file outside the database (`AUDIT_CHECKPOINT_FILE`, default `var/audit-checkpoints.txt`;
in production put it on the application servers or ship it to the log server, not on the
database's machine), and `verify` prints the checkpoint for the operator to keep elsewhere.
`verify` then checks the chain against the newest checkpoint in the file and any given with
`--checkpoint`: the event it names must still exist with the same hash.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from django.conf import settings
from django.utils import timezone
from django.utils.crypto import salted_hmac

PREFIX = "edpool-audit-v1"
SALT = "edpool.audit.checkpoint"


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    hash: str
    source: str  # where it came from, for the message: "the command line", "FILE line N"


class CheckpointError(ValueError):
    """A checkpoint that is malformed or whose signature is not the server's."""


def _signature(seq: int, hash_: str, secret: Optional[str] = None) -> str:
    return salted_hmac(SALT, f"{seq}:{hash_}", secret=secret, algorithm="sha256").hexdigest()


def checkpoint_string(seq: int, hash_: str) -> str:
    return f"{PREFIX}:{seq}:{hash_}:{_signature(seq, hash_)}"


def checkpoint_parse(text: str, *, source: str) -> Checkpoint:
    parts = (text or "").strip().split(":")
    if len(parts) != 4 or parts[0] != PREFIX or not parts[1].isdigit() or len(parts[1]) > 18 \
            or len(parts[2]) != 64 or len(parts[3]) != 64:
        raise CheckpointError(f"{source}: {text.strip()[:80]!r} is not an EdPool audit checkpoint "
                              f"({PREFIX}:<event number>:<hash>:<signature>).")
    seq, hash_, signature = int(parts[1]), parts[2], parts[3]
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    if not any(hmac.compare_digest(signature, _signature(seq, hash_, secret)) for secret in secrets):
        raise CheckpointError(f"{source}: the checkpoint's signature is not this server's (edited, or "
                              f"made with another SECRET_KEY; list old keys in SECRET_KEY_FALLBACKS).")
    return Checkpoint(seq, hash_, source)


def checkpoint_file() -> Optional[Path]:
    configured = getattr(settings, "AUDIT_CHECKPOINT_FILE", None)
    return Path(configured) if configured else None


def checkpoint_newest_kept() -> Optional[Checkpoint]:
    """The newest checkpoint in the file (None when there is no file or it is empty)."""
    path = checkpoint_file()
    if path is None or not path.exists():
        return None
    newest, number = None, 0
    with path.open(encoding="utf-8") as handle:
        for number, text in enumerate(handle, start=1):
            if text.strip():
                newest = (number, text)
    if newest is None:
        return None
    number, text = newest
    return checkpoint_parse(text.split()[-1], source=f"{path} line {number}")


def checkpoint_keep(seq: int, hash_: str) -> tuple[str, Optional[Path]]:
    """Append a checkpoint of event `seq` to the file, unless the newest one kept is the same.
    Returns the checkpoint and the file written (None when no file is configured)."""
    text = checkpoint_string(seq, hash_)
    path = checkpoint_file()
    if path is None:
        return text, None
    try:
        newest = checkpoint_newest_kept()
    except CheckpointError:
        newest = None
    if newest is None or (newest.seq, newest.hash) != (seq, hash_):
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as handle:
            handle.write(f"{timezone.now().isoformat(timespec='seconds')} {text}\n")
    return text, path


def tick_checkpoint(today) -> str:
    """`edpool tick`: keep a checkpoint of the newest event."""
    from audit.models import AuditEvent

    last = AuditEvent.objects.order_by("-seq").values_list("seq", "hash").first()
    if last is None:
        return "no audit events yet"
    _, path = checkpoint_keep(*last)
    return f"checkpoint of event #{last[0]} kept in {path}" if path else "no AUDIT_CHECKPOINT_FILE set"
