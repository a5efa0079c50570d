"""A member joining an agreement: the mini-competition (multi-award), quotes, and the
participation agreement, which adopts the vendor's DPA general offer in the same step."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any, Optional

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.urls import reverse

from accounts.acting import APPROVER, BUYER, VENDOR, Actor, acts_as
from audit.actions import AuditAction
from audit.services import audit_record, snapshot
from contracts.models import (MasterAgreement, MiniCompetition, MiniCompetitionScore,
                              ParticipationAgreement, PriorPrice, QuoteRequest)
from core.money import cents
from contracts.selectors.agreements import current_schedule
from contracts.selectors.participation import (district_price_for, join_requirements,
                                               multi_award_agreements)
from contracts.states import PARTICIPATION_TRANSITIONS, AwardKind, ParticipationState
from core import clock
from core.limits import NOTE_MAX, QUANTITY_MAX, UNIT_PRICE_MAX, check_money, check_text
from core.formatting import money, quantities as quantities_text
from core.notify import notify
from members.models import District
from members.selectors import district_is_member
from sourcing.models import Solicitation
from vendors.service_area import state_name
from core.locks import lock

P_FIELDS = ("state", "estimated_value", "needs_approval", "approved_at", "countersigned_at",
            "closed_reason", "steps_confirmed", "board_finding_on", "board_finding_reference")


def _require_district(actor: Actor, district: District, roles: tuple[str, ...], what: str) -> None:
    if actor.is_system or acts_as(actor, roles, district.organisation):
        return
    raise PermissionDenied(f"Only the district's own {' or '.join(r.split('_')[1] for r in roles)} may {what}.")


def _vendor_emails(agreement: MasterAgreement) -> list[str]:
    from sourcing.services.common import vendor_emails

    return vendor_emails(agreement.vendor)


def _district_emails(district: District, role: str) -> list[str]:
    from accounts.selectors import users_of_organisation

    return [a.user.email for a in users_of_organisation(district.organisation) if a.role == role]


@transaction.atomic
def minicompetition_start(*, district: District, solicitation: Solicitation,
                          quantities: dict[str, Any], price_weight: Decimal = Decimal(60),
                          actor: Actor) -> MiniCompetition:
    """Score every awarded vendor of a multi-award solicitation on the district's own
    quantities, price first: lowest price for these quantities / this vendor's x weight."""
    _require_district(actor, district, (BUYER,), "run a mini-competition")
    # Only vendors serving the district's state compete (the others are "left out", with why).
    agreements = multi_award_agreements(solicitation, serving=district.state)
    if len(agreements) < 2:
        elsewhere = len(multi_award_agreements(solicitation)) - len(agreements)
        raise ValidationError("A mini-competition compares the vendors of a multi-award "
                              "solicitation with at least two usable agreements"
                              + (f" serving {state_name(district.state)} ({elsewhere} awarded vendor(s) do "
                                 f"not serve it)." if elsewhere else "."))
    refs = {line.reference for line in solicitation.lines.all()}
    clean: dict[str, int] = {}
    errors: dict[str, str] = {}
    for ref, raw in (quantities or {}).items():
        if ref not in refs:
            errors[f"quantities.{ref}"] = "Not a line of this solicitation."
            continue
        if isinstance(raw, bool) or not isinstance(raw, int) or not 0 <= raw <= QUANTITY_MAX:
            errors[f"quantities.{ref}"] = f"A whole number from 0 to {QUANTITY_MAX:,}."
            continue
        if raw:
            clean[ref] = raw
    if not clean and not errors:
        errors["quantities"] = "Give the quantity your district needs of at least one line."
    try:
        price_weight = Decimal(str(price_weight)).quantize(Decimal("0.01"))
        if not (Decimal(0) < price_weight <= Decimal(100)):
            raise InvalidOperation
    except InvalidOperation:
        errors["price_weight"] = "Price weight between 0 and 100 (price comes first)."
    if errors:
        raise ValidationError(errors)
    priced = {}
    for agreement in agreements:
        total = district_price_for(agreement, clean)
        if total is not None:
            priced[agreement.pk] = (agreement, total)
    if not priced:
        raise ValidationError({"quantities": "No awarded vendor offers every line you need."})
    lowest = min(total for _, total in priced.values())
    competition = MiniCompetition.objects.create(
        district=district, solicitation=solicitation, quantities=clean, price_weight=price_weight,
        created_by=actor.user, created_at=timezone.now())
    for agreement, total in priced.values():
        MiniCompetitionScore.objects.create(
            competition=competition, agreement=agreement, price_total=total,
            price_score=cents(price_weight * lowest / total) if total else price_weight)
    audit_record(actor=actor, action=AuditAction.MINICOMPETITION_STARTED, obj=competition,
                 after={"district": district.pk, "solicitation": solicitation.number,
                        "quantities": clean,
                        "prices": {a.number: str(t) for a, t in priced.values()}})
    return competition


