"""Award: compute the plan (multi-award or bulk-buy), publish the notice of exactly that plan,
protests and their decisions. Reading the plan: `sourcing.award_plans`."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Callable, Optional

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.urls import reverse

from accounts.acting import Actor, require_staff
from core.limits import LONG_TEXT_MAX, NOTE_MAX, check_text
from audit.actions import AuditAction, protest_decision
from audit.services import audit_record, snapshot
from core.documents import validate_pdf
from core.notify import notify
from sourcing import selectors
from sourcing.award_plans import (AwardPlan, Winner, award_plan, inputs_digest,  # noqa: F401
                                  multi_award_plan)
from sourcing.lifecycle import check_transition, current_award, effective_state
from sourcing.models import Award, AwardedBid, AwardPlanRecord, Bid, Protest, Solicitation
from sourcing.services.common import require_vendor, vendor_emails
from sourcing.states import AwardMethod, SolicitationState as S
from sourcing.tabulation import BidEvaluation
from vendors.models import Vendor
from core.locks import lock
from jobs.models import Job
from jobs.services import job_enqueue

AWARD_PLAN_JOB = "sourcing.award_plan"  # the job kind (registered in sourcing.apps)
ProgressCallback = Callable[[dict[str, Any]], None]  # the award engine's trace entries, as they come
StopCheck = Callable[[], bool]  # asked by the engine as it searches: True ends it early, keeping the best


def engine_problem(solicitation: Solicitation, evaluations: list[BidEvaluation],
                   time_limit: Optional[float] = None) -> dict[str, Any]:
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
            "options": {"time_limit_seconds": time_limit or engine_time_limit()}}


def engine_time_limit() -> float:
    """Seconds the award engine may search when staff compute a plan (in the background worker:
    see `award_plan_request`)."""
    return float(getattr(settings, "AWARD_ENGINE_TIME_LIMIT_SECONDS", 20))


def run_engine(problem: dict[str, Any], on_progress: Optional[ProgressCallback] = None,
               should_stop: Optional[StopCheck] = None) -> dict[str, Any]:
    from awards.engine import solve

    options = {key: value for key, value in (("on_progress", on_progress), ("should_stop", should_stop))
               if value is not None}
    result = solve(problem, **options)
    return result.to_dict() if hasattr(result, "to_dict") else dict(result)


def bulk_buy_plan(solicitation: Solicitation, evaluations: list[BidEvaluation],
                  digest: str, on_progress: Optional[ProgressCallback] = None,
                  should_stop: Optional[StopCheck] = None) -> AwardPlan:
    """Run the award engine over the estimated quantities and the solicitation's constraints."""
    from awards.engine import ProblemError  # numpy and HiGHS load only when a plan is computed

    responsive = [ev for ev in evaluations if ev.responsive]
    plan = AwardPlan(method=AwardMethod.BULK_BUY, inputs_digest=digest,
                     line_descriptions=dict(solicitation.lines.values_list("reference", "description")),
                     vendor_names={str(ev.bid.vendor_id): ev.bid.vendor_name for ev in responsive})
    if not responsive:
        plan.problems.append("No responsive bids to allocate.")
        return plan
    try:
        problem = engine_problem(solicitation, evaluations)
        extra = (on_progress, should_stop) if should_stop is not None else (on_progress,)
        result = run_engine(problem, *extra) if on_progress is not None else run_engine(problem)
    except ProblemError as exc:  # e.g. a bid's tiers the engine cannot read, a line past its size
        plan.problems.append(f"The award engine could not take these bids and quantities: {exc}")
        return plan
    plan.engine_result = result
    if result.get("status") not in ("optimal", "feasible", "stopped"):  # "stopped": early, on request
        plan.problems.append("The award engine found no feasible allocation: "
                             + str(result.get("message") or result.get("reason") or result.get("status")))
        return plan
    by_bid: dict[int, list[dict[str, Any]]] = {}
    for alloc in result.get("allocations", []):
        bid_id = int(str(alloc["bid"]).split(":")[0])
        by_bid.setdefault(bid_id, []).append({
            "line": alloc["item"], "quantity": alloc["quantity"],
            "unit_price": str(alloc["unit_price"]), "cost": str(alloc["cost"])})
    plan.winners = [Winner.of(ev, by_bid[ev.bid.bid_id]) for ev in responsive
                    if ev.bid.bid_id in by_bid]
    return plan


