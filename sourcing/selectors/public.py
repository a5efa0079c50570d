"""What the public portal reads about solicitations: the calendar of the open and upcoming ones,
the award notices, and the protests with their decisions. Nothing here reads bids; the bid
tabulation stays behind `tabulation_refusal` (public only after the award notice)."""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass
from typing import Optional

from django.db.models import QuerySet
from django.utils import timezone

from sourcing.models import Award, AwardedBid, Protest, Solicitation
from sourcing.states import SolicitationState as S

# Without history, the award notice is expected this many days after bids are due.
DEFAULT_DAYS_TO_AWARD = 30
# Never expected sooner than this after bids are due: the committee needs time to evaluate.
MIN_DAYS_TO_AWARD = 7
HISTORY = 50  # the last award notices the estimate looks at


def upcoming_solicitations(*, category_code: str = "", now: Optional[dt.datetime] = None) -> QuerySet[Solicitation]:
    """Published solicitations whose award notice is still to come: open for bids, closed, or
    under evaluation (never drafts, never cancelled), soonest deadline first."""
    qs = (Solicitation.objects.select_related("category")
          .filter(state__in=[S.PUBLISHED, S.UNDER_EVALUATION]).order_by("bid_deadline", "pk"))
    if category_code:
        qs = qs.filter(category__code=category_code)
    return qs


def days_to_award_notice() -> int:
    """The median number of days from the bid deadline to the first award notice over the last
    award notices (at most `HISTORY`), at least `MIN_DAYS_TO_AWARD`; `DEFAULT_DAYS_TO_AWARD`
    without any."""
    firsts = (Award.objects.filter(version=1).select_related("solicitation")
              .order_by("-notice_published_at")[:HISTORY])
    days = [max(0, (a.notice_published_at - a.solicitation.bid_deadline).days) for a in firsts]
    return max(MIN_DAYS_TO_AWARD, int(statistics.median(days))) if days else DEFAULT_DAYS_TO_AWARD


def award_expected_on(solicitation: Solicitation, days: int) -> dt.date:
    """The estimated day of the award notice: `days` after bids are due (never before today
    while the evaluation goes on)."""
    estimate = timezone.localdate(solicitation.bid_deadline) + dt.timedelta(days=days)
    return max(estimate, timezone.localdate())


def award_notices(*, category_code: str = "", now: Optional[dt.datetime] = None) -> QuerySet[Solicitation]:
    """Solicitations with a published award notice (current or superseded by a revision),
    newest notice first."""
    now = now or timezone.now()
    qs = (Solicitation.objects.select_related("category")
          .filter(awards__notice_published_at__lte=now).exclude(state=S.DRAFT).distinct()
          .order_by("-bid_deadline", "-pk"))
    if category_code:
        qs = qs.filter(category__code=category_code)
    return qs


@dataclass(frozen=True)
class PublicAwardee:
    vendor_id: int
    vendor: str
    total_score: object


@dataclass(frozen=True)
class PublicProtest:
    vendor: str
    filed_at: dt.datetime
    state: str
    state_label: str
    decision: str
    decided_at: Optional[dt.datetime]


def public_awards(solicitation: Solicitation, now: Optional[dt.datetime] = None) -> list[Award]:
    """The solicitation's published award notices, newest version first."""
    now = now or timezone.now()
    return list(solicitation.awards.filter(notice_published_at__lte=now).order_by("-version"))


def public_awardees(award: Award) -> list[PublicAwardee]:
    """Who the notice awards, with the total score the tabulation also shows."""
    rows = AwardedBid.objects.filter(award=award).select_related("vendor").order_by("-total_score", "vendor__legal_name")
    return [PublicAwardee(r.vendor_id, r.vendor.legal_name, r.total_score) for r in rows]


def public_protests(award: Award) -> list[PublicProtest]:
    """Protests of an award notice as the public record shows them: who protested, when, and
    the decision with its reasons. The grounds and the supporting document are not shown (they
    may quote bids); nor who decided."""
    rows = Protest.objects.filter(award=award).select_related("vendor").order_by("filed_at", "pk")
    return [PublicProtest(p.vendor.legal_name, p.filed_at, p.state, p.get_state_display(),
                          p.decision_reasons if p.state != Protest.State.OPEN else "", p.decided_at)
            for p in rows]
