"""Reading bids: the only place bids are unsealed, and only when `sourcing.selectors.access`
allows it. Reading sealed content is on the record: the first read after the deadline records the
opening, and every read of whole bids or bid documents by staff and evaluators (and every export) is
an audit event, written by `sourcing.services.opening` before the content is unsealed. A vendor
reading its own bid, and the public reading the tabulation, are not recorded."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any, Optional

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet

from accounts.acting import VENDOR, Actor, acts_as
from sourcing import sealing
from sourcing.receipts import Receipt, receipt_of, rising_prices
from sourcing.models import (Bid, BidDocument, BidReceipt, Solicitation)
from sourcing.services import opening
from sourcing.tabulation import OpenedBid
from sourcing.selectors.access import bid_reading_refusal, tabulation_refusal
from vendors.models import Vendor


def _unseal(bid: Bid) -> dict[str, Any]:
    raw = sealing.unseal(bid.sealed, solicitation_id=bid.solicitation_id, context=f"bid:{bid.pk}")
    return json.loads(raw)


@dataclass(frozen=True)
class BidDocumentInfo:
    """A bid document's metadata, unsealed (title, the vendor's file name, digest); never its
    bytes (see `bid_document_content`)."""
    pk: int
    bid_id: int
    revision: int
    title: str
    filename: str
    size: int
    sha256: str
    uploaded_at: dt.datetime


def _document_info(document: BidDocument, solicitation_id: int) -> BidDocumentInfo:
    meta: dict[str, Any] = {}
    if document.sealed_meta:
        meta = json.loads(sealing.unseal(document.sealed_meta, solicitation_id=solicitation_id,
                                         context=sealing.document_meta_context(document.bid_id)))
    return BidDocumentInfo(pk=document.pk, bid_id=document.bid_id, revision=document.revision,
                           title=meta.get("title") or "Document", filename=meta.get("filename", ""),
                           size=document.size, sha256=meta.get("sha256", ""),
                           uploaded_at=document.uploaded_at)


def _latest_set(documents: list[BidDocument], solicitation_id: int) -> list[BidDocumentInfo]:
    """A bid's current documents: the set uploaded with its latest revision that had any (a
    replacement without documents keeps the previous set), with their sealed metadata opened."""
    latest = max((d.revision for d in documents), default=None)
    return [_document_info(d, solicitation_id)
            for d in sorted((d for d in documents if d.revision == latest), key=lambda d: d.pk)]


def current_bid_documents(bid: Bid) -> list[BidDocumentInfo]:
    """The vendor's own bid's current documents: metadata only (title, file name, size, digest);
    the bytes stay sealed (see `sourcing.sealing`)."""
    return _latest_set(list(bid.documents.all()), bid.solicitation_id)


def _opened(solicitation: Solicitation, *, whole: bool) -> list[OpenedBid]:
    """Every submitted bid, unsealed. `whole=False` keeps only what the tabulation shows (lines
    and attestations), without notes, salt or documents."""
    bids = (solicitation.bids.filter(state=Bid.State.SUBMITTED)
            .select_related("vendor").prefetch_related("documents").order_by("submitted_at", "pk"))
    opened = []
    for b in bids:
        content = _unseal(b)
        if not whole:
            content = {"lines": content.get("lines", []), "attestations": content.get("attestations", {})}
        opened.append(OpenedBid(bid_id=b.pk, vendor_id=b.vendor_id, vendor_name=b.vendor.legal_name,
                                submitted_at=b.submitted_at, revision=b.revision, digest=b.digest,
                                addenda_confirmed=b.addenda_confirmed, content=content,
                                documents=_latest_set(list(b.documents.all()), b.solicitation_id)
                                if whole else []))
    return opened


def opened_bids(*, solicitation: Solicitation, actor: Optional[Actor],
                purpose: str = "bids") -> list[OpenedBid]:
    """Every bid, whole (notes, salt, documents): see `bid_reading_refusal`. The read is
    recorded (`purpose` says what for), and the first one after the deadline records the
    opening (`sourcing.services.opening`)."""
    refusal = bid_reading_refusal(solicitation, actor)
    if refusal:
        raise PermissionDenied(refusal)
    with transaction.atomic():  # a bid this server cannot unseal: the read is not recorded either
        opening.bids_read_record(solicitation=solicitation, actor=actor, what=purpose)
        return _opened(solicitation, whole=True)


def tabulated_bids(*, solicitation: Solicitation, actor: Optional[Actor],
                   purpose: str = "tabulation", export_format: str = "") -> list[OpenedBid]:
    """Every bid as the tabulation shows it: whole for those who may read the bids (recorded,
    as an export when `export_format` is given); otherwise (the public record after the award
    notice, not recorded) lines and attestations only."""
    if bid_reading_refusal(solicitation, actor) is None:
        with transaction.atomic():
            opening.bids_read_record(solicitation=solicitation, actor=actor, what=purpose,
                                     export_format=export_format)
            return _opened(solicitation, whole=True)
    refusal = tabulation_refusal(solicitation, actor)
    if refusal:
        raise PermissionDenied(refusal)
    with transaction.atomic():
        if solicitation.bids_opened_at is None:  # never read before the award notice: open them now
            opening.bids_open(solicitation=solicitation, actor=actor)
        return _opened(solicitation, whole=False)


def bid_document_content(*, solicitation: Solicitation, bid_id: int, document_id: int,
                         actor: Optional[Actor]) -> tuple[BidDocument, bytes]:
    """A bid document's bytes: for its own vendor any time; for staff and declared evaluators
    after the deadline (recorded); never public (the award notice makes the tabulation public
    record, not proposals). Raises BidDocument.DoesNotExist or PermissionDenied."""
    document = BidDocument.objects.select_related("bid__vendor", "bid__solicitation").get(
        pk=document_id, bid_id=bid_id, bid__solicitation=solicitation)
    own = acts_as(actor, VENDOR, document.bid.vendor.organisation)
    if not own:
        refusal = bid_reading_refusal(solicitation, actor)
        if refusal:
            raise PermissionDenied(refusal)
    with transaction.atomic():
        if not own:
            opening.bid_document_read_record(document=document, actor=actor)
        content = sealing.unseal(document.sealed_file.read(), solicitation_id=solicitation.pk,
                                 context=f"bid-doc:{document.bid_id}")
    return document, content


def own_bid(*, solicitation: Solicitation, vendor: Vendor) -> Optional[tuple[Bid, dict[str, Any]]]:
    """The vendor's own bid with its content (any time: it is theirs)."""
    bid = solicitation.bids.filter(vendor=vendor).first()
    if bid is None:
        return None
    return bid, _unseal(bid)


