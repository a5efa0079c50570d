"""The evaluation committee: seats, conflict-of-interest declarations, scores and consensus."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Iterable, Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.acting import EVALUATOR, Actor, require_staff
from accounts.models import RoleAssignment
from core.limits import NOTE_MAX, check_text
from audit.actions import AuditAction
from audit.services import audit_record
from members.selectors import district_is_member, district_of_organisation
from sourcing import selectors
from sourcing.lifecycle import effective_state
from sourcing.models import Bid, ConsensusScore, Criterion, EvaluatorSeat, Score, Solicitation
from sourcing.models.evaluation import DeclaredBidder
from sourcing.states import SolicitationState as S
from core.locks import lock

SCORE_MAX = Decimal(10)


def _points(value) -> Decimal:
    try:
        points = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError):
        raise ValidationError({"points": "A score from 0 to 10 is required."})
    if not (0 <= points <= SCORE_MAX):
        raise ValidationError({"points": "A score from 0 to 10 is required."})
    return points


@transaction.atomic
def evaluator_seat(*, solicitation: Solicitation, assignment: RoleAssignment,
                   actor: Actor) -> EvaluatorSeat:
    """Seat an evaluator (a person holding the evaluator role in a member district)."""
    require_staff(actor, "seat evaluators")
    solicitation = Solicitation.objects.get(pk=solicitation.pk)
    if assignment.role != EVALUATOR:
        raise ValidationError({"evaluator": "Seat a person who holds the evaluator role."})
    district = district_of_organisation(assignment.organisation)
    if district is None or not district_is_member(district):
        raise ValidationError({"evaluator": (
            f"{assignment.user.email} evaluates for {assignment.organisation.name}, which is not an "
            f"active member district: only evaluators from active member districts may be seated.")})
    if effective_state(solicitation) in (S.AWARDED, S.CANCELLED, S.DRAFT):
        raise ValidationError("Evaluators are seated on published solicitations before the award.")
    seat, created = EvaluatorSeat.objects.get_or_create(
        solicitation=solicitation, evaluator=assignment.user,
        defaults={"district": assignment.organisation, "seated_at": timezone.now()})
    if not created:
        raise ValidationError({"evaluator": f"{assignment.user.email} already has a seat."})
    audit_record(actor=actor, action=AuditAction.EVALUATION_SEATED, obj=seat,
                 after={"solicitation": solicitation.pk, "evaluator": assignment.user.email,
                        "district": assignment.organisation.name})
    return seat


def seat_of(actor: Actor, solicitation: Solicitation) -> EvaluatorSeat | None:
    if actor.user is None or actor.role != EVALUATOR:
        return None
    return EvaluatorSeat.objects.filter(solicitation=solicitation, evaluator=actor.user,
                                        district=actor.organisation).first()


@transaction.atomic
def declaration_sign(*, solicitation: Solicitation, relationships: Iterable[Mapping[str, Any]],
                     actor: Actor) -> EvaluatorSeat:
    """The evaluator's conflict-of-interest declaration, signed once bids have opened (who bid is
    confidential until the deadline), against the bidders it names: `relationships` lists
    `{"vendor_id", "details"}` for every bidder the evaluator (or anyone close to them) has a
    financial or personal relationship with; an empty list declares none. A line is stored for
    every bidder. A relationship with any bidder is a conflict and removes the evaluator from the
    committee; none lets them see proposals."""
    seat = seat_of(actor, solicitation)
    if seat is None:
        raise PermissionDenied("You are not seated on this solicitation's committee.")
    seat = lock(EvaluatorSeat.objects.all()).get(pk=seat.pk)
    if seat.declaration != EvaluatorSeat.Declaration.PENDING:
        raise ValidationError("You have already signed your declaration.")
    solicitation = Solicitation.objects.get(pk=solicitation.pk)
    refusal = selectors.declaration_refusal(solicitation)
    if refusal:
        raise ValidationError(refusal)
    bidders = {b.vendor_id: b for b in selectors.declaration_bidders(solicitation=solicitation, actor=actor)}
    named: dict[int, str] = {}
    errors: dict[str, str] = {}
    for i, item in enumerate(relationships, start=1):
        where = f"relationships[{i}]"
        try:
            vendor_id = int(item.get("vendor_id"))
        except (TypeError, ValueError, AttributeError):
            errors[f"{where}.vendor_id"] = "Name the bidder by its vendor_id."
            continue
        if vendor_id not in bidders:
            errors[f"{where}.vendor_id"] = (f"Vendor {vendor_id} did not bid on {solicitation.number}; "
                                            f"declare against the bidders listed.")
        elif vendor_id in named:
            errors[f"{where}.vendor_id"] = f"{bidders[vendor_id].name} is named twice."
        else:
            details = str(item.get("details") or "").strip()
            if not details:
                errors[f"{where}.details"] = (f"Describe the relationship with "
                                              f"{bidders[vendor_id].name}.")
            named[vendor_id] = details
    if errors:
        raise ValidationError(errors)
    DeclaredBidder.objects.bulk_create([
        DeclaredBidder(seat=seat, vendor_id=b.vendor_id, vendor_name=b.name,
                       has_relationship=b.vendor_id in named, details=named.get(b.vendor_id, ""))
        for b in bidders.values()])
    seat.declaration = (EvaluatorSeat.Declaration.CONFLICT if named
                        else EvaluatorSeat.Declaration.NO_CONFLICT)
    seat.declared_at = timezone.now()
    seat.conflict_details = "; ".join(f"{bidders[v].name}: {d}" for v, d in sorted(
        named.items(), key=lambda kv: bidders[kv[0]].name))
    seat.save(update_fields=["declaration", "declared_at", "conflict_details"])
    audit_record(actor=actor, action=AuditAction.EVALUATION_DECLARATION_SIGNED, obj=seat,
                 before={"declaration": "pending"},
                 after={"declaration": seat.declaration,
                        "bidders": [b.name for b in bidders.values()],
                        "relationships": [{"vendor": bidders[v].name, "details": d}
                                          for v, d in named.items()]})
    return seat


def _scorable_bid(solicitation: Solicitation, bid: Bid, criterion: Criterion) -> None:
    solicitation = Solicitation.objects.get(pk=solicitation.pk)
    if effective_state(solicitation) != S.UNDER_EVALUATION:
        raise ValidationError("Scores are recorded while the solicitation is under evaluation.")
    if bid.solicitation_id != solicitation.pk or bid.state != Bid.State.SUBMITTED:
        raise ValidationError({"bid": "Not a bid of this solicitation."})
    if criterion.solicitation_id != solicitation.pk:
        raise ValidationError({"criterion": "Not a criterion of this solicitation."})
    if criterion.is_price:
        raise ValidationError({"criterion": "Price is scored by formula, not by evaluators."})


@transaction.atomic
def score_record(*, solicitation: Solicitation, bid: Bid, criterion: Criterion, points,
                 comment: str = "", actor: Actor) -> Score:
    """An evaluator's own, independent score (0-10) of one bid on one criterion."""
    seat = seat_of(actor, solicitation)
    if seat is None or not seat.may_see_proposals:
        raise PermissionDenied("Sign your conflict-of-interest declaration first (and have no "
                               "conflict) to score proposals.")
    _scorable_bid(solicitation, bid, criterion)
    points = _points(points)
    comment = check_text(comment, field="comment", max_length=NOTE_MAX)
    score, created = Score.objects.update_or_create(
        seat=seat, bid=bid, criterion=criterion,
        defaults={"points": points, "comment": comment, "scored_at": timezone.now()})
    audit_record(actor=actor, action=AuditAction.EVALUATION_SCORED, obj=score,
                 after={"bid": bid.pk, "criterion": criterion.name, "points": points,
                        "comment": score.comment})
    return score


