"""Submitting, replacing, re-confirming and withdrawing sealed bids.

A bid is judged by when it was received (`core.received`: the request's arrival, on the server's
clock or, from a trusted proxy, the consortium's edge's; whatever the client's clock says):
received before the deadline, it is stored even if the server finishes it a moment later;
received at or after the deadline, or once the bids are opened, it is refused. See `_lock_open`
for how the opening waits for bids in flight."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any, Optional

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from accounts.acting import Actor
from audit.actions import AuditAction, bid_arrival
from audit.services import audit_record
from core.documents import validate_pdf
from sourcing import sealing, selectors
from sourcing.models import Bid, BidDocument, BidReceipt, Solicitation
from sourcing.receipts import Receipt, receipt_of, rising_prices
from sourcing.services.common import require_vendor
from core.limits import POOLED_QUANTITY_MAX
from core.tiers import clean_tiers
from core.locks import lock, note_lock


def _deadline_passed_error(solicitation: Solicitation) -> ValidationError:
    return ValidationError(
        f"The bid deadline for {solicitation.number} was "
        f"{timezone.localtime(solicitation.bid_deadline):%Y-%m-%d %H:%M:%S %Z}; bids can no longer "
        f"be submitted, changed or withdrawn.")


def _received(received_at: Optional[dt.datetime], received_clock: str) -> tuple[dt.datetime, str]:
    """When the request was received (core.received: the server's clock, or the trusted edge's),
    never later than now, and which clock said so ("edge" or "server"), for the audit trail.
    Services called outside a request (the demo, a command) are received now."""
    now = timezone.now()
    if received_at is None or received_at > now:
        return now, "server"
    return received_at, ("edge" if received_clock == "edge" else "server")


def _lock_open(solicitation: Solicitation, received: dt.datetime) -> Solicitation:
    """Lock the solicitation against addenda and the opening while this bid is written, and check
    the bid was received before the deadline. On PostgreSQL a shared lock (FOR SHARE): bids do
    not wait for each other, but an addendum or the opening (row locks) wait for bids in flight
    and they for them.

    A bid is judged by when it was received (core.received), not by when its transaction ends:
    one sent in the last second is not lost because the server was busy. The bids open
    `BID_OPENING_DELAY_SECONDS` after the deadline (`Solicitation.bids_open_at`), and the opening
    waits for this lock, so every bid received in time is stored before anyone reads any; once
    opened, nothing more is accepted, whenever it was received."""
    if connection.vendor == "postgresql":
        note_lock("sourcing.solicitation")
        solicitation = next(iter(Solicitation.objects.raw(
            "SELECT * FROM sourcing_solicitation WHERE id = %s FOR SHARE", [solicitation.pk])))
    else:
        solicitation = lock(Solicitation.objects.all()).get(pk=solicitation.pk)
    if solicitation.state != "published":
        raise ValidationError(f"{solicitation.number} is not open for bids.")
    if (received >= solicitation.bid_deadline or solicitation.bids_opened_at is not None
            or timezone.now() >= solicitation.bids_open_at):
        raise _deadline_passed_error(solicitation)
    return solicitation


def clean_bid(solicitation: Solicitation, data: dict[str, Any]) -> dict[str, Any]:
    """Validate a bid against the solicitation; return its canonical form (without salt).

    data = {"lines": [{"line": ref, "tiers": [{"min_quantity": 1, "unit_price": "9.50"}, ...],
                       "max_quantity": null}],
            "attestations": {requirement code: true/false}, "notes": ""}"""
    errors: dict[str, str] = {}
    refs = {line.reference for line in solicitation.lines.all()}
    lines_out, seen = [], set()
    raw_lines = data.get("lines") or []
    if not isinstance(raw_lines, list) or not raw_lines:
        errors["lines"] = "Price at least one line."
        raw_lines = []
    for i, line in enumerate(raw_lines, start=1):
        where = f"lines[{i}]"
        if not isinstance(line, dict):
            errors[where] = "Each line must be an object."
            continue
        ref = str(line.get("line", "")).strip()
        if ref not in refs:
            errors[f"{where}.line"] = f"{ref!r} is not a line of {solicitation.number}."
        elif ref in seen:
            errors[f"{where}.line"] = f"Line {ref} is priced twice."
        seen.add(ref)
        tiers_out, tier_errors = clean_tiers(line.get("tiers"), f"{where}.tiers")
        errors.update(tier_errors)
        max_q = line.get("max_quantity")
        if max_q is not None:
            if isinstance(max_q, bool) or not isinstance(max_q, int) or not 1 <= max_q <= POOLED_QUANTITY_MAX:
                errors[f"{where}.max_quantity"] = f"A whole number from 1 to {POOLED_QUANTITY_MAX:,}, or empty."
            elif tiers_out and max_q < tiers_out[0]["min_quantity"]:
                errors[f"{where}.max_quantity"] = "Below the first tier's minimum quantity."
        lines_out.append({"line": ref, "tiers": tiers_out, "max_quantity": max_q})
    attestations = data.get("attestations") or {}
    if not isinstance(attestations, dict):
        errors["attestations"] = "Answer each requirement with true or false."
        attestations = {}
    codes = [r.code for r in solicitation.requirements.all()]
    unknown = set(attestations) - set(codes)
    if unknown:
        errors["attestations"] = f"Unknown requirements: {', '.join(sorted(unknown))}."
    for code in codes:
        if not isinstance(attestations.get(code), bool):
            errors[f"attestations.{code}"] = "Answer yes or no."
    notes = str(data.get("notes", ""))[:5000]
    if errors:
        raise ValidationError(errors)
    order = {line.reference: line.position for line in solicitation.lines.all()}
    lines_out.sort(key=lambda x: order[x["line"]])
    return {"lines": lines_out, "attestations": {c: attestations[c] for c in codes},
            "notes": notes}


def _rising_prices_refusal(found: list[str]) -> ValidationError:
    return ValidationError({"confirm_rising_prices": [
        "Your prices rise with volume: " + " ".join(found) + " With all-units pricing a larger "
        "consortium order would then cost more per unit. Correct the tiers, or confirm that this "
        "is intended (the confirmation box; API: \"confirm_rising_prices\": true)."]})


def _receipt(bid: Bid, action: str, payload: dict[str, Any], now, warnings=()) -> Receipt:
    stored = BidReceipt.objects.create(bid=bid, action=action, revision=bid.revision, received_at=now,
                                       digest=bid.digest, addenda_confirmed=bid.addenda_confirmed)
    return receipt_of(stored, canonical_bid=payload, warnings=warnings)


@transaction.atomic
def bid_submit(*, solicitation: Solicitation, data: dict[str, Any], actor: Actor,
               documents: Optional[list[tuple[str, UploadedFile]]] = None,
               confirm_rising_prices: bool = False,
               received_at: Optional[dt.datetime] = None, received_clock: str = "server") -> tuple[Bid, Receipt]:
    """Submit or replace the actor's vendor's bid. Returns the bid and the vendor's receipt.

    A bid whose price rises with volume (`rising_prices`) is refused unless the vendor confirms
    it is intended (`confirm_rising_prices`); the confirmation is sealed with the bid and the
    receipt repeats the warnings."""
    vendor = require_vendor(actor, "submit bids")
    received, clock = _received(received_at, received_clock)
    solicitation = _lock_open(solicitation, received)
    canonical = clean_bid(solicitation, data)
    rising = rising_prices(canonical)
    if rising and not confirm_rising_prices:
        raise _rising_prices_refusal(rising)
    if rising:
        canonical["rising_prices_confirmed"] = True
    documents = documents or []
    for title, upload in documents:
        validate_pdf(upload, field="documents")
    addenda = solicitation.addenda.count()
    existing = lock(Bid.objects.all()).filter(solicitation=solicitation, vendor=vendor).first()
    revision = (existing.revision + 1) if existing else 1
    canonical.update({"solicitation": solicitation.number, "vendor_id": vendor.pk,
                      "revision": revision, "addenda_acknowledged": addenda,
                      "documents": [], "salt": sealing.new_salt()})
    now = received
    bid = existing or Bid(solicitation=solicitation, vendor=vendor)
    bid.state, bid.revision, bid.submitted_at = Bid.State.SUBMITTED, revision, now
    bid.addenda_confirmed = addenda
    if bid.pk is None:
        bid.sealed, bid.digest = b"", ""
        # Bids hold only a shared lock on the solicitation, so two first submissions of one vendor
        # (a double click, two colleagues; seen in `make load`) can both find no bid: the second
        # insert breaks the one-bid-per-vendor constraint. A clear refusal, nothing changed.
        try:
            with transaction.atomic():
                bid.save()
        except IntegrityError:
            raise ValidationError("Another submission of your bid arrived at the same moment and was stored. "
                                  "Send this one again if it should replace it.") from None
    stored_docs = []
    for title, upload in documents:
        upload.seek(0)
        content = upload.read()
        sha = hashlib.sha256(content).hexdigest()
        sealed = sealing.seal(content, solicitation_id=solicitation.pk, context=f"bid-doc:{bid.pk}")
        # The title and the vendor's file name are sealed with the digest; the file on disk gets a
        # random name.
        meta = {"title": (title or upload.name or "Document")[:200], "filename": (upload.name or "")[:255],
                "sha256": sha}
        doc = BidDocument(bid=bid, revision=revision, size=len(content), uploaded_at=now,
                          sealed_meta=sealing.seal(sealing.canonical_json(meta), solicitation_id=solicitation.pk,
                                                   context=sealing.document_meta_context(bid.pk)))
        doc.sealed_file.save(sealing.sealed_file_name(solicitation.pk), ContentFile(sealed), save=False)
        doc.save()
        stored_docs.append({"title": meta["title"], "sha256": sha, "size": doc.size})
    if not documents and existing is not None:  # a replacement without documents keeps the last set
        for doc in selectors.current_bid_documents(existing):
            stored_docs.append({"title": doc.title, "sha256": doc.sha256, "size": doc.size})
    canonical["documents"] = stored_docs
    bid.digest = sealing.digest(canonical)
    bid.sealed = sealing.seal(sealing.canonical_json(canonical), solicitation_id=solicitation.pk,
                              context=f"bid:{bid.pk}")
    bid.save()
    action = BidReceipt.Action.REPLACED if existing else BidReceipt.Action.SUBMITTED
    receipt = _receipt(bid, action, canonical, now, rising)
    # The audit trail records that a bid arrived, never what it says.
    audit_record(actor=actor, action=bid_arrival(action), obj=bid,
                 object_repr=f"bid of vendor {vendor.pk} on {solicitation.number}",
                 after={"revision": revision, "sha256": bid.digest, "received_at": now,
                        "received_clock": clock})
    return bid, receipt


@transaction.atomic
def bid_confirm(*, solicitation: Solicitation, actor: Actor, confirm_rising_prices: bool = False,
                received_at: Optional[dt.datetime] = None, received_clock: str = "server") -> tuple[Bid, Receipt]:
    """Re-confirm a bid unchanged after an addendum. A bid whose price rises with volume needs
    `confirm_rising_prices` unless the vendor confirmed that when submitting it."""
    vendor = require_vendor(actor, "confirm bids")
    received, clock = _received(received_at, received_clock)
    solicitation = _lock_open(solicitation, received)
    bid = lock(Bid.objects.all()).filter(solicitation=solicitation, vendor=vendor,
                                                 state=Bid.State.SUBMITTED).first()
    if bid is None:
        raise ValidationError("You have no bid on this solicitation to confirm.")
    addenda = solicitation.addenda.count()
    if bid.addenda_confirmed >= addenda:
        raise ValidationError("Your bid already accounts for every addendum.")
    # The addenda may have changed the lines or the requirements: the bid must still fit.
    _, content = selectors.own_bid(solicitation=solicitation, vendor=vendor)
    try:
        clean_bid(solicitation, content)
    except ValidationError as exc:
        problems = "; ".join(f"{k}: {' '.join(v)}" if k != "__all__" else " ".join(v)
                             for k, v in exc.message_dict.items())
        raise ValidationError(f"Your bid no longer fits the solicitation as amended by addendum {addenda} "
                              f"({problems}). Replace it instead of re-confirming it.")
    rising = rising_prices(content)
    if rising and not (confirm_rising_prices or content.get("rising_prices_confirmed")):
        raise _rising_prices_refusal(rising)
    now = received
    before = bid.addenda_confirmed
    bid.addenda_confirmed = addenda
    bid.save(update_fields=["addenda_confirmed"])
    payload = {"solicitation": solicitation.number, "bid_sha256": bid.digest,
               "addenda_acknowledged": addenda}
    if rising:
        payload["rising_prices_confirmed"] = True
    receipt = _receipt(bid, BidReceipt.Action.CONFIRMED, payload, now, rising)
    audit_record(actor=actor, action=AuditAction.BID_CONFIRMED, obj=bid,
                 object_repr=f"bid of vendor {vendor.pk} on {solicitation.number}",
                 before={"addenda_confirmed": before},
                 after={"addenda_confirmed": addenda, "received_at": now, "received_clock": clock})
    return bid, receipt


@transaction.atomic
def bid_withdraw(*, solicitation: Solicitation, actor: Actor,
                 received_at: Optional[dt.datetime] = None, received_clock: str = "server") -> tuple[Bid, Receipt]:
    vendor = require_vendor(actor, "withdraw bids")
    received, clock = _received(received_at, received_clock)
    solicitation = _lock_open(solicitation, received)
    bid = lock(Bid.objects.all()).filter(solicitation=solicitation, vendor=vendor,
                                                 state=Bid.State.SUBMITTED).first()
    if bid is None:
        raise ValidationError("You have no bid on this solicitation to withdraw.")
    now = received
    bid.state = Bid.State.WITHDRAWN
    bid.save(update_fields=["state"])
    receipt = _receipt(bid, BidReceipt.Action.WITHDRAWN,
                       {"solicitation": solicitation.number, "withdrawn": True}, now)
    audit_record(actor=actor, action=AuditAction.BID_WITHDRAWN, obj=bid,
                 object_repr=f"bid of vendor {vendor.pk} on {solicitation.number}",
                 before={"state": "submitted"},
                 after={"state": "withdrawn", "received_at": now, "received_clock": clock})
    return bid, receipt