def _require_evaluation(solicitation: Solicitation) -> None:
    state = effective_state(solicitation)
    if state != S.UNDER_EVALUATION:
        raise ValidationError(f"The award plan is computed during the evaluation; the solicitation "
                              f"is {S(state).label.lower()}.")


def compute_plan(solicitation: Solicitation, actor: Actor,
                 on_progress: Optional[ProgressCallback] = None, *,
                 should_stop: Optional[StopCheck] = None) -> tuple[Solicitation, str, AwardPlan]:
    """Compute the plan, outside any transaction (a long solve must not hold the database: SQLite
    takes its write lock when a transaction begins). The inputs digest is read before the bids,
    so a change made meanwhile leaves the stored plan stale, never a plan that looks current but
    is not."""
    require_staff(actor, "compute award plans")
    solicitation = Solicitation.objects.get(pk=solicitation.pk)
    _require_evaluation(solicitation)
    digest = inputs_digest(solicitation)
    evaluations = selectors.evaluation(solicitation=solicitation, actor=actor,
                                       purpose="award plan computation")
    if solicitation.award_method == AwardMethod.MULTI_AWARD:
        plan = multi_award_plan(solicitation, evaluations, digest)
    else:
        plan = bulk_buy_plan(solicitation, evaluations, digest, on_progress, should_stop)
    return solicitation, digest, plan


def store_plan(solicitation: Solicitation, digest: str, plan: AwardPlan, actor: Actor) -> AwardPlanRecord:
    """Store the computed plan (inside the caller's transaction), audited."""
    solicitation = lock(Solicitation.objects.all()).get(pk=solicitation.pk)
    _require_evaluation(solicitation)
    record = AwardPlanRecord.objects.create(
        solicitation=solicitation, method=plan.method, inputs_digest=digest, digest=plan.digest,
        winners=[w.as_dict() for w in plan.winners], problems=plan.problems,
        vendor_names=plan.vendor_names, engine_result=plan.engine_result,
        computed_at=timezone.now(), computed_by=actor.user)
    result = plan.engine_result or {}
    audit_record(actor=actor, action=AuditAction.AWARD_PLAN_COMPUTED, obj=record, after={
        "solicitation": solicitation.pk, "method": plan.method, "inputs_digest": digest,
        "digest": record.digest, "status": result.get("status"),
        "total_cost": result.get("total_cost"), "relative_gap": result.get("relative_gap"),
        "winners": [w.vendor_name for w in plan.winners], "problems": plan.problems})
    return record


def award_plan_compute(*, solicitation: Solicitation, actor: Actor,
                       on_progress: Optional[ProgressCallback] = None) -> AwardPlanRecord:
    """Compute the award plan once and store it, with the digest of its inputs, for staff to
    review and confirm, here and now (the demo, commands, tests; pages and the API queue
    `award_plan_request` instead). A bulk buy runs the award engine (up to
    `engine_time_limit()` seconds) outside any transaction; only the save is atomic."""
    solicitation, digest, plan = compute_plan(solicitation, actor, on_progress)
    with transaction.atomic():
        return store_plan(solicitation, digest, plan, actor)


def award_plan_request(*, solicitation: Solicitation, actor: Actor) -> Job:
    """Queue computing the award plan as a background job (`edpool worker` runs
    `sourcing.jobs.award_plan_job`), refused at once for anyone but staff or outside the
    evaluation. While one is queued or running for the solicitation, that job is returned:
    pressing the button twice computes once."""
    require_staff(actor, "compute award plans")
    solicitation = Solicitation.objects.get(pk=solicitation.pk)
    _require_evaluation(solicitation)
    return job_enqueue(kind=AWARD_PLAN_JOB, params={"solicitation_id": solicitation.pk}, actor=actor,
                       subject=solicitation)


