"""Reading master agreements and their schedules."""

from __future__ import annotations

import datetime as dt
from typing import Any, Optional

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.acting import STAFF, VENDOR, acts_as
from contracts.models import MasterAgreement, ScheduleVersion
from contracts.states import AgreementState
from orgs.selectors import consortium_profile

DEFAULT_MAX_TERM_YEARS = 5


def awarded_lines(solicitation, awarded_bid) -> dict[str, dict[str, Any]]:
    """The lines awarded to one vendor, with the tiers it bid: {ref: {description, unit, tiers}}.
    Bulk buys award the allocated lines; multi-awards every line the bid priced."""
    from sourcing.selectors import tabulated_bids

    # The tabulation (public record after the award notice) holds each bid's lines and tiers.
    content = next(b.content for b in tabulated_bids(solicitation=solicitation, actor=None)
                   if b.bid_id == awarded_bid.bid_id)
    info = {line.reference: line for line in solicitation.lines.all()}
    refs = ({a["line"] for a in awarded_bid.allocations} if awarded_bid.allocations
            else {line["line"] for line in content["lines"]})
    return {line["line"]: {"description": info[line["line"]].description,
                           "unit": info[line["line"]].unit, "tiers": line["tiers"]}
            for line in content["lines"] if line["line"] in refs and line["line"] in info}


def max_term_years(solicitation=None, on_date: Optional[dt.date] = None) -> int:
    """The longest contract term the consortium's home state allows (federal and consortium rules
    included), from the compliance rules in force; 5 years when no rule says."""
    from compliance.selectors.facts import CONSORTIUM_CODE, FEDERAL_CODE, rules_in_force

    profile = consortium_profile()
    state = profile.organisation.state if profile else ""
    found = []
    rules = rules_in_force(on_date=on_date or timezone.localdate(),
                           codes=[c for c in (CONSORTIUM_CODE, FEDERAL_CODE, state) if c])
    for facts in rules.values():
        for rule in facts:
            years = (rule.requires or {}).get("max_term_years")
            if isinstance(years, int) and years > 0:
                found.append(years)
    return min(found) if found else DEFAULT_MAX_TERM_YEARS


def current_schedule(agreement: MasterAgreement) -> Optional[ScheduleVersion]:
    return agreement.schedule_versions.filter(is_current=True).first()


def agreement_list(*, actor=None, state: str = "", vendor=None, q: str = "") -> QuerySet[MasterAgreement]:
    qs = MasterAgreement.objects.select_related("vendor", "solicitation").order_by("number")
    staff = acts_as(actor, STAFF)
    own_vendor = acts_as(actor, VENDOR)
    if not staff:
        visible = Q(state__in=[AgreementState.ACTIVE, AgreementState.TERMINATED])
        if own_vendor:
            visible |= Q(vendor__organisation=actor.organisation)
        qs = qs.filter(visible)
    today = timezone.localdate()
    if state == AgreementState.EXPIRED:
        qs = qs.filter(state=AgreementState.ACTIVE, end_date__lt=today)
    elif state == AgreementState.ACTIVE:
        qs = qs.filter(state=AgreementState.ACTIVE, end_date__gte=today)
    elif state:
        qs = qs.filter(state=state)
    if vendor is not None:
        qs = qs.filter(vendor=vendor)
    if q:
        qs = qs.filter(pk__in=_agreements_matching(q))
    return qs


def _agreements_matching(q: str):
    """The ids of the agreements whose number, title or vendor's legal name contains `q` (any
    case): a union of matches on one table each, so that on PostgreSQL each uses its trigram
    index (core.trigram) instead of scanning the agreements and vendors joined."""
    own = MasterAgreement.objects.filter(Q(number__icontains=q) | Q(title__icontains=q))
    by_vendor = MasterAgreement.objects.filter(vendor__legal_name__icontains=q)
    return own.order_by().values("pk").union(by_vendor.order_by().values("pk"))


def agreement_get(*, agreement_id: int, actor=None) -> MasterAgreement:
    agreement = agreement_list(actor=actor).filter(pk=agreement_id).first()
    if agreement is None:
        raise MasterAgreement.DoesNotExist(f"No agreement {agreement_id}.")
    return agreement


def needs_successor(agreement: MasterAgreement, today: Optional[dt.date] = None) -> bool:
    """Derived: an active agreement this many years into its term needs its successor
    solicitation planned (consortium setting `successor_after_years`, default 3)."""
    today = today or timezone.localdate()
    if agreement.effective_state(today) != AgreementState.ACTIVE or agreement.start_date is None:
        return False
    return today >= successor_due_on(agreement)


def successor_due_on(agreement: MasterAgreement) -> dt.date:
    profile = consortium_profile()
    years = int((profile.settings or {}).get("successor_after_years", 3)) if profile else 3
    start = agreement.start_date
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February
        return start.replace(year=start.year + years, day=28)


def schedule_rows(agreement: MasterAgreement, version: Optional[ScheduleVersion] = None) -> list[dict[str, Any]]:
    """The schedule as shown: each product with its line, tiers, list price, the consortium's
    volume on the line, the tier it reaches now and how many more units reach the next."""
    from contracts.selectors.volumes import volumes_of
    from core.money import cents
    from core.tiers import tier_at

    version = version or current_schedule(agreement)
    if version is None:
        return []
    volumes = volumes_of([agreement.pk])
    rows = []
    for entry in version.entries.select_related("product__category"):
        volume = volumes.get((agreement.pk, entry.line_reference), 0)
        position = tier_at(entry.tiers, volume)
        saving = entry.list_price - position.unit_price
        rows.append({"entry": entry, "product": entry.product, "volume": volume, "position": position,
                     "saving": cents(saving),
                     "saving_percent": (cents(saving * 100 / entry.list_price) if entry.list_price else None)})
    return rows


def agreements_of_solicitation_public(solicitation_id: int) -> QuerySet[MasterAgreement]:
    """The signed agreements (active, expired or terminated) an award produced, for the public."""
    return agreement_list(actor=None).filter(solicitation_id=solicitation_id)


def approved_amendments(agreement: MasterAgreement):
    """The amendments in force on the agreement (approved), newest first: what the public sees.
    Proposed and rejected ones are the parties' negotiation, not public record."""
    from contracts.states import AmendmentState

    return agreement.amendments.filter(state=AmendmentState.APPROVED).order_by("-number")