def _open_competition(competition: MiniCompetition, actor: Actor) -> MiniCompetition:
    competition = lock(MiniCompetition.objects.all()).select_related("district").get(pk=competition.pk)
    _require_district(actor, competition.district, (BUYER,), "work on this mini-competition")
    if competition.state != MiniCompetition.State.OPEN:
        raise ValidationError("This mini-competition is decided.")
    return competition


@transaction.atomic
def minicompetition_score(*, competition: MiniCompetition, agreement: MasterAgreement,
                          other_score, notes: str = "", actor: Actor) -> MiniCompetitionScore:
    """The district's own score of a vendor on everything but price (up to 100 - price weight)."""
    competition = _open_competition(competition, actor)
    row = competition.scores.filter(agreement=agreement).first()
    if row is None:
        raise ValidationError({"agreement": "This vendor is not in the mini-competition."})
    try:
        value = Decimal(str(other_score)).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise ValidationError({"other_score": "A number is required."})
    ceiling = Decimal(100) - competition.price_weight
    if not (Decimal(0) <= value <= ceiling):
        raise ValidationError({"other_score": f"Between 0 and {ceiling}."})
    before = {"other_score": str(row.other_score)}
    row.other_score, row.notes = value, notes.strip()
    row.save(update_fields=["other_score", "notes"])
    audit_record(actor=actor, action=AuditAction.MINICOMPETITION_SCORED, obj=competition, before=before,
                 after={"agreement": agreement.number, "other_score": str(value), "notes": row.notes})
    return row


@transaction.atomic
def quote_request(*, competition: MiniCompetition, agreement: MasterAgreement, message: str = "",
                  actor: Actor) -> QuoteRequest:
    competition = _open_competition(competition, actor)
    if not competition.scores.filter(agreement=agreement).exists():
        raise ValidationError({"agreement": "Ask a vendor of this mini-competition."})
    quote = QuoteRequest.objects.create(competition=competition, agreement=agreement,
                                        message=message.strip(), requested_at=timezone.now(),
                                        requested_by=actor.user)
    audit_record(actor=actor, action=AuditAction.QUOTE_REQUESTED, obj=quote,
                 after={"agreement": agreement.number, "quantities": competition.quantities})
    notify(recipients=_vendor_emails(agreement),
           subject=f"Quote requested by {competition.district.name} ({agreement.number})",
           body=f"{competition.district.name} asks for a quote and an implementation plan for "
                f"{quantities_text(competition.quantities)} under {agreement.number}.\n\n{quote.message}",
           link=reverse("contracts:vendor"))
    return quote


