"""Rotating the bid-sealing key: `sealing_key_rotate` re-wraps every sealed bid and bid document
under the current key (BID_SEALING_KEY), in one transaction.

How a rotation stays safe (README, "Rotating the sealing key"):
- The new key is configured *before* any row changes: BID_SEALING_KEY is the new key and the old
  one stays readable in BID_SEALING_KEYS_READ (development: `edpool keys rotate --new-key` writes
  both files under var/ first, each by an atomic rename). From then on every bid is readable
  whether or not it has been re-wrapped yet.
- The re-wrap is one database transaction: all bids and documents move, or none. A sealed
  document's bytes go to a new file under a new random name; the row points to it only when the
  transaction commits, and the old file is deleted only after the commit. A failure deletes the
  new files; a crash leaves at worst unreferenced `.sealed` files (they hold ciphertext only).
- The old key is retired last, and only by the operator (`edpool keys retire` in development,
  removing it from BID_SEALING_KEYS_READ in production) once `edpool keys status` shows nothing
  sealed under it; `keys retire` refuses while anything is.

Which bids: all of them, opened or not, withdrawn or not. An opened bid stays encrypted at rest
(the selectors unseal it for each permitted read), so it must move too or the old key could never
be retired. Nothing is shown to anybody, so no read is recorded; the rotation's audit event
gives counts and key ids only, never key material.

Locks, in the global order (core.locks): every solicitation that has bids (ascending id), then
every bid (ascending id), then the audit head. A bid arriving meanwhile waits for the rotation (its
`_lock_open` shares the solicitation's row lock) and is judged by when it was received, so it is
not late; it is then sealed under the new key. The rotation refuses to start while a deadline is
near (`QUIET_MINUTES` before it until the bids open), so that wait never falls in a deadline rush.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Optional

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from accounts.acting import Actor
from audit.actions import AuditAction
from audit.services import audit_record
from core.locks import lock
from sourcing import sealing
from sourcing.models import Bid, BidDocument, Solicitation
from sourcing.states import SolicitationState

QUIET_MINUTES = 15


@dataclass(frozen=True)
class RotationResult:
    key_id: str
    bids: int
    documents: int
    solicitations: int
    from_keys: dict[str, int]  # key id ("" = version 1, unnamed) -> blobs re-wrapped from it


def rotation_refusal(now: Optional[dt.datetime] = None) -> Optional[str]:
    """Why a rotation may not start now: a bid deadline within QUIET_MINUTES, or bids received
    before a deadline not yet open (still arriving), or no production key."""
    now = now or timezone.now()
    if not settings.DEBUG and not getattr(settings, "BID_SEALING_KEY", ""):
        return ("BID_SEALING_KEY is not set: set it to the new key (and the current one in "
                "BID_SEALING_KEYS_READ) before rotating.")
    delay = dt.timedelta(seconds=settings.BID_OPENING_DELAY_SECONDS)
    busy = (Solicitation.objects.exclude(state__in=(SolicitationState.DRAFT, SolicitationState.CANCELLED))
            .filter(bids_opened_at__isnull=True,
                    bid_deadline__gt=now - delay, bid_deadline__lte=now + dt.timedelta(minutes=QUIET_MINUTES))
            .order_by("bid_deadline").first())
    if busy is not None:
        opens = timezone.localtime(busy.bid_deadline + delay)
        return (f"The bid deadline of {busy.number} is {timezone.localtime(busy.bid_deadline):%Y-%m-%d %H:%M:%S %Z}: "
                f"no rotation from {QUIET_MINUTES} minutes before a deadline until its bids open "
                f"({opens:%H:%M:%S}). Try again after that; nothing was changed.")
    return None


def _rewrap_document(doc: BidDocument, solicitation_id: int, created: list[str]) -> bool:
    """Re-wrap a document's sealed metadata and bytes. The bytes go to a new file (its name noted
    in `created`); the row is saved, pointing to it, inside the caller's transaction."""
    meta = sealing.rewrap(doc.sealed_meta, solicitation_id=solicitation_id,
                          context=sealing.document_meta_context(doc.bid_id))
    with doc.sealed_file.open("rb") as handle:
        old_bytes = handle.read()
    content = sealing.rewrap(old_bytes, solicitation_id=solicitation_id, context=f"bid-doc:{doc.bid_id}")
    if meta is None and content is None:
        return False
    if meta is not None:
        doc.sealed_meta = meta
    if content is not None:
        name = default_storage.save(f"bids/{sealing.sealed_file_name(solicitation_id)}", ContentFile(content))
        created.append(name)
        doc.sealed_file.name = name
    doc.save(update_fields=["sealed_meta", "sealed_file"])
    return True


