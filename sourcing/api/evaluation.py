"""The committee: seats, declarations, scores and consensus."""

from django.core.exceptions import PermissionDenied, ValidationError
from ninja import Status

from accounts.acting import EVALUATOR, STAFF
from accounts.access import api_roles
from accounts.api_auth import API_AUTH
from accounts.models import RoleAssignment
from core.api_types import Id
from sourcing import selectors
from sourcing.api.common import P, router, solicitation_or_404
from sourcing.api.responses import CommitteeSeatOut, DeclarationOut, SourcingScoreOut
from sourcing.api.schemas import BidScoreIn, DeclarationIn, SeatIn
from sourcing.models import Bid, Criterion, Solicitation
from sourcing.services import evaluation as evaluation_services


@router.post(P + "/committee", response={201: CommitteeSeatOut}, auth=API_AUTH)
@api_roles(STAFF)
def committee_seat(request, solicitation_id: Id, payload: SeatIn):
    assignment = RoleAssignment.objects.filter(pk=payload.assignment_id).select_related(
        "user", "organisation").first()
    if assignment is None:
        raise ValidationError({"assignment_id": "No such role assignment."})
    seat = evaluation_services.evaluator_seat(solicitation=solicitation_or_404(request, solicitation_id),
                                              assignment=assignment, actor=request.actor)
    return Status(201, {"seat_id": seat.pk, "evaluator": assignment.user.email,
                        "declaration": seat.declaration})


def _declaration_out(s: Solicitation, request) -> dict:
    seat = selectors.evaluator_seat_for(request.actor, s)
    if seat is None:
        raise PermissionDenied("You are not seated on this solicitation's committee.")
    refusal = (selectors.declaration_refusal(s)
               if seat.declaration == seat.Declaration.PENDING else None)
    bidders = ([] if not s.bids_opened() else
               selectors.declaration_bidders(solicitation=s, actor=request.actor))
    return {"declaration": seat.declaration, "declared_at": seat.declared_at,
            "may_sign": seat.declaration == seat.Declaration.PENDING and refusal is None,
            "message": refusal or "", "opens_at": s.bid_deadline,
            "bidders": [{"vendor_id": b.vendor_id, "name": b.name} for b in bidders],
            "declared": [{"vendor_id": d.vendor_id, "name": d.vendor_name,
                          "has_relationship": d.has_relationship, "details": d.details}
                         for d in selectors.declared_bidders(seat)]}


@router.get(P + "/declaration", response=DeclarationOut, auth=API_AUTH)
@api_roles(EVALUATOR)
def declaration_get(request, solicitation_id: Id):
    """Your conflict-of-interest declaration as a seated evaluator: whether you may sign it now
    and, once bids have opened (who bid is confidential until the deadline), the bidders to
    declare against (company names only)."""
    return _declaration_out(solicitation_or_404(request, solicitation_id), request)


@router.post(P + "/declaration", response=DeclarationOut, auth=API_AUTH)
@api_roles(EVALUATOR)
def declaration(request, solicitation_id: Id, payload: DeclarationIn):
    """Sign your declaration (after the bid deadline): `relationships` names every bidder you,
    or anyone close to you, have a financial or personal relationship with, with the details;
    `[]` declares none. A relationship with any bidder removes you from the committee."""
    s = solicitation_or_404(request, solicitation_id)
    evaluation_services.declaration_sign(
        solicitation=s, relationships=[r.dict() for r in payload.relationships], actor=request.actor)
    return _declaration_out(s, request)


def _bid_and_criterion(s, payload: BidScoreIn):
    bid = Bid.objects.filter(pk=payload.bid_id, solicitation=s).first()
    criterion = Criterion.objects.filter(pk=payload.criterion_id, solicitation=s).first()
    if bid is None or criterion is None:
        raise ValidationError({"bid_id": "No such bid or criterion on this solicitation."})
    return bid, criterion


@router.post(P + "/scores", response=SourcingScoreOut, auth=API_AUTH)
@api_roles(EVALUATOR)
def score(request, solicitation_id: Id, payload: BidScoreIn):
    s = solicitation_or_404(request, solicitation_id)
    bid, criterion = _bid_and_criterion(s, payload)
    sc = evaluation_services.score_record(solicitation=s, bid=bid, criterion=criterion,
                                          points=payload.points, comment=payload.comment,
                                          actor=request.actor)
    return {"bid_id": bid.pk, "criterion": criterion.name, "points": str(sc.points)}


@router.post(P + "/consensus", response=SourcingScoreOut, auth=API_AUTH)
@api_roles(STAFF)
def consensus(request, solicitation_id: Id, payload: BidScoreIn):
    s = solicitation_or_404(request, solicitation_id)
    bid, criterion = _bid_and_criterion(s, payload)
    c = evaluation_services.consensus_record(solicitation=s, bid=bid, criterion=criterion,
                                             points=payload.points, comment=payload.comment,
                                             actor=request.actor)
    return {"bid_id": bid.pk, "criterion": criterion.name, "points": str(c.points)}