@transaction.atomic
def quote_answer(*, quote: QuoteRequest, quote_total, implementation_plan: str,
                 actor: Actor) -> QuoteRequest:
    """The vendor answers with its quote (at most the schedule price) and implementation plan."""
    quote = lock(QuoteRequest.objects.all()).select_related(
        "agreement__vendor", "competition__district").get(pk=quote.pk)
    if not acts_as(actor, VENDOR, quote.agreement.vendor.organisation):
        raise PermissionDenied("Only the vendor asked may answer this quote request.")
    if quote.answered_at is not None:
        raise ValidationError("This quote request has been answered.")
    errors = {}
    try:  # above $0, at most AMOUNT_MAX, in whole cents (never rounded; see core.money)
        total = check_money(quote_total, field="quote_total", allow_zero=False)
    except ValidationError as refused:
        errors.update({field: messages[0] for field, messages in refused.message_dict.items()})
        total = None
    if not implementation_plan.strip():
        errors["implementation_plan"] = "Describe the implementation plan."
    schedule_total = district_price_for(quote.agreement, quote.competition.quantities)
    if total is not None and schedule_total is not None and total > schedule_total:
        errors["quote_total"] = (f"A quote cannot exceed the agreement's schedule price for these "
                                 f"quantities ({money(schedule_total)}).")
    if errors:
        raise ValidationError(errors)
    quote.quote_total, quote.implementation_plan = total, implementation_plan.strip()
    quote.answered_at, quote.answered_by = timezone.now(), actor.user
    quote.save()
    audit_record(actor=actor, action=AuditAction.QUOTE_ANSWERED, obj=quote,
                 after={"quote_total": str(total), "plan": quote.implementation_plan[:500]})
    notify(recipients=_district_emails(quote.competition.district, BUYER),
           subject=f"Quote received from {quote.agreement.vendor}",
           body=f"{quote.agreement.vendor} quoted {money(total)} under {quote.agreement.number}.",
           link=reverse("contracts:competition", kwargs={"competition_id": quote.competition_id}))
    return quote


@transaction.atomic
def minicompetition_decide(*, competition: MiniCompetition, agreement: MasterAgreement,
                           reasons: str, actor: Actor) -> MiniCompetition:
    """Record the district's choice and reasons; the chosen vendor must have answered a quote."""
    competition = _open_competition(competition, actor)
    if not competition.scores.filter(agreement=agreement).exists():
        raise ValidationError({"agreement": "Choose a vendor of this mini-competition."})
    if not competition.quotes.filter(agreement=agreement, answered_at__isnull=False).exists():
        raise ValidationError({"agreement": "Get the chosen vendor's quote and implementation plan first."})
    if not reasons.strip():
        raise ValidationError({"reasons": "Record the reasons for the choice."})
    competition.state, competition.chosen_agreement = MiniCompetition.State.DECIDED, agreement
    competition.choice_reasons, competition.decided_at = reasons.strip(), timezone.now()
    competition.save()
    audit_record(actor=actor, action=AuditAction.MINICOMPETITION_DECIDED, obj=competition,
                 after={"chosen": agreement.number, "reasons": competition.choice_reasons,
                        "scores": {s.agreement.number: str(s.total)
                                   for s in competition.scores.select_related("agreement")}})
    return competition


