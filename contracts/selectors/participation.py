"""Reading participation: what a district would pay, what joining requires, who joined."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Optional

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.acting import APPROVER, BUYER, STAFF, VENDOR, acts_as
from contracts.models import MasterAgreement, MiniCompetition, ParticipationAgreement, QuoteRequest
from core.money import cents
from core.tiers import tier_at
from contracts.selectors.agreements import current_schedule
from contracts.selectors.volumes import line_volume
from contracts.states import AgreementState, AwardKind, ParticipationState
from members.selectors import district_is_member
from vendors.service_area import serves


# The parties to a participation agreement: who may see it and act on it (each operation then
# narrows the role: the approver approves, the vendor countersigns, the buyer or approver
# withdraws). Staff see every one; the others must act for the party's organisation.
PARTICIPATION_PARTIES = {
    STAFF: None,
    BUYER: lambda p: p.district.organisation,
    APPROVER: lambda p: p.district.organisation,
    VENDOR: lambda p: p.agreement.vendor.organisation,
}


def is_participation_party(actor, participation: ParticipationAgreement) -> bool:
    if actor is None or actor.role not in PARTICIPATION_PARTIES:
        return False
    organisation_of = PARTICIPATION_PARTIES[actor.role]
    return organisation_of is None or actor.acts_for(organisation_of(participation))


def participation_for_actor(*, participation_id: int, actor) -> ParticipationAgreement:
    """A participation agreement the actor is a party to (see PARTICIPATION_PARTIES); any other
    is "no such participation agreement" (404), on pages and in the API alike."""
    participation = (ParticipationAgreement.objects
                     .select_related("district__organisation", "agreement__vendor__organisation")
                     .filter(pk=participation_id).first())
    if participation is None or not is_participation_party(actor, participation):
        raise Http404("No such participation agreement.")
    return participation


def competition_for_actor(*, competition_id: int, actor) -> MiniCompetition:
    """A mini-competition of the actor's own district; any other is "no such" (404)."""
    competition = (MiniCompetition.objects.select_related("district__organisation", "solicitation")
                   .filter(pk=competition_id).first())
    if competition is None or actor is None or not actor.acts_for(competition.district.organisation):
        raise Http404("No such mini-competition.")
    return competition


def quote_for_actor(*, quote_id: int, actor) -> QuoteRequest:
    """A quote request addressed to the actor's vendor; any other is "no such" (404)."""
    quote = (QuoteRequest.objects.select_related("agreement__vendor__organisation")
             .filter(pk=quote_id).first())
    if quote is None or not acts_as(actor, VENDOR, quote.agreement.vendor.organisation):
        raise Http404("No such quote request.")
    return quote


def multi_award_agreements(solicitation, *, serving: str = "") -> list[MasterAgreement]:
    """The solicitation's usable multi-award agreements; with `serving` (a district's state),
    only those whose vendor serves that state (vendors.service_area)."""
    return [a for a in MasterAgreement.objects.filter(
        solicitation=solicitation, award_kind=AwardKind.MULTI_AWARD,
        state=AgreementState.ACTIVE).select_related("vendor").order_by("number")
        if a.usable_on() and (not serving or serves(a.vendor.service_area, serving))]


def district_price_for(agreement: MasterAgreement, quantities: dict[str, int]) -> Optional[Decimal]:
    """What the district would pay for its own quantities under this agreement now: each line at
    the cheapest product on it, at the tier the consortium's volume plus these units reaches
    (all-units). None when the agreement does not offer every line asked for."""
    schedule = current_schedule(agreement)
    entries = list(schedule.entries.all()) if schedule else []
    total = Decimal(0)
    for ref, quantity in quantities.items():
        on_line = [e for e in entries if e.line_reference == ref]
        if not on_line:
            return None
        volume = line_volume(agreement, ref)
        total += min(tier_at(e.tiers, volume + quantity).unit_price for e in on_line) * quantity
    return cents(total)


@dataclass
class JoinRequirements:
    """What compliance says about joining, for every product on the schedule."""

    blocked: list[str] = field(default_factory=list)
    confirmations: list[str] = field(default_factory=list)  # steps the buyer must confirm
    offers_to_adopt: list[int] = field(default_factory=list)  # general offers joined in the same step
    # the district's own data privacy agreements (signed or joinders) already covering products:
    # {"id", "label", "until"}; no joinder is made for these
    dpas_in_force: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def join_requirements(*, district, agreement: MasterAgreement,
                      annual_value: Optional[Decimal] = None) -> JoinRequirements:
    from compliance.selectors.verdicts import compliance_check

    result = JoinRequirements()
    schedule = current_schedule(agreement)
    for entry in (schedule.entries.select_related("product") if schedule else []):
        verdict = compliance_check(district=district, product=entry.product, agreement_id=agreement.pk,
                                   award_kind=agreement.award_kind, annual_value=annual_value,
                                   require_agreement=False).verdict
        for reason in verdict.reasons:
            cite = f" ({reason.rule_id} v{reason.version}, {reason.citation})" if reason.rule_id else ""
            text = f"{entry.product.name}: {reason.summary}{cite}"
            if reason.effect == "satisfied":
                for evidence in reason.evidence:
                    if evidence.kind not in ("dpa", "joinder"):
                        continue
                    if all(d["id"] != evidence.id for d in result.dpas_in_force):
                        result.dpas_in_force.append({"id": evidence.id, "label": evidence.label,
                                                     "until": evidence.until})
                    result.notes.append(f"{entry.product.name}: covered by your {evidence.label}{cite}.")
            elif reason.effect == "block":
                result.blocked.append(text)
            elif reason.effect == "step":
                offers = [e.id for e in reason.evidence if e.kind == "general_offer"]
                if offers:
                    for offer in offers:
                        if offer not in result.offers_to_adopt:
                            result.offers_to_adopt.append(offer)
                else:
                    step = f"{reason.summary}{cite}"
                    if step not in result.confirmations:
                        result.confirmations.append(step)
    return result


