"""The vendor's own sealed bid, the opened bids and the tabulation."""

from typing import Optional

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404

from accounts.acting import VENDOR
from accounts.access import api_public, api_roles
from accounts.api_auth import API_AUTH, OPTIONAL_AUTH
from core.received import received_at_of, received_clock_of
from core.api_types import Id
from core.documents import upload_from_base64
from sourcing import selectors
from sourcing.api.common import P, router, solicitation_or_404
from sourcing.api.responses import BidReceiptOut, OpenedBidOut, OwnBidOut, TabulationOut
from sourcing.api.schemas import BidConfirmIn, BidIn
from sourcing.models import Solicitation
from sourcing.receipts import rising_prices
from sourcing.services import bids as bid_services
from sourcing.tabulation import PRICE_RULES, price_rule, tabulation_rows
from vendors.selectors import vendor_for_actor


@router.put(P + "/bid", response=BidReceiptOut, auth=API_AUTH)
@api_roles(VENDOR)
def bid_put(request, solicitation_id: Id, payload: BidIn):
    """Submit or replace your sealed bid. Returns your receipt (keep it). Documents (PDF, sealed
    like the prices) replace the previous set; send none to keep it."""
    solicitation = solicitation_or_404(request, solicitation_id)
    if len(payload.documents) > settings.MAX_DOCUMENTS_PER_REQUEST:
        raise ValidationError({"documents": f"Send at most {settings.MAX_DOCUMENTS_PER_REQUEST} "
                                            f"documents with a bid."})
    documents = [(d.title, upload_from_base64(d.content_base64, filename=d.filename,
                                              field=f"documents[{i}]"))
                 for i, d in enumerate(payload.documents, start=1)]
    _, receipt = bid_services.bid_submit(solicitation=solicitation,
                                         data=payload.dict(exclude={"documents", "confirm_rising_prices"}),
                                         documents=documents, confirm_rising_prices=payload.confirm_rising_prices,
                                         received_at=received_at_of(request),
                                         received_clock=received_clock_of(request), actor=request.actor)
    return receipt.as_dict()


def _bid_documents_out(s: Solicitation, bid_id: int, documents) -> list[dict]:
    return [{"id": d.pk, "title": d.title, "filename": d.filename, "size": d.size, "sha256": d.sha256,
             "revision": d.revision,
             "url": f"/solicitations/{s.pk}/bids/{bid_id}/documents/{d.pk}/"} for d in documents]


@router.get(P + "/bid", response=OwnBidOut, auth=API_AUTH)
@api_roles(VENDOR)
def bid_get(request, solicitation_id: Id):
    """Your own bid (any time) and its receipts."""
    s = solicitation_or_404(request, solicitation_id)
    vendor = vendor_for_actor(request.actor)
    mine = selectors.own_bid(solicitation=s, vendor=vendor)
    if mine is None:
        raise Http404("You have not bid on this solicitation.")
    bid, content = mine
    return {"state": bid.state, "revision": bid.revision, "submitted_at": bid.submitted_at,
            "sha256": bid.digest, "confirmed": bid.addenda_confirmed >= s.addenda.count(),
            "bid": content,
            # e.g. the price rises with volume: a higher tier dearer than a lower one
            "warnings": rising_prices(content) if bid.state == "submitted" else [],
            "documents": _bid_documents_out(s, bid.pk, selectors.current_bid_documents(bid)),
            "receipts": [{"id": r.pk, "action": r.action, "revision": r.revision,
                          "received_at": r.received_at, "sha256": r.digest}
                         for r in selectors.own_receipts(solicitation=s, vendor=vendor)]}


@router.delete(P + "/bid", response=BidReceiptOut, auth=API_AUTH)
@api_roles(VENDOR)
def bid_delete(request, solicitation_id: Id):
    """Withdraw your bid (until the deadline)."""
    _, receipt = bid_services.bid_withdraw(solicitation=solicitation_or_404(request, solicitation_id),
                                           received_at=received_at_of(request),
                                           received_clock=received_clock_of(request), actor=request.actor)
    return receipt.as_dict()


@router.post(P + "/bid/confirm", response=BidReceiptOut, auth=API_AUTH)
@api_roles(VENDOR)
def bid_confirm(request, solicitation_id: Id, payload: Optional[BidConfirmIn] = None):
    """Re-confirm your bid unchanged after an addendum. The body may be empty; a bid whose price
    rises with volume needs `{"confirm_rising_prices": true}` unless that was confirmed when it
    was submitted."""
    _, receipt = bid_services.bid_confirm(
        solicitation=solicitation_or_404(request, solicitation_id), actor=request.actor,
        confirm_rising_prices=bool(payload and payload.confirm_rising_prices),
        received_at=received_at_of(request),
        received_clock=received_clock_of(request))
    return receipt.as_dict()


@router.get(P + "/bids", response=list[OpenedBidOut], auth=OPTIONAL_AUTH)
@api_public
def bids_opened(request, solicitation_id: Id):
    """Every bid, whole (notes, documents), after the deadline: to staff and to evaluators who
    declared no conflict, only. Before the deadline: 403 for everybody. The public record after
    the award notice is the tabulation (`/tabulation`), not the bids."""
    s = solicitation_or_404(request, solicitation_id)
    bids = selectors.opened_bids(solicitation=s, actor=getattr(request, "actor", None), purpose="bids API")
    return [{"bid_id": b.bid_id, "vendor": b.vendor_name, "vendor_id": b.vendor_id,
             "submitted_at": b.submitted_at, "revision": b.revision, "sha256": b.digest,
             "confirmed": b.addenda_confirmed >= s.addenda.count(), "content": b.content,
             "documents": _bid_documents_out(s, b.bid_id, b.documents)}
            for b in bids]


@router.get(P + "/tabulation", response=TabulationOut, auth=OPTIONAL_AUTH)
@api_public
def tabulation(request, solicitation_id: Id):
    """The bid tabulation: every bid, line by line, with evaluated prices and scores. To staff and
    declared evaluators after the deadline; public record after the award notice."""
    s = solicitation_or_404(request, solicitation_id)
    evaluations = selectors.tabulation(solicitation=s, actor=getattr(request, "actor", None),
                                       purpose="tabulation API")
    rule = price_rule(evaluations)
    return {"solicitation": s.number, "rows": tabulation_rows(evaluations),
            "price_rule": {"rule": rule, "text": PRICE_RULES.get(rule, "")},
            "bids": [{"bid_id": ev.bid.bid_id, "vendor": ev.bid.vendor_name,
                      "responsive": ev.responsive, "reasons": ev.reasons,
                      "evaluated_total": str(ev.evaluated_total), "price_score": str(ev.price_score),
                      "criterion_scores": {k: (None if v is None else str(v))
                                           for k, v in ev.criterion_scores.items()},
                      "total_score": None if ev.total_score is None else str(ev.total_score)}
                     for ev in evaluations]}