@transaction.atomic
def participation_join(*, district: District, agreement: MasterAgreement, estimated_value,
                       confirmed_steps: list[str] = (), mini_competition: Optional[MiniCompetition] = None,
                       board_finding_on: Optional[dt.date] = None, board_finding_reference: str = "",
                       prior_prices: Optional[dict[int, Any]] = None,
                       actor: Actor) -> ParticipationAgreement:
    """Prepare the district's participation agreement with the vendor on the agreement's terms.
    In the same step: adopt the vendor's DPA general offer for the district's state where the
    district has no DPA with it (a DPA it already holds is kept and recorded, no joinder); the
    other steps compliance requires must be confirmed; a blocked verdict refuses (before the
    mini-competition is asked for). Above the district's approval limit the approver must approve.
    Optionally records the board's finding for this agreement (`board_finding_on`, not in the
    future, with its `board_finding_reference`, e.g. the resolution number); once the
    participation is in force, the compliance verdicts for the agreement count it (e.g. the
    board finding California requires). `prior_prices` (optional): {product id: what the district
    pays now per unit}, for products on the agreement's schedule; stored with their source and
    date (PriorPrice), the savings "vs the price paid before" baseline (analytics.savings)."""
    from compliance.services.decisions import compliance_decision_record
    from compliance.services.evidence import dpa_joinder_adopt
    from compliance.models import DataPrivacyAgreement

    _require_district(actor, district, (BUYER,), "join agreements")
    agreement = lock(MasterAgreement.objects.all()).select_related("vendor").get(pk=agreement.pk)
    if not district_is_member(district):
        raise ValidationError("Only active members may join the consortium's agreements.")
    if not agreement.usable_on():
        raise ValidationError(f"{agreement.number} is not in force.")
    if ParticipationAgreement.objects.filter(district=district, agreement=agreement,
                                             state__in=["prepared", "approved", "active"]).exists():
        raise ValidationError(f"{district.name} has already joined {agreement.number}.")
    value = check_money(estimated_value, field="estimated_value")
    board_finding_reference = (board_finding_reference or "").strip()
    finding_errors = {}
    if board_finding_on is not None and not isinstance(board_finding_on, dt.date):
        finding_errors["board_finding_on"] = "The date of the board's finding."
    elif board_finding_on is not None:
        if isinstance(board_finding_on, dt.datetime):
            board_finding_on = clock.date_of(board_finding_on)
        if board_finding_on > timezone.localdate():
            finding_errors["board_finding_on"] = "The board's finding cannot be dated in the future."
        if not board_finding_reference:
            finding_errors["board_finding_reference"] = ("Give the reference of the board's finding "
                                                         "(e.g. the resolution number).")
    elif board_finding_reference:
        finding_errors["board_finding_on"] = "Give the date of the board's finding."
    if len(board_finding_reference) > 200:
        finding_errors["board_finding_reference"] = "At most 200 characters."
    priors = _check_prior_prices(agreement, prior_prices, finding_errors)
    if finding_errors:
        raise ValidationError(finding_errors)
    # Compliance first: a block (e.g. a state that forbids piggybacking on multi-award contracts)
    # is the real reason, and no mini-competition can lift it.
    requirements = join_requirements(district=district, agreement=agreement, annual_value=value)
    if requirements.blocked:
        raise ValidationError({"compliance": "Compliance blocks joining: " + " ".join(requirements.blocked)})
    if mini_competition is not None:
        mini_competition = MiniCompetition.objects.get(pk=mini_competition.pk)
    if agreement.award_kind == AwardKind.MULTI_AWARD:
        if (mini_competition is None or mini_competition.district_id != district.pk
                or mini_competition.state != MiniCompetition.State.DECIDED
                or mini_competition.chosen_agreement_id != agreement.pk):
            raise ValidationError({"mini_competition": "This is a multi-award agreement: run your "
                                                       "mini-competition and choose this vendor first."})
    missing = [step for step in requirements.confirmations if step not in confirmed_steps]
    if missing:
        raise ValidationError({"confirmed_steps": "Confirm these steps first: " + " ".join(missing)})
    joinder = None
    for offer_id in requirements.offers_to_adopt:
        joinder = dpa_joinder_adopt(district=district, dpa=DataPrivacyAgreement.objects.get(pk=offer_id),
                                    actor=actor)
    needs_approval = value > district.approval_limit
    participation = ParticipationAgreement.objects.create(
        district=district, agreement=agreement, mini_competition=mini_competition,
        estimated_value=value, needs_approval=needs_approval, prepared_by=actor.user,
        prepared_at=timezone.now(), dpa_joinder=joinder, steps_confirmed=list(requirements.confirmations),
        board_finding_on=board_finding_on, board_finding_reference=board_finding_reference)
    decisions = [compliance_decision_record(
        district=district, product=entry.product, purpose=f"joining {agreement.number}",
        award_kind=agreement.award_kind, annual_value=value, actor=actor)
        for entry in current_schedule(agreement).entries.select_related("product")]
    participation.compliance_decisions.set(decisions)
    today = timezone.localdate()
    PriorPrice.objects.bulk_create([PriorPrice(participation=participation, district=district, product_id=pid,
                                               unit_price=price, stated_on=today) for pid, price in priors.items()])
    audit_record(actor=actor, action=AuditAction.PARTICIPATION_PREPARED, obj=participation,
                 after={**snapshot(participation, P_FIELDS), "agreement": agreement.number,
                        "prior_prices": {str(pid): str(price) for pid, price in priors.items()},
                        "district": district.name, "dpa_joinder": joinder.pk if joinder else None,
                        "dpas_in_force": [d["id"] for d in requirements.dpas_in_force]})
    if needs_approval:
        notify(recipients=_district_emails(district, APPROVER),
               subject=f"Approve joining {agreement.number}",
               body=f"{district.name} prepared a participation agreement with {agreement.vendor} "
                    f"worth {money(value)} a year, above your approval limit ({money(district.approval_limit)}).",
               link=reverse("contracts:dashboard"))
    else:
        notify(recipients=_vendor_emails(agreement), subject=f"Countersign: {district.name} joins {agreement.number}",
               body=f"{district.name} joins {agreement.number}. Countersign it in EdPool.",
               link=reverse("contracts:vendor"))
    return participation


