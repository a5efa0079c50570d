"""Who may read what, and when: whole bids (staff and declared evaluators after the deadline), the
bid tabulation (also everybody after the award notice), declarations, protest documents. Each
refusal is a sentence for people, or None when reading is allowed."""

from __future__ import annotations

import datetime as dt
from typing import Optional

from django.utils import timezone

from accounts.acting import EVALUATOR, STAFF, VENDOR, Actor, acts_as
from sourcing.lifecycle import effective_state
from sourcing.models import (EvaluatorSeat, Protest,
                             Solicitation)
from sourcing.states import SolicitationState as S


def evaluator_seat_for(actor: Optional[Actor], solicitation: Solicitation) -> Optional[EvaluatorSeat]:
    if actor is None or actor.user is None or actor.role != EVALUATOR:
        return None
    return EvaluatorSeat.objects.filter(solicitation=solicitation, evaluator=actor.user,
                                        district=actor.organisation).first()


def sealed_message(solicitation: Solicitation) -> str:
    """Why bids cannot be read yet, and when they can."""
    return (f"Bids are sealed until the deadline, {timezone.localtime(solicitation.bid_deadline):%Y-%m-%d %H:%M %Z}; "
            f"they open at {timezone.localtime(solicitation.bids_open_at):%H:%M:%S}, once every bid "
            f"received in time is stored.")


def bid_reading_refusal(solicitation: Solicitation, actor: Optional[Actor],
                        now: Optional[dt.datetime] = None) -> Optional[str]:
    """None if `actor` may read every bid of `solicitation` now (its whole content, notes and salt
    included, and its documents); otherwise why not. Consortium staff and the evaluators who
    declared no conflict, once the deadline has passed; nobody else, ever (a vendor reads its own
    bid through `own_bid`). The bid tabulation has its own, wider rule: `tabulation_refusal`."""
    now = now or timezone.now()
    if not solicitation.bids_opened(now):
        return sealed_message(solicitation)
    if acts_as(actor, STAFF):
        return None
    seat = evaluator_seat_for(actor, solicitation)
    if seat is not None:
        if seat.may_see_proposals:
            return None
        if seat.declaration == EvaluatorSeat.Declaration.PENDING:
            return "Sign your conflict-of-interest declaration before seeing proposals."
        return "You declared a conflict of interest and are not on this committee."
    return ("Bids and their documents are shown to consortium staff and the evaluation committee "
            "only; the bid tabulation becomes public record when the award notice is published.")


def tabulation_is_public(solicitation: Solicitation, now: Optional[dt.datetime] = None) -> bool:
    """The bid tabulation is public record once an award notice has been published (it stays so
    if a protest reopens the evaluation)."""
    now = now or timezone.now()
    return solicitation.bids_opened(now) and solicitation.awards.filter(
        notice_published_at__lte=now).exists()


def tabulation_refusal(solicitation: Solicitation, actor: Optional[Actor],
                       now: Optional[dt.datetime] = None) -> Optional[str]:
    """None if `actor` may see the bid tabulation (page, JSON, CSV, XLSX) now: whoever may read
    the bids, and everybody once the award notice is published; otherwise why not."""
    refusal = bid_reading_refusal(solicitation, actor, now)
    if refusal is None or tabulation_is_public(solicitation, now):
        return None
    return refusal


def declaration_refusal(solicitation: Solicitation, now: Optional[dt.datetime] = None) -> Optional[str]:
    """None while evaluators may sign their conflict-of-interest declaration: from the bid
    deadline (who bid is confidential until then, and the declaration names the bidders) until
    the award is final or the solicitation is cancelled; otherwise why not."""
    now = now or timezone.now()
    if not solicitation.bids_opened(now):
        return ("The conflict-of-interest declaration opens at the bid deadline, "
                f"{timezone.localtime(solicitation.bid_deadline):%Y-%m-%d %H:%M %Z}: who bid is "
                "confidential until then. You will then declare, for each bidder, any relationship "
                "with it.")
    if effective_state(solicitation, now) in (S.AWARDED, S.CANCELLED):
        return "The evaluation of this solicitation is over."
    return None


def protest_document_refusal(protest: Protest, actor: Optional[Actor]) -> Optional[str]:
    """None if `actor` may read the protest's supporting document: consortium staff, who decide
    it, and the protesting vendor; otherwise why not."""
    if acts_as(actor, STAFF):
        return None
    if acts_as(actor, VENDOR, protest.vendor.organisation):
        return None
    return "A protest's document is shown to consortium staff and to the vendor that filed it."