def board_findings_of(district, agreement_ids) -> dict[int, ParticipationAgreement]:
    """The district's participations in force (countersigned: active) that record a board
    finding, by agreement id, among `agreement_ids` (one query)."""
    rows = (ParticipationAgreement.objects
            .filter(district=district, agreement_id__in=list(agreement_ids),
                    state=ParticipationState.ACTIVE, board_finding_on__isnull=False)
            .order_by("-board_finding_on", "-pk"))
    found: dict[int, ParticipationAgreement] = {}
    for row in rows:
        found.setdefault(row.agreement_id, row)
    return found


def participations_of_district(district) -> QuerySet[ParticipationAgreement]:
    return (ParticipationAgreement.objects.filter(district=district)
            .select_related("agreement__vendor", "dpa_joinder")
            .prefetch_related("agreement__documents").order_by("-prepared_at"))


RENEWAL_WINDOW_DAYS = 180
OPEN_STATES = (ParticipationState.PREPARED, ParticipationState.APPROVED, ParticipationState.ACTIVE)


@dataclass
class UpcomingEnd:
    """An agreement the district takes part in whose current term ends soon."""

    agreement: MasterAgreement
    participation: ParticipationAgreement
    days_left: int

    @property
    def renewals_left(self) -> int:
        return self.agreement.renewals_left


def upcoming_ends(participations, *, within_days: int = RENEWAL_WINDOW_DAYS,
                  today: Optional[dt.date] = None) -> list[UpcomingEnd]:
    """Of these participations (open ones: prepared, approved, active), the agreements in force
    whose current term ends within `within_days`, soonest first, each once."""
    today = today or timezone.localdate()
    found: dict[int, UpcomingEnd] = {}
    for p in participations:
        agreement = p.agreement
        if (p.state not in OPEN_STATES or agreement.end_date is None or agreement.pk in found
                or agreement.effective_state(today) != AgreementState.ACTIVE):
            continue
        days_left = (agreement.end_date - today).days
        if days_left <= within_days:
            found[agreement.pk] = UpcomingEnd(agreement=agreement, participation=p, days_left=days_left)
    return sorted(found.values(), key=lambda u: (u.agreement.end_date, u.agreement.number))


def district_may_order(district, agreement: MasterAgreement) -> bool:
    """An active member that joined the agreement (participation countersigned). A member that
    withdrew (or is suspended) keeps its past orders but places no new ones."""
    return district_is_member(district) and ParticipationAgreement.objects.filter(district=district, agreement=agreement,
                                                 state=ParticipationState.ACTIVE).exists()


def competitions_of_district(district) -> QuerySet[MiniCompetition]:
    return MiniCompetition.objects.filter(district=district).select_related("solicitation").order_by("-created_at")


@dataclass(frozen=True)
class StatedPrior:
    """What a district said it paid per unit for a product before an agreement (PriorPrice)."""

    district_id: int
    product_id: int
    unit_price: Decimal
    stated_on: dt.date
    agreement_number: str


def prior_prices_stated(*, district_ids=None, product_ids=None) -> dict[tuple[int, int], StatedPrior]:
    """The latest price each district stated it paid before, per (district id, product id), when
    joining an agreement (participations withdrawn before countersigning included: the price was
    still what it paid)."""
    from contracts.models import PriorPrice

    rows = PriorPrice.objects.select_related("participation__agreement").order_by("stated_on", "pk")
    if district_ids is not None:
        rows = rows.filter(district_id__in=list(district_ids))
    if product_ids is not None:
        rows = rows.filter(product_id__in=list(product_ids))
    found: dict[tuple[int, int], StatedPrior] = {}
    for row in rows:
        found[(row.district_id, row.product_id)] = StatedPrior(
            row.district_id, row.product_id, row.unit_price, row.stated_on, row.participation.agreement.number)
    return found


def participations_in_force(district, on: dt.date) -> list[ParticipationAgreement]:
    """The district's countersigned participations whose agreement is in force on `on`, by the
    agreement's end date (its renewal date)."""
    rows = (ParticipationAgreement.objects.filter(district=district, state=ParticipationState.ACTIVE)
            .select_related("agreement__vendor__organisation"))
    return sorted((p for p in rows if p.agreement.effective_state(on) == AgreementState.ACTIVE),
                  key=lambda p: (p.agreement.end_date or dt.date.max, p.agreement.number))
