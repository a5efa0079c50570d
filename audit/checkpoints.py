"""Checkpoints of the audit chain kept outside the database.

The hash chain shows any event altered or removed in the middle. Someone able to write to the
database could still remove the newest events (and rebuild the head row to match): nothing left
inside the database remembers them. A checkpoint remembers: `edpool audit verify` and `edpool tick`
append the newest event's number and hash, signed with the server's key (HMAC of SECRET_KEY),
to a file outside the database (`AUDIT_CHECKPOINT_FILE`, default `var/audit-checkpoints.txt`;
in production put it on the application servers or ship it to the log server, not on the
database's machine), and `verify` prints the checkpoint for the operator to keep elsewhere.
`verify` then checks the chain against every checkpoint in the file and any given with
`--checkpoint`: the event each names must still exist with the same hash. Neither appends a
checkpoint while the newest one kept no longer matches the chain.
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
    if len(parts) != 4 or parts[0] != PREFIX or not (parts[1].isascii() and parts[1].isdigit()) or len(parts[1]) > 18 \
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


def checkpoints_kept() -> list[Checkpoint]:
    """Every checkpoint in the file, oldest first (raises CheckpointError naming a bad line)."""
    path = checkpoint_file()
    if path is None or not path.exists():
        return []
    found: dict[tuple[int, str], Checkpoint] = {}
    with path.open(encoding="utf-8") as handle:
        for number, text in enumerate(handle, start=1):
            if text.strip():
                checkpoint = checkpoint_parse(text.split()[-1], source=f"{path} line {number}")
                found.setdefault((checkpoint.seq, checkpoint.hash), checkpoint)
    return list(found.values())


def checkpoint_newest_kept() -> Optional[Checkpoint]:
    kept = checkpoints_kept()
    return max(kept, key=lambda c: c.seq) if kept else None


def _still_in_the_chain(checkpoint: Checkpoint) -> Optional[str]:
    """Why the chain no longer contains the event a kept checkpoint names (None if it does)."""
    from audit.models import AuditEvent

    stored = AuditEvent.objects.filter(seq=checkpoint.seq).values_list("hash", flat=True).first()
    if stored is None:
        return f"event #{checkpoint.seq}, kept in {checkpoint.source}, is no longer in the chain"
    if stored != checkpoint.hash:
        return f"event #{checkpoint.seq} is not the one kept in {checkpoint.source}"
    return None


def checkpoint_keep(seq: int, hash_: str) -> tuple[str, Optional[Path]]:
    """Append a checkpoint of event `seq` to the file, unless the newest one kept is the same.
    Never over a problem: if the newest kept checkpoint is unreadable or its event is gone or
    changed, nothing is appended (CheckpointError), so a later checkpoint cannot paper over
    removed events; `edpool audit verify` says what is wrong. Returns the checkpoint and the file
    written (None when no file is configured)."""
    text = checkpoint_string(seq, hash_)
    path = checkpoint_file()
    if path is None:
        return text, None
    newest = checkpoint_newest_kept()
    if newest is not None:
        problem = _still_in_the_chain(newest)
        if problem:
            raise CheckpointError(f"no checkpoint kept: {problem}. Run `edpool audit verify`.")
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