def missing_consensus(evaluations: list[BidEvaluation]) -> list[str]:
    """Each responsive bid lacking a consensus score, with the criteria it lacks, e.g.
    "Acme Supply (bid 12): Service, Quality"."""
    return [f"{ev.bid.vendor_name} (bid {ev.bid.bid_id}): {', '.join(ev.missing_consensus)}"
            for ev in evaluations if ev.responsive and ev.missing_consensus]


@transaction.atomic
def award_issue_notice(*, solicitation: Solicitation, rationale: str, plan_digest: str = "",
                       actor: Actor) -> Award:
    """Confirm the award plan and publish its notice; the standstill starts now.

    The notice needs a rationale (published with it, at most NOTE_MAX characters) and every
    responsive bid's consensus score on every non-price criterion (the refusal names the bids
    and criteria lacking one), whatever the award method: API and page go through here.

    It awards exactly the plan staff reviewed: a bulk buy its stored plan, refused if none was
    computed or if bids, scores or constraints changed since; a multi-award the plan the rules
    give now. `plan_digest` (the digest of the plan shown, `AwardPlan.digest`) refuses the notice
    if the plan is no longer the one shown."""
    require_staff(actor, "issue award notices")
    rationale = check_text(rationale, field="rationale", max_length=NOTE_MAX).strip()
    if not rationale:
        raise ValidationError({"rationale": "Give the rationale for the award: it is published "
                                            "with the notice."})
    solicitation = lock(Solicitation.objects.all()).get(pk=solicitation.pk)
    target = check_transition(solicitation, "issue_award_notice")
    evaluations = selectors.evaluation(solicitation=solicitation, actor=actor, purpose="award notice")
    missing = missing_consensus(evaluations)
    if missing:
        raise ValidationError("Consensus scores are missing: " + "; ".join(missing)
                              + ". Record them before issuing the award notice.")
    plan = award_plan(solicitation=solicitation, actor=actor, evaluations=evaluations)
    if plan is None:
        raise ValidationError("Compute the award plan first: the award notice awards the plan "
                              "you reviewed.")
    if plan.stale:
        raise ValidationError(plan.stale)
    if plan_digest and plan_digest != plan.digest:
        raise ValidationError("The award plan changed since it was shown to you (it was recomputed "
                              "or the scores changed): review the plan shown now and confirm again.")
    if not plan.ready:
        raise ValidationError(" ".join(plan.problems) or "Nothing to award.")
    now = timezone.now()
    version = solicitation.awards.count() + 1
    award = Award.objects.create(
        solicitation=solicitation, version=version, method=plan.method, notice_published_at=now,
        standstill_ends_at=now + dt.timedelta(days=solicitation.standstill_days),
        rationale=rationale, engine_result=plan.engine_result, plan=plan.record,
        created_by=actor.user)
    for w in plan.winners:
        AwardedBid.objects.create(award=award, bid_id=w.bid_id, vendor_id=w.vendor_id,
                                  total_score=w.total_score or Decimal(0), allocations=w.allocations)
    before = snapshot(solicitation, ("state",))
    solicitation.state = target
    solicitation.save(update_fields=["state"])
    audit_record(actor=actor, action=AuditAction.AWARD_NOTICE_PUBLISHED, obj=award,
                 after={"solicitation": solicitation.pk, "version": version, "method": plan.method,
                        "winners": [w.vendor_name for w in plan.winners],
                        "plan": None if plan.record is None else plan.record.pk,
                        "plan_digest": plan.digest, "inputs_digest": plan.inputs_digest,
                        "total_cost": (plan.engine_result or {}).get("total_cost"),
                        "standstill_ends_at": award.standstill_ends_at})
    audit_record(actor=actor, action=AuditAction.SOLICITATION_AWARD_NOTICE, obj=solicitation,
                 before=before, after=snapshot(solicitation, ("state",)))
    bidders = Vendor.objects.filter(bids__solicitation=solicitation,
                                    bids__state=Bid.State.SUBMITTED).distinct()
    notify(recipients=[e for v in bidders for e in vendor_emails(v)],
           subject=f"Award notice: {solicitation.number}",
           body=(f"The award notice for {solicitation.number} {solicitation.title} is published. "
                 f"Awarded: {', '.join(w.vendor_name for w in plan.winners)}.\n"
                 f"Protests may be filed until "
                 f"{timezone.localtime(award.standstill_ends_at):%Y-%m-%d %H:%M %Z}."),
           link=reverse("sourcing:detail", kwargs={"solicitation_id": solicitation.pk}))
    return award


