"""Where a solicitation stands now: its stored state plus what the clock and protests say."""

from __future__ import annotations

import datetime as dt
from typing import Optional

from django.utils import timezone

from sourcing.models import Award, Protest, Solicitation
from sourcing.states import TRANSITIONS, SolicitationState as S


def current_award(solicitation: Solicitation) -> Optional[Award]:
    return solicitation.awards.filter(superseded_at__isnull=True).order_by("-version").first()


def award_is_final(award: Award, now: dt.datetime) -> bool:
    return (now >= award.standstill_ends_at
            and not award.protests.filter(state=Protest.State.OPEN).exists())


def effective_state(solicitation: Solicitation, now: Optional[dt.datetime] = None) -> str:
    now = now or timezone.now()
    if solicitation.state == S.PUBLISHED and now >= solicitation.bid_deadline:
        return S.CLOSED
    if solicitation.state == S.AWARD_NOTICE:
        award = current_award(solicitation)
        if award is not None and award_is_final(award, now):
            return S.AWARDED
    return solicitation.state


def check_transition(solicitation: Solicitation, action: str,
                     now: Optional[dt.datetime] = None) -> str:
    """Raise a clear error unless `action` is allowed now; return the target state."""
    return TRANSITIONS.check(effective_state(solicitation, now), action)
