"""Reading solicitations: lists, one solicitation for a reader, how many bids arrived (the only
thing about bids shown before the deadline), public questions."""

from __future__ import annotations

import datetime as dt
from typing import Optional

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from accounts.acting import STAFF, Actor
from sourcing import policy
from sourcing.lifecycle import effective_state
from sourcing.models import (Bid, Question, Solicitation, SolicitationLine)
from sourcing.states import PUBLIC_STATES, SolicitationState as S


def solicitation_list(*, actor: Optional[Actor], state: str = "", q: str = "") -> QuerySet[Solicitation]:
    """Staff see drafts too; everyone else sees published solicitations."""
    qs = Solicitation.objects.select_related("category").annotate(
        bid_count=Count("bids", filter=Q(bids__state=Bid.State.SUBMITTED)))
    if actor is None or actor.role != STAFF:
        qs = qs.exclude(state=S.DRAFT)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(number__icontains=q) | Q(description__icontains=q))
    now = timezone.now()
    if state == S.PUBLISHED:
        qs = qs.filter(state=S.PUBLISHED, bid_deadline__gt=now)
    elif state == S.CLOSED:
        qs = qs.filter(state=S.PUBLISHED, bid_deadline__lte=now)
    elif state:
        qs = qs.filter(state=state)
    return qs.order_by("-bid_deadline")


def solicitation_get(*, solicitation_id: int, actor: Optional[Actor]) -> Solicitation:
    solicitation = Solicitation.objects.select_related("category").filter(pk=solicitation_id).first()
    if solicitation is None or (solicitation.state == S.DRAFT
                                and (actor is None or actor.role != STAFF)):
        raise Solicitation.DoesNotExist(f"No solicitation {solicitation_id}.")
    return solicitation


def bid_count(solicitation: Solicitation) -> int:
    """How many bids are in (submitted, not withdrawn). Not for display before the deadline:
    pages and the API show `bid_count_shown`."""
    return solicitation.bids.filter(state=Bid.State.SUBMITTED).count()


def bid_count_shown(solicitation: Solicitation, now: Optional[dt.datetime] = None) -> Optional[int]:
    """The number of bids received as everybody (consortium staff included) may see it: once the
    bids have opened at the deadline, or before if the consortium publishes it
    (`policy.bid_count_public`, off by default); None while it is hidden. Uses the `bid_count`
    annotation of `solicitation_list` when present."""
    if solicitation.state == S.DRAFT:
        return 0
    if not solicitation.bids_opened(now) and not policy.bid_count_public():
        return None
    annotated = getattr(solicitation, "bid_count", None)
    return annotated if isinstance(annotated, int) else bid_count(solicitation)


def public_questions(solicitation: Solicitation) -> QuerySet[Question]:
    """Answered questions, for everybody, without the asker."""
    return solicitation.questions.exclude(answer="").order_by("asked_at")


def is_public(solicitation: Solicitation) -> bool:
    return effective_state(solicitation) in PUBLIC_STATES


def lines_in_category(category_id: int) -> QuerySet[SolicitationLine]:
    """The lines of the solicitations of one category that may still buy something (not
    cancelled), newest solicitation first: what staff may link a needs survey's need to."""
    return (SolicitationLine.objects.filter(solicitation__category_id=category_id)
            .exclude(solicitation__state=S.CANCELLED).select_related("solicitation")
            .order_by("-solicitation__bid_deadline", "solicitation__number", "position"))


def bids_received_since(*, since: dt.datetime) -> dict[str, int]:
    """For operators' metrics (ops.metrics): how many bids (first ones and replacements) each
    solicitation received since `since`, by the solicitation's number. Counts only: nothing of a
    bid's content, vendor or price."""
    rows = (Bid.objects.filter(submitted_at__gte=since, state=Bid.State.SUBMITTED)
            .values("solicitation__number").annotate(n=Count("id")))
    return {row["solicitation__number"]: row["n"] for row in rows}


def award_engine_runs() -> dict[str, int]:
    """For operators' metrics: the award engine's runs (award-plan jobs) by state."""
    from jobs.selectors import job_counts
    from sourcing.services.awards import AWARD_PLAN_JOB

    return job_counts(kind=AWARD_PLAN_JOB)
