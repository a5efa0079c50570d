"""Award plans, the award notice and protests."""

from django.http import Http404
from ninja import Status

from accounts.acting import STAFF, VENDOR
from accounts.access import api_public, api_roles
from accounts.api_auth import API_AUTH, OPTIONAL_AUTH
from core.api_types import Id
from core.documents import upload_from_base64
from jobs.api import JobOut, job_out
from sourcing import award_plans, selectors
from sourcing.api.common import P, router, solicitation_or_404
from sourcing.api.responses import (AwardOut, AwardPlanOut, AwardPlanStaleOut, ProtestDecisionOut,
                                    ProtestOut)
from sourcing.api.schemas import AwardIn, ProtestDecisionIn, ProtestIn
from sourcing.models import Protest, Solicitation
from sourcing.services import awards as award_services


def plan_out(plan) -> dict:
    record = plan.record
    return {"method": plan.method, "ready": plan.ready, "problems": plan.problems,
            "stale": plan.stale or None, "stored": record is not None,
            "computed_at": None if record is None else record.computed_at,
            "computed_by": None if record is None or record.computed_by is None else record.computed_by.email,
            "inputs_digest": plan.inputs_digest, "plan_digest": plan.digest,
            "winners": [w.as_dict() for w in plan.winners], "engine_result": plan.engine_result}


@router.get(P + "/award-plan", response={200: AwardPlanOut, 409: AwardPlanStaleOut}, auth=API_AUTH)
@api_roles(STAFF)
def award_plan(request, solicitation_id: Id):
    """The award plan staff review before confirming. Multi-award: the plan the rules give now.
    Bulk buy: the stored plan (POST computes it); 404 if none was computed, 409 (with the plan)
    if bids, scores or constraints changed since it was computed. Pass its `plan_digest` to the
    award notice to be sure the notice awards this plan."""
    plan = award_plans.award_plan(solicitation=solicitation_or_404(request, solicitation_id),
                                  actor=request.actor)
    if plan is None:
        raise Http404("No award plan has been computed yet: POST to this address to compute it.")
    if plan.stale:
        return Status(409, {"detail": plan.stale, "plan": plan_out(plan)})
    return plan_out(plan)


@router.post(P + "/award-plan", response={202: JobOut}, auth=API_AUTH)
@api_roles(STAFF)
def award_plan_compute(request, solicitation_id: Id):
    """Compute the award plan and store it, in the background (a bulk buy runs the award engine):
    202 with the job; poll `GET /api/v1/jobs/{id}` until it is done, then `GET .../award-plan`.
    While a computation is queued or running, the same job is answered (nothing runs twice)."""
    job = award_services.award_plan_request(solicitation=solicitation_or_404(request, solicitation_id),
                                            actor=request.actor)
    return Status(202, job_out(job))


def award_out(s: Solicitation) -> dict:
    view = selectors.award_view(s)
    if view is None:
        raise Http404("No award yet.")
    a = view.award
    return {"version": a.version, "method": a.method, "notice_published_at": a.notice_published_at,
            "standstill_ends_at": a.standstill_ends_at, "final": view.final,
            "open_protests": view.open_protests, "rationale": a.rationale,
            "awarded": [{"vendor": ab.vendor.legal_name, "bid_id": ab.bid_id,
                         "total_score": str(ab.total_score), "allocations": ab.allocations}
                        for ab in a.awarded_bids.select_related("vendor")],
            "engine_result": a.engine_result}


@router.post(P + "/award-notice", response={201: AwardOut}, auth=API_AUTH)
@api_roles(STAFF)
def award_notice(request, solicitation_id: Id, payload: AwardIn):
    s = solicitation_or_404(request, solicitation_id)
    award_services.award_issue_notice(solicitation=s, rationale=payload.rationale,
                                      plan_digest=payload.plan_digest, actor=request.actor)
    s.refresh_from_db()
    return Status(201, award_out(s))


@router.get(P + "/award", response=AwardOut, auth=OPTIONAL_AUTH)
@api_public
def award(request, solicitation_id: Id):
    """The current award (public once its notice is published)."""
    return award_out(solicitation_or_404(request, solicitation_id))


@router.post(P + "/protests", response={201: ProtestOut}, auth=API_AUTH)
@api_roles(VENDOR)
def protest_create(request, solicitation_id: Id, payload: ProtestIn):
    """File a protest during the standstill, with an optional supporting PDF."""
    s = solicitation_or_404(request, solicitation_id)
    document = (upload_from_base64(payload.document.content_base64, filename=payload.document.filename,
                                   field="document") if payload.document else None)
    p = award_services.protest_file(solicitation=s, grounds=payload.grounds, document=document,
                                    actor=request.actor)
    return Status(201, protest_out(s, p))


def protest_out(s: Solicitation, p: Protest) -> dict:
    return {"id": p.pk, "vendor": p.vendor.legal_name, "award_version": p.award.version,
            "state": p.state, "grounds": p.grounds, "filed_at": p.filed_at,
            "decision_reasons": p.decision_reasons,
            "document_url": f"/solicitations/{s.pk}/protests/{p.pk}/document/" if p.document else None}


@router.get(P + "/protests", response=list[ProtestOut], auth=API_AUTH)
@api_roles(STAFF, VENDOR)
def protests(request, solicitation_id: Id):
    """Protests of the solicitation's awards: staff see all, a vendor its own."""
    s = solicitation_or_404(request, solicitation_id)
    return [protest_out(s, p) for p in selectors.protests_for(solicitation=s, actor=request.actor)]


@router.post(P + "/protests/{protest_id}/decision", response=ProtestDecisionOut, auth=API_AUTH)
@api_roles(STAFF)
def protest_decision(request, solicitation_id: Id, protest_id: Id, payload: ProtestDecisionIn):
    s = solicitation_or_404(request, solicitation_id)
    protest = Protest.objects.filter(pk=protest_id, award__solicitation=s).first()
    if protest is None:
        raise Http404("No such protest.")
    p = award_services.protest_decide(protest=protest, upheld=payload.upheld,
                                      reasons=payload.reasons, actor=request.actor)
    return {"id": p.pk, "state": p.state, "reasons": p.decision_reasons}
