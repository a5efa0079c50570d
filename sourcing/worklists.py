"""Selectors for the workspaces: what in sourcing waits for someone, and its next date.

Reads stored rows only, never a bid's sealed content: a vendor's own bid is described by its
state, revision and the addenda it confirmed, never by its prices. Every date is derived from the
clock at read time (`core.clock`), like the derived states in `sourcing.states`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Optional

from django.db.models import Count

from core import clock
from sourcing.lifecycle import current_award, effective_state
from sourcing.models import Bid, ConsensusScore, Criterion, EvaluatorSeat, Protest, Score, Solicitation
from sourcing.states import SolicitationState as S

# Stages a solicitation still moves through (awarded and cancelled are where it rests).
ACTIVE_STAGES = (S.DRAFT, S.PUBLISHED, S.CLOSED, S.UNDER_EVALUATION, S.AWARD_NOTICE)


@dataclass(frozen=True)
class Stage:
    """A solicitation in one stage, with what comes next and when (None: no date, someone acts)."""

    solicitation: Solicitation
    state: str
    next_step: str
    next_at: Optional[dt.datetime]

    @property
    def state_label(self) -> str:
        return S(self.state).label


def next_step(solicitation: Solicitation, now: Optional[dt.datetime] = None) -> Stage:
    """The stage a solicitation is in now and its next date: questions close, bids open, the
    standstill ends; or, where nothing waits on the clock, the step someone takes."""
    now = now or clock.now()
    state = effective_state(solicitation, now)
    if state == S.DRAFT:
        return Stage(solicitation, state, "Publish it when it is ready", None)
    if state == S.PUBLISHED:
        if now < solicitation.questions_deadline:
            return Stage(solicitation, state, "Questions close", solicitation.questions_deadline)
        return Stage(solicitation, state, "Bids open", solicitation.bids_open_at)
    if state == S.CLOSED:
        return Stage(solicitation, state, "Bids are open: seat the committee and start the evaluation", None)
    if state == S.UNDER_EVALUATION:
        return Stage(solicitation, state, "Record the consensus scores, then publish the award notice", None)
    if state == S.AWARD_NOTICE:
        award = current_award(solicitation)
        if award is not None and now < award.standstill_ends_at:
            return Stage(solicitation, state, "Standstill ends", award.standstill_ends_at)
        return Stage(solicitation, state, "Standstill over: decide the open protests", None)
    return Stage(solicitation, state, "", None)


def _by_next_date(stages: list[Stage]) -> list[Stage]:
    far = dt.datetime.max.replace(tzinfo=dt.timezone.utc)
    return sorted(stages, key=lambda s: (s.next_at or far, s.solicitation.number))


def solicitations_by_stage(now: Optional[dt.datetime] = None) -> list[Stage]:
    """For staff: every solicitation not yet awarded or cancelled (drafts included), soonest
    next date first."""
    now = now or clock.now()
    rows = Solicitation.objects.exclude(state=S.CANCELLED).order_by("bid_deadline")
    stages = [next_step(s, now) for s in rows]
    return _by_next_date([s for s in stages if s.state in ACTIVE_STAGES])


def protests_open():
    return (Protest.objects.filter(state=Protest.State.OPEN)
            .select_related("award__solicitation", "vendor").order_by("filed_at"))


@dataclass(frozen=True)
class ConsensusGap:
    solicitation: Solicitation
    missing: int
    expected: int


def _expected_scores(solicitation_ids) -> dict[int, int]:
    """Per solicitation: submitted bids x non-price criteria (the scores a complete set holds)."""
    bids = dict(Bid.objects.filter(solicitation_id__in=solicitation_ids, state=Bid.State.SUBMITTED)
                .values_list("solicitation_id").annotate(n=Count("id")))
    criteria = dict(Criterion.objects.filter(solicitation_id__in=solicitation_ids, is_price=False)
                    .values_list("solicitation_id").annotate(n=Count("id")))
    return {sid: bids.get(sid, 0) * criteria.get(sid, 0) for sid in solicitation_ids}


def committees_missing_consensus() -> list[ConsensusGap]:
    """Solicitations under evaluation whose committee has not recorded every consensus score
    (each submitted bid on each non-price criterion)."""
    rows = list(Solicitation.objects.filter(state=S.UNDER_EVALUATION).order_by("number"))
    expected = _expected_scores([s.pk for s in rows])
    recorded = dict(ConsensusScore.objects.filter(
        bid__solicitation__in=rows, bid__state=Bid.State.SUBMITTED, criterion__is_price=False)
        .values_list("bid__solicitation_id").annotate(n=Count("id")))
    gaps = [ConsensusGap(s, expected[s.pk] - recorded.get(s.pk, 0), expected[s.pk]) for s in rows]
    return [g for g in gaps if g.missing > 0]


@dataclass(frozen=True)
class SeatWork:
    """An evaluator's seat: what they still have to do on it, and the next date."""

    seat: EvaluatorSeat
    stage: Stage
    must_declare: bool
    scores_given: int
    scores_expected: int

    @property
    def scores_missing(self) -> int:
        return max(self.scores_expected - self.scores_given, 0)