@transaction.atomic
def protest_file(*, solicitation: Solicitation, grounds: str,
                 document: Optional[UploadedFile] = None, actor: Actor) -> Protest:
    """A bidder protests the award during the standstill."""
    vendor = require_vendor(actor, "file protests")
    solicitation = lock(Solicitation.objects.all()).get(pk=solicitation.pk)
    award = current_award(solicitation)
    now = timezone.now()
    if solicitation.state != S.AWARD_NOTICE or award is None or now >= award.standstill_ends_at:
        raise ValidationError("Protests can be filed only during the standstill after an award notice.")
    if not selectors.vendor_has_bid(solicitation, vendor):
        raise PermissionDenied("Only a bidder may protest this award.")
    grounds = check_text(grounds, field="grounds", max_length=LONG_TEXT_MAX)
    if not grounds:
        raise ValidationError({"grounds": "State the grounds of the protest."})
    if document is not None:
        validate_pdf(document, field="document")
    protest = Protest.objects.create(award=award, vendor=vendor, grounds=grounds.strip(),
                                     filed_at=now)
    if document is not None:
        protest.document.save(f"protest-{protest.pk}.pdf", document, save=True)
    audit_record(actor=actor, action=AuditAction.PROTEST_FILED, obj=protest,
                 after={"award": award.pk, "vendor": vendor.legal_name, "grounds": protest.grounds})
    return protest


@transaction.atomic
def protest_decide(*, protest: Protest, upheld: bool, reasons: str, actor: Actor) -> Protest:
    """Staff decide a protest. Upheld: the award is superseded and the solicitation goes back to
    evaluation for a revised award and a new notice. Denied: the award stands."""
    require_staff(actor, "decide protests")
    # The solicitation before its protest (core.locks).
    solicitation = lock(Solicitation.objects.filter(awards__protests=protest)).get()
    protest = lock(Protest.objects.all()).select_related("award__solicitation").get(pk=protest.pk)
    if protest.state != Protest.State.OPEN:
        raise ValidationError("This protest has already been decided.")
    reasons = check_text(reasons, field="reasons", max_length=NOTE_MAX)
    if not reasons:
        raise ValidationError({"reasons": "Give the reasons for the decision."})
    # Checked while the protest is still open: an open protest is what holds the award back.
    target = check_transition(solicitation, "reopen_evaluation") if upheld else None
    now = timezone.now()
    protest.state = Protest.State.UPHELD if upheld else Protest.State.DENIED
    protest.decision_reasons, protest.decided_at, protest.decided_by = reasons.strip(), now, actor.user
    protest.save()
    audit_record(actor=actor, action=protest_decision(protest.state), obj=protest,
                 before={"state": "open"}, after={"state": protest.state, "reasons": protest.decision_reasons})
    if upheld:
        award = protest.award
        award.superseded_at = now
        award.save(update_fields=["superseded_at"])
        before = snapshot(solicitation, ("state",))
        solicitation.state = target
        solicitation.save(update_fields=["state"])
        audit_record(actor=actor, action=AuditAction.SOLICITATION_AWARD_REVISION, obj=solicitation,
                     before=before, after={**snapshot(solicitation, ("state",)),
                                           "superseded_award": award.version})
    notify(recipients=vendor_emails(protest.vendor),
           subject=f"Your protest on {solicitation.number} was {protest.get_state_display().split(':')[0].lower()}",
           body=protest.decision_reasons,
           link=reverse("sourcing:detail", kwargs={"solicitation_id": solicitation.pk}))
    return protest
