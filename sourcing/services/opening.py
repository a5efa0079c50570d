"""Opening and reading sealed bids, on the record.

The bids of a solicitation open all at once, `BID_OPENING_DELAY_SECONDS` after its deadline
(`Solicitation.bids_opened`, from the clock). The *opening* is recorded when somebody first reads them after the deadline: exactly
once, with who opened them, when, and which bids (vendor, revision, digest) were opened. Every
read of whole bids by staff or evaluators (pages, API, evaluation, award plans), every export
of the tabulation and every download of a bid document by them is recorded as well. The public
reading the tabulation after the award notice (public record) is not.

Only `sourcing.selectors`, which alone unseals bids, calls these.

Locks: `bids_open` sets `bids_opened_at` with one conditional UPDATE of the solicitation row
(a row lock until commit) before the audit chain head, the same order as addenda and bids
(solicitation row, then the audit head). Two readers at the same moment: the second waits for
the first's row lock, then finds `bids_opened_at` set and records only its read.
"""

from __future__ import annotations

from typing import Optional

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from accounts.acting import Actor
from audit.actions import AuditAction
from audit.services import audit_record
from core.locks import note_lock
from sourcing.models import Bid, BidDocument, Solicitation

SYSTEM = Actor.system("bid opening")


@transaction.atomic
def bids_open(*, solicitation: Solicitation, actor: Optional[Actor]) -> bool:
    """Record the opening of the bids if nobody has yet; True if this call opened them."""
    now = timezone.now()
    if not solicitation.bids_opened(now):
        from sourcing.selectors import sealed_message

        raise PermissionDenied(sealed_message(solicitation))
    note_lock("sourcing.solicitation")  # the row lock of the UPDATE below (core.locks)
    opened = (Solicitation.objects.filter(pk=solicitation.pk, bids_opened_at__isnull=True)
              .update(bids_opened_at=now))
    if not opened:
        if solicitation.bids_opened_at is None:
            solicitation.bids_opened_at = (Solicitation.objects.filter(pk=solicitation.pk)
                                           .values_list("bids_opened_at", flat=True).get())
        return False
    solicitation.bids_opened_at = now
    bids = list(Bid.objects.filter(solicitation=solicitation).select_related("vendor")
                .order_by("submitted_at", "pk"))
    submitted = [b for b in bids if b.state == Bid.State.SUBMITTED]
    audit_record(actor=actor or SYSTEM, action=AuditAction.SOLICITATION_BIDS_OPENED, obj=solicitation, after={
        "opened_at": now, "bid_deadline": solicitation.bid_deadline,
        "bids": [{"bid": b.pk, "vendor": b.vendor.legal_name, "revision": b.revision,
                  "sha256": b.digest, "received_at": b.submitted_at,
                  "addenda_confirmed": b.addenda_confirmed} for b in submitted],
        "withdrawn": len(bids) - len(submitted)})
    return True


@transaction.atomic
def bids_read_record(*, solicitation: Solicitation, actor: Actor, what: str,
                     export_format: str = "") -> None:
    """Record that `actor` read (or exported, in `export_format`) the whole bids; opens them
    first if this is the first read after the deadline."""
    bids_open(solicitation=solicitation, actor=actor)
    after = {"what": what,
             "bids": Bid.objects.filter(solicitation=solicitation, state=Bid.State.SUBMITTED).count()}
    if export_format:
        after["format"] = export_format
    audit_record(actor=actor, obj=solicitation, after=after,
                 action=AuditAction.SOLICITATION_BIDS_EXPORTED if export_format else AuditAction.SOLICITATION_BIDS_READ)


@transaction.atomic
def bid_document_read_record(*, document: BidDocument, actor: Actor) -> None:
    """Record that `actor` (staff or an evaluator, never the bidder itself) downloaded a bid's
    document."""
    bid = document.bid
    bids_open(solicitation=bid.solicitation, actor=actor)
    audit_record(actor=actor, action=AuditAction.BID_DOCUMENT_READ, obj=bid,
                 object_repr=f"bid of vendor {bid.vendor_id} on {bid.solicitation.number}",
                 after={"document": document.pk, "revision": document.revision})