def seats_of_evaluator(*, user, organisation, now: Optional[dt.datetime] = None) -> list[SeatWork]:
    """The evaluator's seats (for the organisation they act for) on committees still at work,
    with the declaration to sign (once bids are open) and the scores still to give."""
    now = now or clock.now()
    seats = list(EvaluatorSeat.objects.filter(evaluator=user, district=organisation)
                 .exclude(declaration=EvaluatorSeat.Declaration.CONFLICT)
                 .select_related("solicitation").order_by("solicitation__bid_deadline"))
    expected = _expected_scores([s.solicitation_id for s in seats])
    given = dict(Score.objects.filter(seat__in=seats, bid__state=Bid.State.SUBMITTED)
                 .values_list("seat_id").annotate(n=Count("id")))
    work = []
    for seat in seats:
        stage = next_step(seat.solicitation, now)
        if stage.state not in ACTIVE_STAGES:
            continue
        opened = seat.solicitation.bids_opened(now)
        declared = seat.declaration == EvaluatorSeat.Declaration.NO_CONFLICT
        work.append(SeatWork(seat, stage,
                             must_declare=opened and not declared,
                             scores_given=given.get(seat.pk, 0),
                             scores_expected=expected[seat.solicitation_id]
                             if declared and stage.state in (S.CLOSED, S.UNDER_EVALUATION) else 0))
    return work


def open_for_vendor(vendor, now: Optional[dt.datetime] = None):
    """Solicitations taking bids now in the vendor's categories, the nearest deadline first."""
    now = now or clock.now()
    return (Solicitation.objects.filter(state=S.PUBLISHED, bid_deadline__gt=now,
                                        category__in=vendor.categories.all())
            .select_related("category").order_by("bid_deadline"))


@dataclass(frozen=True)
class BidWork:
    """A vendor's own bid: its state and whether it must be re-confirmed after an addendum.
    Never its prices: they stay sealed."""

    bid: Bid
    stage: Stage
    addenda: int

    @property
    def needs_reconfirming(self) -> bool:
        return (self.bid.state == Bid.State.SUBMITTED and self.stage.state == S.PUBLISHED
                and self.bid.addenda_confirmed < self.addenda)


def bids_of_vendor(vendor, now: Optional[dt.datetime] = None) -> list[BidWork]:
    """The vendor's bids on solicitations still in progress; those to re-confirm first."""
    now = now or clock.now()
    bids = (Bid.objects.filter(vendor=vendor).defer("sealed")
            .select_related("solicitation").annotate(addenda_count=Count("solicitation__addenda"))
            .order_by("solicitation__bid_deadline"))
    work = [BidWork(b, next_step(b.solicitation, now), b.addenda_count) for b in bids]
    work = [w for w in work if w.stage.state in ACTIVE_STAGES]
    return sorted(work, key=lambda w: not w.needs_reconfirming)

