"""Which vendors awarded on a multi-award solicitation a mini-competition leaves out, and why."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from contracts.models import MasterAgreement, MiniCompetition
from contracts.selectors.agreements import current_schedule
from contracts.states import AgreementState, AwardKind
from sourcing.lifecycle import current_award
from vendors.service_area import serves, state_name


@dataclass(frozen=True)
class LeftOut:
    vendor: str
    agreement: str  # its number, "" when none was made
    reason: str


def _reason(agreement: MasterAgreement | None, quantities: dict, today, district_state: str = "") -> str:
    if agreement is None:
        return "No master agreement was made with this vendor from the award."
    if agreement.award_kind != AwardKind.MULTI_AWARD:
        return f"{agreement.number} is not a multi-award agreement."
    state = agreement.effective_state(today)
    if state == AgreementState.PENDING_SIGNATURE:
        return f"{agreement.number} is not active yet: it awaits signature."
    if state != AgreementState.ACTIVE:
        return f"{agreement.number} is {AgreementState(state).label.lower()}."
    if agreement.start_date is None or agreement.start_date > today:
        return f"{agreement.number} starts on {agreement.start_date:%Y-%m-%d}." if agreement.start_date else (
            f"{agreement.number} has no start date yet.")
    if district_state and not serves(agreement.vendor.service_area, district_state):
        return f"The vendor does not serve {state_name(district_state)}."
    schedule = current_schedule(agreement)
    offered = set(schedule.entries.values_list("line_reference", flat=True)) if schedule else set()
    missing = sorted(ref for ref in quantities if ref not in offered)
    if missing:
        return (f"Not on the agreement's lines: {', '.join(missing)} (its price schedule has no "
                f"product on {'this line' if len(missing) == 1 else 'these lines'}).")
    return "Not scored when the mini-competition started (the agreement was not usable then)."


def left_out(competition: MiniCompetition) -> list[LeftOut]:
    """Each vendor on the solicitation's current award that the mini-competition does not score,
    with the reason: no agreement, an agreement not active or not started, a vendor that does not
    serve the district's state, or missing a line the district asked for."""
    award = current_award(competition.solicitation)
    if award is None:
        return []
    scored = set(competition.scores.values_list("agreement__vendor_id", flat=True))
    agreements = {a.vendor_id: a for a in MasterAgreement.objects.filter(solicitation=competition.solicitation)
                  .select_related("vendor").order_by("number")}
    state = competition.district.state
    today = timezone.localdate()
    out = []
    for awarded in award.awarded_bids.select_related("vendor").order_by("vendor__legal_name"):
        if awarded.vendor_id in scored:
            continue
        agreement = agreements.get(awarded.vendor_id)
        out.append(LeftOut(awarded.vendor.legal_name, agreement.number if agreement else "",
                           _reason(agreement, competition.quantities or {}, today, state)))
    return out