PRIOR_PRICES_MAX = 200


def _check_prior_prices(agreement: MasterAgreement, prior_prices: Any, errors: dict) -> dict[int, Decimal]:
    """{product id: unit price} for products on the agreement's current schedule, each price from
    $0.01 to UNIT_PRICE_MAX in whole cents (never rounded); errors go into `errors` keyed
    "prior_prices[<product id>]"."""
    if prior_prices in (None, {}):
        return {}
    if not isinstance(prior_prices, dict) or len(prior_prices) > PRIOR_PRICES_MAX:
        errors["prior_prices"] = f"Give at most {PRIOR_PRICES_MAX} prices, one per product of the agreement."
        return {}
    on_schedule = set(current_schedule(agreement).entries.values_list("product_id", flat=True))
    out: dict[int, Decimal] = {}
    for key, value in prior_prices.items():
        pid = key if isinstance(key, int) and not isinstance(key, bool) else None
        if pid is None or pid not in on_schedule:
            errors[f"prior_prices[{str(key)[:20]}]"] = "Not a product on this agreement's price schedule."
            continue
        try:
            out[pid] = check_money(value, field=f"prior_prices[{pid}]", maximum=UNIT_PRICE_MAX, allow_zero=False)
        except ValidationError as refused:
            errors.update(refused.message_dict)
    return out


@transaction.atomic
def participation_approve(*, participation: ParticipationAgreement, actor: Actor) -> ParticipationAgreement:
    participation = lock(ParticipationAgreement.objects.all()).select_related(
        "district__organisation", "agreement__vendor").get(pk=participation.pk)
    _require_district(actor, participation.district, (APPROVER,), "approve participation agreements")
    target = PARTICIPATION_TRANSITIONS.check(participation.state, "approve")
    before = snapshot(participation, P_FIELDS)
    participation.state, participation.approved_by, participation.approved_at = target, actor.user, timezone.now()
    participation.save()
    audit_record(actor=actor, action=AuditAction.PARTICIPATION_APPROVED, obj=participation, before=before,
                 after=snapshot(participation, P_FIELDS))
    notify(recipients=_vendor_emails(participation.agreement),
           subject=f"Countersign: {participation.district.name} joins {participation.agreement.number}",
           body="Approved by the district; countersign it in EdPool.",
           link=reverse("contracts:vendor"))
    return participation