def own_bid_record(*, solicitation: Solicitation, vendor: Optional[Vendor]) -> Optional[Bid]:
    """The vendor's own bid, still sealed (its state, revision, digest; not its content): what a
    page needs to say whether and how the vendor has bid. None without a vendor or a bid."""
    if vendor is None:
        return None
    return solicitation.bids.filter(vendor=vendor).first()


def own_receipts(*, solicitation: Solicitation, vendor: Vendor) -> QuerySet[BidReceipt]:
    return BidReceipt.objects.filter(bid__solicitation=solicitation, bid__vendor=vendor)


def own_receipt(*, solicitation: Solicitation, vendor: Vendor, receipt_id: int) -> Optional[Receipt]:
    """One of the vendor's receipts, to download. A receipt of the bid's current submitted or
    replaced version carries the bid (unsealed: it is theirs) and its warnings; older receipts,
    re-confirmations and withdrawals only their digest. None if no such receipt is the vendor's."""
    stored = (own_receipts(solicitation=solicitation, vendor=vendor)
              .select_related("bid__solicitation", "bid__vendor").filter(pk=receipt_id).first())
    if stored is None:
        return None
    bid = stored.bid
    if (bid.digest == stored.digest
            and stored.action in (BidReceipt.Action.SUBMITTED, BidReceipt.Action.REPLACED)):
        content = _unseal(bid)
        return receipt_of(stored, canonical_bid=content, warnings=rising_prices(content))
    return receipt_of(stored)


def vendor_has_bid(solicitation: Solicitation, vendor: Vendor) -> bool:
    return solicitation.bids.filter(vendor=vendor, state=Bid.State.SUBMITTED).exists()