@dataclass(frozen=True)
class ScoreCell:
    """One cell of an evaluator's scoring grid: a bid, a criterion, the points as typed."""

    bid: Bid
    criterion: Criterion
    points: Any
    comment: str = ""

    @property
    def key(self) -> str:
        return f"{self.bid.pk}-{self.criterion.pk}"


@transaction.atomic
def scores_record(*, solicitation: Solicitation, cells: Iterable[ScoreCell], actor: Actor) -> list[Score]:
    """The evaluator's whole grid in one save: each cell through `score_record` (each audited),
    all or nothing. Refused cells are reported together, each as "points-<key>" or
    "comment-<key>" (`ScoreCell.key`), and then nothing is saved."""
    saved, errors = [], {}
    for cell in cells:
        try:
            saved.append(score_record(solicitation=solicitation, bid=cell.bid, criterion=cell.criterion,
                                      points=cell.points, comment=cell.comment, actor=actor))
        except ValidationError as exc:
            if not hasattr(exc, "error_dict") or not ({"points", "comment"} & set(exc.error_dict)):
                raise  # not about this cell (the evaluation is closed, a bid is not scorable)
            for name, field_errors in exc.error_dict.items():
                errors[f"{name}-{cell.key}"] = ValidationError(field_errors).messages
    if errors:
        raise ValidationError(errors)
    return saved


@transaction.atomic
def consensus_record(*, solicitation: Solicitation, bid: Bid, criterion: Criterion, points,
                     comment: str, actor: Actor) -> ConsensusScore:
    """Staff record the committee's consensus score with its reasons."""
    require_staff(actor, "record consensus scores")
    _scorable_bid(solicitation, bid, criterion)
    points = _points(points)
    comment = check_text(comment, field="comment", max_length=NOTE_MAX)
    if not comment:
        raise ValidationError({"comment": "Record the committee's reasons."})
    consensus, _ = ConsensusScore.objects.update_or_create(
        bid=bid, criterion=criterion,
        defaults={"points": points, "comment": comment.strip(), "recorded_at": timezone.now(),
                  "recorded_by": actor.user})
    audit_record(actor=actor, action=AuditAction.EVALUATION_CONSENSUS_RECORDED, obj=consensus,
                 after={"bid": bid.pk, "criterion": criterion.name, "points": points,
                        "comment": consensus.comment})
    return consensus