@transaction.atomic
def participation_reject(*, participation: ParticipationAgreement, reason: str,
                         actor: Actor) -> ParticipationAgreement:
    """The approver rejects a participation awaiting approval (above the district's limit), giving
    the reason. The vendor is not asked to countersign; the buyer who prepared it is told why, with
    a link to the district's agreements. The district may
    prepare a new one later."""
    participation = lock(ParticipationAgreement.objects.all()).select_related(
        "district__organisation", "agreement__vendor", "prepared_by").get(pk=participation.pk)
    _require_district(actor, participation.district, (APPROVER,), "reject participation agreements")
    target = PARTICIPATION_TRANSITIONS.check(participation.state, "reject")
    if not participation.needs_approval:
        raise ValidationError("This participation is within the district's limit and needs no approval.")
    reason = check_text(reason, field="reason", max_length=NOTE_MAX)
    if not reason:
        raise ValidationError({"reason": "Give the reason for rejecting, for the buyer to read."})
    before = snapshot(participation, P_FIELDS)
    participation.state, participation.closed_reason = target, reason
    participation.save()
    audit_record(actor=actor, action=AuditAction.PARTICIPATION_REJECTED, obj=participation, before=before,
                 after=snapshot(participation, P_FIELDS))
    notify(recipients=[participation.prepared_by.email],
           subject=f"Joining {participation.agreement.number} was rejected by your approver",
           body=f"{participation.district.name}'s approver rejected the participation agreement with "
                f"{participation.agreement.vendor} under {participation.agreement.number} (about "
                f"{money(participation.estimated_value)} a year). The vendor was not asked to countersign.\n\n"
                f"Reason: {reason}",
           link=reverse("contracts:dashboard"))
    return participation


@transaction.atomic
def participation_countersign(*, participation: ParticipationAgreement, actor: Actor) -> ParticipationAgreement:
    participation = lock(ParticipationAgreement.objects.all()).select_related(
        "district__organisation", "agreement__vendor").get(pk=participation.pk)
    if not acts_as(actor, VENDOR, participation.agreement.vendor.organisation):
        raise PermissionDenied("Only the agreement's vendor countersigns.")
    target = PARTICIPATION_TRANSITIONS.check(participation.state, "countersign")
    if participation.needs_approval and participation.state != ParticipationState.APPROVED:
        raise ValidationError("The district's approver must approve this participation first.")
    before = snapshot(participation, P_FIELDS)
    participation.state = target
    participation.countersigned_by, participation.countersigned_at = actor.user, timezone.now()
    participation.save()
    audit_record(actor=actor, action=AuditAction.PARTICIPATION_COUNTERSIGNED, obj=participation, before=before,
                 after=snapshot(participation, P_FIELDS))
    notify(recipients=_district_emails(participation.district, BUYER),
           subject=f"{participation.agreement.number} is yours to use",
           body=f"{participation.agreement.vendor} countersigned: {participation.district.name} may "
                f"now order under {participation.agreement.number}.",
           link=reverse("contracts:detail", kwargs={"agreement_id": participation.agreement_id}))
    return participation


@transaction.atomic
def participation_withdraw(*, participation: ParticipationAgreement, reason: str,
                           actor: Actor) -> ParticipationAgreement:
    participation = lock(ParticipationAgreement.objects.all()).select_related(
        "district__organisation").get(pk=participation.pk)
    _require_district(actor, participation.district, (BUYER, APPROVER), "withdraw participation agreements")
    target = PARTICIPATION_TRANSITIONS.check(participation.state, "withdraw")
    if not reason.strip():
        raise ValidationError({"reason": "Give the reason."})
    before = snapshot(participation, P_FIELDS)
    participation.state, participation.closed_reason = target, reason.strip()
    participation.save()
    audit_record(actor=actor, action=AuditAction.PARTICIPATION_WITHDRAWN, obj=participation, before=before,
                 after=snapshot(participation, P_FIELDS))
    return participation
