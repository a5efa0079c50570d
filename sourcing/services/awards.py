"""Award: compute (multi-award or bulk-buy), publish the notice, protests and their decisions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Optional

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from accounts.acting import Actor
from audit.services import audit_record, snapshot
from edpool.documents import validate_pdf
from edpool.notify import notify
from sourcing import selectors
from sourcing.lifecycle import check_transition, current_award, effective_state
from sourcing.models import Award, AwardedBid, Bid, Protest, Solicitation
from sourcing.services.common import require_staff, require_vendor, vendor_emails
from sourcing.states import AwardMethod, SolicitationState as S
from sourcing.tabulation import BidEvaluation
from vendors.models import Vendor


@dataclass
class AwardPlan:
    """What an award would be, before staff confirm it."""

    method: str
    winners: list[tuple[BidEvaluation, list[dict[str, Any]]]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    engine_result: Optional[dict[str, Any]] = None

    @property
    def ready(self) -> bool:
        return not self.problems and bool(self.winners)


def engine_problem(solicitation: Solicitation, evaluations: list[BidEvaluation]) -> dict[str, Any]:
    """The award engine's problem: estimated quantities, responsive bids' tiers, constraints."""
    items = [{"id": line.reference, "quantity": line.estimated_quantity}
             for line in solicitation.lines.all()]
    bids = []
    for ev in evaluations:
        if not ev.responsive:
            continue
        for line in ev.lines:
            entry = {"id": f"{ev.bid.bid_id}:{line.line}", "vendor": str(ev.bid.vendor_id),
                     "item": line.line, "tiers": line.tiers}
            if line.max_quantity is not None:
                entry["max_quantity"] = line.max_quantity
            bids.append(entry)
    constraints: dict[str, Any] = {}
    if solicitation.max_vendor_share is not None:
        constraints["max_vendor_share"] = float(solicitation.max_vendor_share)
    if solicitation.max_vendors_per_line is not None:
        constraints["max_vendors_per_item"] = solicitation.max_vendors_per_line
    return {"items": items, "bids": bids, "constraints": constraints,
            "options": {"time_limit_seconds": 30}}


def run_engine(problem: dict[str, Any]) -> dict[str, Any]:
    from awards.engine import solve

    result = solve(problem)
    return result.to_dict() if hasattr(result, "to_dict") else dict(result)


def award_plan(*, solicitation: Solicitation, actor: Actor) -> AwardPlan:
    """Compute the award the rules give now (nothing is saved)."""
    require_staff(actor, "prepare awards")
    evaluations = selectors.evaluation(solicitation=solicitation, actor=actor)
    plan = AwardPlan(method=solicitation.award_method)
    responsive = [ev for ev in evaluations if ev.responsive]
    incomplete = [ev.bid.vendor_name for ev in responsive if ev.missing_consensus]
    if solicitation.award_method == AwardMethod.MULTI_AWARD:
        if incomplete:
            plan.problems.append("Consensus scores are missing for: " + ", ".join(incomplete) + ".")
            return plan
        plan.winners = [(ev, []) for ev in responsive
                        if ev.total_score is not None and ev.total_score >= solicitation.score_threshold]
        if not plan.winners:
            plan.problems.append(f"No responsive bid reaches the score threshold "
                                 f"({solicitation.score_threshold}).")
        return plan
    if not responsive:
        plan.problems.append("No responsive bids to allocate.")
        return plan
    result = run_engine(engine_problem(solicitation, evaluations))
    plan.engine_result = result
    if result.get("status") not in ("optimal", "feasible"):
        plan.problems.append("The award engine found no feasible allocation: "
                             + str(result.get("message") or result.get("reason") or result.get("status")))
        return plan
    by_bid: dict[int, list[dict[str, Any]]] = {}
    for alloc in result.get("allocations", []):
        bid_id = int(str(alloc["bid"]).split(":")[0])
        by_bid.setdefault(bid_id, []).append({
            "line": alloc["item"], "quantity": alloc["quantity"],
            "unit_price": str(alloc["unit_price"]), "cost": str(alloc["cost"])})
    plan.winners = [(ev, by_bid[ev.bid.bid_id]) for ev in responsive if ev.bid.bid_id in by_bid]
    return plan


@transaction.atomic
def award_issue_notice(*, solicitation: Solicitation, rationale: str = "",
                       actor: Actor) -> Award:
    """Confirm the computed award and publish its notice; the standstill starts now."""
    require_staff(actor, "issue award notices")
    solicitation = Solicitation.objects.select_for_update().get(pk=solicitation.pk)
    target = check_transition(solicitation, "issue_award_notice")
    plan = award_plan(solicitation=solicitation, actor=actor)
    if not plan.ready:
        raise ValidationError(" ".join(plan.problems) or "Nothing to award.")
    now = timezone.now()
    version = solicitation.awards.count() + 1
    award = Award.objects.create(
        solicitation=solicitation, version=version, method=plan.method, notice_published_at=now,
        standstill_ends_at=now + dt.timedelta(days=solicitation.standstill_days),
        rationale=rationale.strip(), engine_result=plan.engine_result, created_by=actor.user)
    for ev, allocations in plan.winners:
        AwardedBid.objects.create(award=award, bid_id=ev.bid.bid_id, vendor_id=ev.bid.vendor_id,
                                  total_score=ev.total_score or Decimal(0), allocations=allocations)
    before = snapshot(solicitation, ("state",))
    solicitation.state = target
    solicitation.save(update_fields=["state"])
    audit_record(actor=actor, action="award.notice_published", obj=award,
                 after={"solicitation": solicitation.pk, "version": version, "method": plan.method,
                        "winners": [ev.bid.vendor_name for ev, _ in plan.winners],
                        "standstill_ends_at": award.standstill_ends_at})
    audit_record(actor=actor, action="solicitation.award_notice", obj=solicitation,
                 before=before, after=snapshot(solicitation, ("state",)))
    bidders = Vendor.objects.filter(bids__solicitation=solicitation,
                                    bids__state=Bid.State.SUBMITTED).distinct()
    notify(recipients=[e for v in bidders for e in vendor_emails(v)],
           subject=f"Award notice: {solicitation.number}",
           body=(f"The award notice for {solicitation.number} {solicitation.title} is published. "
                 f"Awarded: {', '.join(ev.bid.vendor_name for ev, _ in plan.winners)}.\n"
                 f"Protests may be filed until "
                 f"{timezone.localtime(award.standstill_ends_at):%Y-%m-%d %H:%M %Z}."))
    return award


@transaction.atomic
def protest_file(*, solicitation: Solicitation, grounds: str,
                 document: Optional[UploadedFile] = None, actor: Actor) -> Protest:
    """A bidder protests the award during the standstill."""
    vendor = require_vendor(actor, "file protests")
    solicitation = Solicitation.objects.select_for_update().get(pk=solicitation.pk)
    award = current_award(solicitation)
    now = timezone.now()
    if solicitation.state != S.AWARD_NOTICE or award is None or now >= award.standstill_ends_at:
        raise ValidationError("Protests can be filed only during the standstill after an award notice.")
    if not selectors.vendor_has_bid(solicitation, vendor):
        raise PermissionDenied("Only a bidder may protest this award.")
    if not grounds.strip():
        raise ValidationError({"grounds": "State the grounds of the protest."})
    if document is not None:
        validate_pdf(document, field="document")
    protest = Protest.objects.create(award=award, vendor=vendor, grounds=grounds.strip(),
                                     filed_at=now)
    if document is not None:
        protest.document.save(f"protest-{protest.pk}.pdf", document, save=True)
    audit_record(actor=actor, action="protest.filed", obj=protest,
                 after={"award": award.pk, "vendor": vendor.legal_name, "grounds": protest.grounds})
    return protest


@transaction.atomic
def protest_decide(*, protest: Protest, upheld: bool, reasons: str, actor: Actor) -> Protest:
    """Staff decide a protest. Upheld: the award is superseded and the solicitation goes back to
    evaluation for a revised award and a new notice. Denied: the award stands."""
    require_staff(actor, "decide protests")
    protest = Protest.objects.select_for_update(of=("self",)).select_related("award__solicitation").get(pk=protest.pk)
    if protest.state != Protest.State.OPEN:
        raise ValidationError("This protest has already been decided.")
    if not reasons.strip():
        raise ValidationError({"reasons": "Give the reasons for the decision."})
    solicitation = Solicitation.objects.select_for_update().get(pk=protest.award.solicitation_id)
    # Checked while the protest is still open: an open protest is what holds the award back.
    target = check_transition(solicitation, "reopen_evaluation") if upheld else None
    now = timezone.now()
    protest.state = Protest.State.UPHELD if upheld else Protest.State.DENIED
    protest.decision_reasons, protest.decided_at, protest.decided_by = reasons.strip(), now, actor.user
    protest.save()
    audit_record(actor=actor, action=f"protest.{protest.state}", obj=protest,
                 before={"state": "open"}, after={"state": protest.state, "reasons": protest.decision_reasons})
    if upheld:
        award = protest.award
        award.superseded_at = now
        award.save(update_fields=["superseded_at"])
        before = snapshot(solicitation, ("state",))
        solicitation.state = target
        solicitation.save(update_fields=["state"])
        audit_record(actor=actor, action="solicitation.award_revision", obj=solicitation,
                     before=before, after={**snapshot(solicitation, ("state",)),
                                           "superseded_award": award.version})
    notify(recipients=vendor_emails(protest.vendor),
           subject=f"Your protest on {solicitation.number} was {protest.get_state_display().split(':')[0].lower()}",
           body=protest.decision_reasons)
    return protest
