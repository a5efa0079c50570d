"""Reading the evaluation: evaluators' seats and declarations, scores, the bid tabulation, awards
and protests."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Optional

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils import timezone

from accounts.acting import EVALUATOR, STAFF, VENDOR, Actor, acts_as
from accounts.models import RoleAssignment
from sourcing.lifecycle import current_award, effective_state
from sourcing.models import (Award, Bid, ConsensusScore, EvaluatorSeat, Protest,
                             Score, Solicitation)
from sourcing.models.evaluation import DeclaredBidder
from sourcing.states import SolicitationState as S
from sourcing.tabulation import BidEvaluation, OpenedBid, evaluate
from sourcing.selectors.access import evaluator_seat_for
from sourcing.selectors.bids import opened_bids, tabulated_bids


@dataclass(frozen=True)
class Bidder:
    """A company that bid: its name only, for evaluators' declarations."""
    vendor_id: int
    name: str


def declaration_bidders(*, solicitation: Solicitation, actor: Optional[Actor]) -> list[Bidder]:
    """The companies that bid (names only, no bid content), for the declaration of an evaluator
    seated on the committee (staff see them too), once bids have opened."""
    if not acts_as(actor, STAFF) and evaluator_seat_for(actor, solicitation) is None:
        raise PermissionDenied("Only the evaluators seated on this solicitation's committee declare "
                               "against its bidders.")
    if not solicitation.bids_opened():
        raise PermissionDenied("Who bid is confidential until the bid deadline, "
                               f"{timezone.localtime(solicitation.bid_deadline):%Y-%m-%d %H:%M %Z}.")
    bids = (solicitation.bids.filter(state=Bid.State.SUBMITTED).select_related("vendor")
            .order_by("vendor__legal_name", "vendor_id"))
    return [Bidder(vendor_id=b.vendor_id, name=b.vendor.legal_name) for b in bids]


def declared_bidders(seat: EvaluatorSeat) -> QuerySet[DeclaredBidder]:
    return seat.declared_bidders.all()


def evaluation(*, solicitation: Solicitation, actor: Optional[Actor],
               include_evaluator_scores: bool = True, purpose: str = "evaluation") -> list[BidEvaluation]:
    """The evaluation of every bid, for those who may read the bids (see `bid_reading_refusal`);
    the read is recorded."""
    return _evaluation(solicitation, opened_bids(solicitation=solicitation, actor=actor, purpose=purpose),
                       include_evaluator_scores)


def tabulation(*, solicitation: Solicitation, actor: Optional[Actor], purpose: str = "tabulation",
               export_format: str = "") -> list[BidEvaluation]:
    """The bid tabulation (see `tabulation_refusal`); after the award notice, for everybody, from
    the bids' lines and attestations only. Reads by staff and evaluators are recorded."""
    return _evaluation(solicitation, tabulated_bids(solicitation=solicitation, actor=actor, purpose=purpose,
                                                    export_format=export_format), True)


def _evaluation(solicitation: Solicitation, bids: list[OpenedBid],
                include_evaluator_scores: bool) -> list[BidEvaluation]:
    consensus = {(c.bid_id, c.criterion.name): c.points
                 for c in ConsensusScore.objects.filter(bid__solicitation=solicitation)
                 .select_related("criterion")}
    scores: dict[tuple[int, str], list[Decimal]] = {}
    if include_evaluator_scores:
        for s in Score.objects.filter(bid__solicitation=solicitation,
                                      seat__declaration=EvaluatorSeat.Declaration.NO_CONFLICT
                                      ).select_related("criterion"):
            scores.setdefault((s.bid_id, s.criterion.name), []).append(s.points)
    return evaluate(
        solicitation_lines=list(solicitation.lines.values("reference", "estimated_quantity")),
        requirements=list(solicitation.requirements.values("code", "text")),
        criteria=[{"name": c.name, "weight": c.weight, "is_price": c.is_price}
                  for c in solicitation.criteria.all()],
        addenda=solicitation.addenda.count(), bids=bids, consensus=consensus,
        evaluator_scores=scores)


def my_scores(*, seat: EvaluatorSeat) -> dict[tuple[int, int], Score]:
    return {(s.bid_id, s.criterion_id): s for s in seat.scores.all()}


@dataclass(frozen=True)
class AwardView:
    award: Award
    final: bool
    open_protests: int


def award_view(solicitation: Solicitation) -> Optional[AwardView]:
    award = current_award(solicitation)
    if award is None:
        return None
    open_protests = award.protests.filter(state=Protest.State.OPEN).count()
    return AwardView(award=award, open_protests=open_protests,
                     final=effective_state(solicitation) == S.AWARDED)


def awards_history(solicitation: Solicitation) -> QuerySet[Award]:
    return solicitation.awards.prefetch_related("awarded_bids__vendor", "protests").order_by("-version")


def eligible_evaluators(solicitation: Solicitation) -> QuerySet[RoleAssignment]:
    """Whom staff may seat: evaluators of active member districts not yet on the committee."""
    from members.selectors import member_directory

    return (RoleAssignment.objects.filter(
        role=EVALUATOR, organisation__in=member_directory().values("district__organisation"))
        .exclude(user__in=solicitation.seats.values("evaluator"))
        .select_related("user", "organisation").order_by("organisation__name", "user__email"))


def seats(solicitation: Solicitation) -> QuerySet[EvaluatorSeat]:
    return solicitation.seats.select_related("evaluator", "district").order_by("seated_at")


def protests_for(*, solicitation: Solicitation, actor: Actor) -> QuerySet[Protest]:
    """Staff see every protest of the solicitation; a vendor sees its own."""
    qs = (Protest.objects.filter(award__solicitation=solicitation)
          .select_related("vendor", "award").order_by("filed_at", "pk"))
    if actor.role == STAFF:
        return qs
    if actor.role == VENDOR:
        return qs.filter(vendor__organisation=actor.organisation)
    return qs.none()