@transaction.atomic
def sealing_key_rotate(*, actor: Actor, now: Optional[dt.datetime] = None) -> RotationResult:
    """Re-wrap every sealed bid and bid document not yet under the current key. Refuses (see
    `rotation_refusal`) with a ValidationError, changing nothing. Records one audit event when
    anything moved; a second rotation with nothing to move records none."""
    refusal = rotation_refusal(now)
    if refusal:
        raise ValidationError(refusal)
    solicitation_ids = list(lock(Solicitation.objects.filter(pk__in=Bid.objects.values("solicitation_id")))
                            .order_by("pk").values_list("pk", flat=True))
    bids = list(lock(Bid.objects.filter(solicitation_id__in=solicitation_ids)).order_by("pk"))
    refusal = rotation_refusal(now)  # a deadline may have come near while the locks were awaited
    if refusal:
        raise ValidationError(refusal)
    from_keys: dict[str, int] = {}
    moved_bids, moved_docs, touched = 0, 0, set()
    created: list[str] = []
    replaced: list[str] = []
    try:
        for bid in bids:
            old = sealing.blob_key_id(bid.sealed)
            new = sealing.rewrap(bid.sealed, solicitation_id=bid.solicitation_id, context=f"bid:{bid.pk}")
            if new is not None:
                bid.sealed = new
                bid.save(update_fields=["sealed"])
                moved_bids += 1
                touched.add(bid.solicitation_id)
                from_keys[old] = from_keys.get(old, 0) + 1
        by_id = {b.pk: b for b in bids}
        for doc in BidDocument.objects.filter(bid_id__in=by_id).order_by("pk"):
            old, old_name = sealing.blob_key_id(doc.sealed_meta), doc.sealed_file.name
            if _rewrap_document(doc, by_id[doc.bid_id].solicitation_id, created):
                moved_docs += 1
                touched.add(by_id[doc.bid_id].solicitation_id)
                from_keys[old] = from_keys.get(old, 0) + 1
                if doc.sealed_file.name != old_name:
                    replaced.append(old_name)
        result = RotationResult(key_id=sealing.current_key_id(), bids=moved_bids, documents=moved_docs,
                                solicitations=len(touched), from_keys=dict(sorted(from_keys.items())))
        if moved_bids or moved_docs:
            audit_record(actor=actor, action=AuditAction.SEALING_KEY_ROTATED,
                         object_type="sourcing.sealingkey", object_id=result.key_id,
                         object_repr=f"bid sealing key {result.key_id}",
                         after={"key_id": result.key_id, "bids": moved_bids, "documents": moved_docs,
                                "solicitations": len(touched),
                                "from_keys": {k or "unnamed (version 1)": n for k, n in result.from_keys.items()}})
    except BaseException:
        for name in created:  # the rows keep their old files: the new ones are nobody's
            default_storage.delete(name)
        raise

    def _delete_replaced() -> None:
        for name in replaced:
            default_storage.delete(name)

    transaction.on_commit(_delete_replaced)
    return result


def _write_atomically(path, text: str) -> None:
    """Write a key file whole or not at all: a temporary file, flushed to disk, renamed over."""
    import os

    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def development_key_new() -> str:
    """Development only (the key kept in var/, see edpool/settings.py): make a new sealing key
    current, keeping the old one readable. First the old key is added to the readable keys' file,
    then the new key replaces the key file (each an atomic rename), then this process uses them:
    a crash at any point leaves every bid readable. Returns the new key's id. Other processes
    (a running `make run`) keep sealing under the old key until restarted: retire it only after."""
    import secrets

    key_file = getattr(settings, "BID_SEALING_KEY_FILE", None)
    read_file = getattr(settings, "BID_SEALING_KEYS_READ_FILE", None)
    if key_file is None or read_file is None:
        raise ValidationError(
            "--new-key only replaces the development key kept in var/. In production set "
            "BID_SEALING_KEY to the new key and BID_SEALING_KEYS_READ to the current one on every "
            "server, restart them, then run `edpool keys rotate` (README, \"Rotating the sealing key\").")
    old = settings.BID_SEALING_KEY
    previous = [k for k in settings.BID_SEALING_KEYS_READ if k != old]
    previous.insert(0, old)  # newest first
    read_file.parent.mkdir(parents=True, exist_ok=True)
    _write_atomically(read_file, "\n".join(previous) + "\n")
    new = secrets.token_urlsafe(48)
    _write_atomically(key_file, new)
    settings.BID_SEALING_KEY, settings.BID_SEALING_KEYS_READ = new, previous
    return sealing.current_key_id()


@transaction.atomic
def sealing_key_retire(*, actor: Actor) -> list[str]:
    """Stop reading with the previous keys nothing is sealed under any more. Development: they
    leave var/dev-bid-sealing-keys-read. Production: the caller tells the operator to remove them
    from BID_SEALING_KEYS_READ. Refuses while a bid is still sealed under any of them (rotate
    first). Returns the retired key ids; records them (ids only)."""
    from sourcing.selectors.keys import sealing_key_status

    list(lock(Solicitation.objects.filter(pk__in=Bid.objects.values("solicitation_id")))
         .order_by("pk").values_list("pk", flat=True))  # no bid arrives while we count
    status = sealing_key_status()
    previous = status.readable[1:]
    if not previous:
        raise ValidationError("There is no previous sealing key to retire.")
    if status.not_current():
        raise ValidationError(
            f"{status.not_current()} sealed bid(s) or document(s) are not under the current key yet: "
            "run `edpool keys rotate` first. Nothing was retired.")
    retired = status.retirable()
    read_file = getattr(settings, "BID_SEALING_KEYS_READ_FILE", None)
    keep = [k for k in settings.BID_SEALING_KEYS_READ
            if sealing.key_id(sealing._master_of(k)).hex() not in retired]
    if read_file is not None:
        _write_atomically(read_file, "".join(k + "\n" for k in keep))
        settings.BID_SEALING_KEYS_READ = keep
    audit_record(actor=actor, action=AuditAction.SEALING_KEY_RETIRED, object_type="sourcing.sealingkey",
                 object_id=status.current, object_repr=f"bid sealing key {status.current}",
                 after={"retired_key_ids": retired, "current_key_id": status.current})
    return retired
