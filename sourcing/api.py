"""API for sourcing: solicitations, questions, addenda, the vendor's own sealed bid, opened bids,
the tabulation, the committee, scores, the award and protests."""

from datetime import datetime
from decimal import Decimal
from typing import Any, Optional

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from ninja import Router, Schema, Status

from accounts.access import api_public, api_roles
from accounts.api_auth import API_AUTH, OPTIONAL_AUTH
from accounts.models import Role, RoleAssignment
from catalog.models import Category
from edpool.documents import upload_from_base64
from sourcing import award_plans, selectors
from sourcing.lifecycle import effective_state
from sourcing.models import Bid, Criterion, Protest, Question, Solicitation
from sourcing.services import awards as award_services
from sourcing.services import bids as bid_services
from sourcing.services import evaluation as evaluation_services
from sourcing.services import questions as question_services
from sourcing.services import solicitations as solicitation_services
from sourcing.tabulation import PRICE_RULES, price_rule, tabulation_rows
from vendors.selectors import vendor_of_organisation

router = Router(tags=["sourcing"])
STAFF, VENDOR, EVALUATOR = Role.CONSORTIUM_STAFF, Role.VENDOR_USER, Role.EVALUATOR
P = "/solicitations/{solicitation_id}"


class LineIn(Schema):
    reference: str
    description: str
    unit: str = "each"
    estimated_quantity: int


class RequirementIn(Schema):
    code: str = ""
    text: str


class CriterionIn(Schema):
    name: str
    weight: Decimal
    is_price: bool = False


class SolicitationIn(Schema):
    title: str
    description: str = ""
    category: str
    kind: str = "rfp"
    lines: list[LineIn]
    requirements: list[RequirementIn] = []
    criteria: list[CriterionIn]
    questions_deadline: datetime
    bid_deadline: datetime
    standstill_days: int = 7
    award_method: str = "multi_award"
    score_threshold: Decimal = Decimal("70")
    max_vendor_share: Optional[Decimal] = None
    max_vendors_per_line: Optional[int] = None


class DocumentIn(Schema):
    """A PDF inside JSON: its bytes base64-encoded (standard alphabet, with padding)."""
    title: str = ""
    filename: str = "document.pdf"
    content_base64: str


class AddendumIn(Schema):
    summary: str
    title: Optional[str] = None
    description: Optional[str] = None
    questions_deadline: Optional[datetime] = None
    bid_deadline: Optional[datetime] = None
    standstill_days: Optional[int] = None
    lines: Optional[list[LineIn]] = None
    document: Optional[DocumentIn] = None  # published with the addendum (title: the document's)


class TextIn(Schema):
    text: str


class AnswerIn(Schema):
    answer: str


class ReasonIn(Schema):
    reason: str


class BidIn(Schema):
    lines: list[dict[str, Any]]
    attestations: dict[str, bool] = {}
    notes: str = ""
    documents: list[DocumentIn] = []  # empty: a replacement keeps the previous bid's documents


class SeatIn(Schema):
    assignment_id: int


class RelationshipIn(Schema):
    vendor_id: int
    details: str


class DeclarationIn(Schema):
    # Every bidder the evaluator (or anyone close to them) has a relationship with; [] for none.
    relationships: list[RelationshipIn]


class ScoreIn(Schema):
    bid_id: int
    criterion_id: int
    points: Decimal
    comment: str = ""


class AwardIn(Schema):
    rationale: str = ""
    plan_digest: str = ""  # the reviewed plan's digest (GET award-plan): refused if it changed


class ProtestIn(Schema):
    grounds: str
    document: Optional[DocumentIn] = None


class DecisionIn(Schema):
    upheld: bool
    reasons: str


def _solicitation(request, solicitation_id: int) -> Solicitation:
    try:
        return selectors.solicitation_get(solicitation_id=solicitation_id,
                                          actor=getattr(request, "actor", None))
    except Solicitation.DoesNotExist:
        raise Http404("No such solicitation.")


def solicitation_out(s: Solicitation, *, detail: bool = False) -> dict:
    data = {"id": s.pk, "number": s.number, "kind": s.kind, "title": s.title,
            "category": s.category.code, "state": effective_state(s),
            "questions_deadline": s.questions_deadline, "bid_deadline": s.bid_deadline,
            "bids_received": selectors.bid_count(s) if s.state != "draft" else 0,
            "award_method": s.award_method}
    if detail:
        data.update({
            "description": s.description, "standstill_days": s.standstill_days,
            "score_threshold": str(s.score_threshold),
            "max_vendor_share": None if s.max_vendor_share is None else str(s.max_vendor_share),
            "max_vendors_per_line": s.max_vendors_per_line,
            "lines": list(s.lines.values("reference", "description", "unit", "estimated_quantity")),
            "requirements": list(s.requirements.values("code", "text")),
            "criteria": [{"id": c.pk, "name": c.name, "weight": str(c.weight), "is_price": c.is_price}
                         for c in s.criteria.all()],
            "documents": [{"id": d.pk, "title": d.title,
                           "url": f"/solicitations/{s.pk}/documents/{d.pk}/"} for d in s.documents.all()],
            "addenda": [addendum_out(a) for a in s.addenda.all()],
            "cancellation_reason": s.cancellation_reason,
        })
    return data


def addendum_out(a) -> dict:
    return {"number": a.number, "summary": a.summary, "published_at": a.published_at,
            "changes": a.changes,
            "documents": [{"id": d.pk, "title": d.title,
                           "url": f"/solicitations/{a.solicitation_id}/documents/{d.pk}/"}
                          for d in a.documents.all()]}


def _content(payload: SolicitationIn) -> solicitation_services.SolicitationContent:
    category = Category.objects.filter(code=payload.category).first()
    if category is None:
        raise ValidationError({"category": f"Unknown category {payload.category!r}."})
    return solicitation_services.SolicitationContent(
        title=payload.title, description=payload.description, category=category, kind=payload.kind,
        lines=[line.dict() for line in payload.lines],
        requirements=[r.dict() for r in payload.requirements],
        criteria=[c.dict() for c in payload.criteria], award_method=payload.award_method,
        score_threshold=payload.score_threshold, max_vendor_share=payload.max_vendor_share,
        max_vendors_per_line=payload.max_vendors_per_line)


@router.get("/solicitations", auth=OPTIONAL_AUTH)
@api_public
def solicitation_list(request, state: str = "", q: str = ""):
    """Published solicitations (staff also see drafts). Filter by state: published, closed,
    under_evaluation, award_notice, awarded, cancelled (draft for staff)."""
    return [solicitation_out(s) for s in selectors.solicitation_list(
        actor=getattr(request, "actor", None), state=state, q=q)[:500]]


@router.post("/solicitations", response={201: dict}, auth=API_AUTH)
@api_roles(STAFF)
def solicitation_create(request, payload: SolicitationIn):
    s = solicitation_services.solicitation_create(
        content=_content(payload), questions_deadline=payload.questions_deadline,
        bid_deadline=payload.bid_deadline, standstill_days=payload.standstill_days,
        actor=request.actor)
    return Status(201, solicitation_out(s, detail=True))


@router.get(P, auth=OPTIONAL_AUTH)
@api_public
def solicitation_detail(request, solicitation_id: int):
    return solicitation_out(_solicitation(request, solicitation_id), detail=True)


@router.post(P + "/publish", auth=API_AUTH)
@api_roles(STAFF)
def solicitation_publish(request, solicitation_id: int):
    s = solicitation_services.solicitation_publish(
        solicitation=_solicitation(request, solicitation_id), actor=request.actor)
    return solicitation_out(s, detail=True)


@router.post(P + "/cancel", auth=API_AUTH)
@api_roles(STAFF)
def solicitation_cancel(request, solicitation_id: int, payload: ReasonIn):
    s = solicitation_services.solicitation_cancel(
        solicitation=_solicitation(request, solicitation_id), reason=payload.reason, actor=request.actor)
    return solicitation_out(s, detail=True)


@router.post(P + "/start-evaluation", auth=API_AUTH)
@api_roles(STAFF)
def solicitation_start_evaluation(request, solicitation_id: int):
    s = solicitation_services.solicitation_start_evaluation(
        solicitation=_solicitation(request, solicitation_id), actor=request.actor)
    return solicitation_out(s, detail=True)


@router.get(P + "/questions", auth=OPTIONAL_AUTH)
@api_public
def question_list(request, solicitation_id: int):
    """Answered questions for everyone (without the asker); staff see all; a vendor also its own."""
    s = _solicitation(request, solicitation_id)
    actor = getattr(request, "actor", None)
    if actor is not None and actor.role == STAFF:
        qs = s.questions.all()
    elif actor is not None and actor.role == VENDOR:
        vendor = vendor_of_organisation(actor.organisation)
        qs = s.questions.filter(pk__in=list(selectors.public_questions(s).values_list("pk", flat=True))
                                + list(s.questions.filter(vendor=vendor).values_list("pk", flat=True)))
    else:
        qs = selectors.public_questions(s)
    return [{"id": q.pk, "text": q.text, "asked_at": q.asked_at, "answer": q.answer,
             "answered_at": q.answered_at} for q in qs]


@router.post(P + "/questions", response={201: dict}, auth=API_AUTH)
@api_roles(VENDOR)
def question_create(request, solicitation_id: int, payload: TextIn):
    q = question_services.question_ask(solicitation=_solicitation(request, solicitation_id),
                                       text=payload.text, actor=request.actor)
    return Status(201, {"id": q.pk, "text": q.text, "asked_at": q.asked_at})


@router.post(P + "/questions/{question_id}/answer", auth=API_AUTH)
@api_roles(STAFF)
def question_answer(request, solicitation_id: int, question_id: int, payload: AnswerIn):
    s = _solicitation(request, solicitation_id)
    question = Question.objects.filter(pk=question_id, solicitation=s).first()
    if question is None:
        raise Http404("No such question.")
    q = question_services.question_answer(question=question, answer=payload.answer, actor=request.actor)
    return {"id": q.pk, "text": q.text, "answer": q.answer, "answered_at": q.answered_at}


@router.get(P + "/addenda", auth=OPTIONAL_AUTH)
@api_public
def addendum_list(request, solicitation_id: int):
    return [addendum_out(a) for a in _solicitation(request, solicitation_id).addenda.all()]


@router.post(P + "/addenda", response={201: dict}, auth=API_AUTH)
@api_roles(STAFF)
def addendum_create(request, solicitation_id: int, payload: AddendumIn):
    changes = {k: v for k, v in payload.dict().items()
               if k in solicitation_services.CHANGEABLE_BY_ADDENDUM and v is not None}
    document = (upload_from_base64(payload.document.content_base64, filename=payload.document.filename,
                                   field="document") if payload.document else None)
    a = solicitation_services.addendum_publish(
        solicitation=_solicitation(request, solicitation_id), summary=payload.summary,
        changes=changes, lines=[line.dict() for line in payload.lines] if payload.lines else None,
        document=document, document_title=payload.document.title if payload.document else "",
        actor=request.actor)
    return Status(201, addendum_out(a))


@router.post(P + "/documents", response={201: dict}, auth=API_AUTH)
@api_roles(STAFF)
def document_create(request, solicitation_id: int, payload: DocumentIn):
    """Attach a document (PDF, base64 in JSON) to a draft; after publishing, send it with an addendum."""
    s = _solicitation(request, solicitation_id)
    d = solicitation_services.document_add(
        solicitation=s, title=payload.title,
        file=upload_from_base64(payload.content_base64, filename=payload.filename, field="content_base64"),
        actor=request.actor)
    return Status(201, {"id": d.pk, "title": d.title, "url": f"/solicitations/{s.pk}/documents/{d.pk}/"})


def _vendor(request):
    vendor = vendor_of_organisation(request.actor.organisation)
    if vendor is None:
        raise PermissionDenied("Your organisation is not a vendor.")
    return vendor


@router.put(P + "/bid", auth=API_AUTH)
@api_roles(VENDOR)
def bid_put(request, solicitation_id: int, payload: BidIn):
    """Submit or replace your sealed bid. Returns your receipt (keep it). Documents (PDF, sealed
    like the prices) replace the previous set; send none to keep it."""
    solicitation = _solicitation(request, solicitation_id)
    if len(payload.documents) > settings.MAX_DOCUMENTS_PER_REQUEST:
        raise ValidationError({"documents": f"Send at most {settings.MAX_DOCUMENTS_PER_REQUEST} "
                                            f"documents with a bid."})
    documents = [(d.title, upload_from_base64(d.content_base64, filename=d.filename,
                                              field=f"documents[{i}]"))
                 for i, d in enumerate(payload.documents, start=1)]
    _, receipt = bid_services.bid_submit(solicitation=solicitation,
                                         data=payload.dict(exclude={"documents"}),
                                         documents=documents, actor=request.actor)
    return receipt.as_dict()


def _bid_documents_out(s: Solicitation, bid_id: int, documents) -> list[dict]:
    return [{"id": d.pk, "title": d.title, "size": d.size, "sha256": d.sha256, "revision": d.revision,
             "url": f"/solicitations/{s.pk}/bids/{bid_id}/documents/{d.pk}/"} for d in documents]


@router.get(P + "/bid", auth=API_AUTH)
@api_roles(VENDOR)
def bid_get(request, solicitation_id: int):
    """Your own bid (any time) and its receipts."""
    s = _solicitation(request, solicitation_id)
    vendor = _vendor(request)
    mine = selectors.own_bid(solicitation=s, vendor=vendor)
    if mine is None:
        raise Http404("You have not bid on this solicitation.")
    bid, content = mine
    return {"state": bid.state, "revision": bid.revision, "submitted_at": bid.submitted_at,
            "sha256": bid.digest, "confirmed": bid.addenda_confirmed >= s.addenda.count(),
            "bid": content,
            "documents": _bid_documents_out(s, bid.pk, selectors.current_bid_documents(bid)),
            "receipts": [{"id": r.pk, "action": r.action, "revision": r.revision,
                          "received_at": r.received_at, "sha256": r.digest}
                         for r in selectors.own_receipts(solicitation=s, vendor=vendor)]}


@router.delete(P + "/bid", auth=API_AUTH)
@api_roles(VENDOR)
def bid_delete(request, solicitation_id: int):
    """Withdraw your bid (until the deadline)."""
    _, receipt = bid_services.bid_withdraw(solicitation=_solicitation(request, solicitation_id),
                                           actor=request.actor)
    return receipt.as_dict()


@router.post(P + "/bid/confirm", auth=API_AUTH)
@api_roles(VENDOR)
def bid_confirm(request, solicitation_id: int):
    """Re-confirm your bid unchanged after an addendum."""
    _, receipt = bid_services.bid_confirm(solicitation=_solicitation(request, solicitation_id),
                                          actor=request.actor)
    return receipt.as_dict()


@router.get(P + "/bids", auth=OPTIONAL_AUTH)
@api_public
def bids_opened(request, solicitation_id: int):
    """Every bid, whole (notes, documents), after the deadline: to staff and to evaluators who
    declared no conflict, only. Before the deadline: 403 for everybody. The public record after
    the award notice is the tabulation (`/tabulation`), not the bids."""
    s = _solicitation(request, solicitation_id)
    bids = selectors.opened_bids(solicitation=s, actor=getattr(request, "actor", None))
    return [{"bid_id": b.bid_id, "vendor": b.vendor_name, "vendor_id": b.vendor_id,
             "submitted_at": b.submitted_at, "revision": b.revision, "sha256": b.digest,
             "confirmed": b.addenda_confirmed >= s.addenda.count(), "content": b.content,
             "documents": _bid_documents_out(s, b.bid_id, b.documents)}
            for b in bids]


@router.get(P + "/tabulation", auth=OPTIONAL_AUTH)
@api_public
def tabulation(request, solicitation_id: int):
    """The bid tabulation: every bid, line by line, with evaluated prices and scores. To staff and
    declared evaluators after the deadline; public record after the award notice."""
    s = _solicitation(request, solicitation_id)
    evaluations = selectors.tabulation(solicitation=s, actor=getattr(request, "actor", None))
    rule = price_rule(evaluations)
    return {"solicitation": s.number, "rows": tabulation_rows(evaluations),
            "price_rule": {"rule": rule, "text": PRICE_RULES.get(rule, "")},
            "bids": [{"bid_id": ev.bid.bid_id, "vendor": ev.bid.vendor_name,
                      "responsive": ev.responsive, "reasons": ev.reasons,
                      "evaluated_total": str(ev.evaluated_total), "price_score": str(ev.price_score),
                      "criterion_scores": {k: (None if v is None else str(v))
                                           for k, v in ev.criterion_scores.items()},
                      "total_score": None if ev.total_score is None else str(ev.total_score)}
                     for ev in evaluations]}


@router.post(P + "/committee", response={201: dict}, auth=API_AUTH)
@api_roles(STAFF)
def committee_seat(request, solicitation_id: int, payload: SeatIn):
    assignment = RoleAssignment.objects.filter(pk=payload.assignment_id).select_related(
        "user", "organisation").first()
    if assignment is None:
        raise ValidationError({"assignment_id": "No such role assignment."})
    seat = evaluation_services.evaluator_seat(solicitation=_solicitation(request, solicitation_id),
                                              assignment=assignment, actor=request.actor)
    return Status(201, {"seat_id": seat.pk, "evaluator": assignment.user.email,
                        "declaration": seat.declaration})


def _declaration_out(s: Solicitation, request) -> dict:
    seat = selectors.evaluator_seat_for(request.actor, s)
    if seat is None:
        raise PermissionDenied("You are not seated on this solicitation's committee.")
    refusal = (selectors.declaration_refusal(s)
               if seat.declaration == seat.Declaration.PENDING else None)
    bidders = ([] if not s.bids_opened() else
               selectors.declaration_bidders(solicitation=s, actor=request.actor))
    return {"declaration": seat.declaration, "declared_at": seat.declared_at,
            "may_sign": seat.declaration == seat.Declaration.PENDING and refusal is None,
            "message": refusal or "", "opens_at": s.bid_deadline,
            "bidders": [{"vendor_id": b.vendor_id, "name": b.name} for b in bidders],
            "declared": [{"vendor_id": d.vendor_id, "name": d.vendor_name,
                          "has_relationship": d.has_relationship, "details": d.details}
                         for d in selectors.declared_bidders(seat)]}


@router.get(P + "/declaration", auth=API_AUTH)
@api_roles(EVALUATOR)
def declaration_get(request, solicitation_id: int):
    """Your conflict-of-interest declaration as a seated evaluator: whether you may sign it now
    and, once bids have opened (who bid is confidential until the deadline), the bidders to
    declare against (company names only)."""
    return _declaration_out(_solicitation(request, solicitation_id), request)


@router.post(P + "/declaration", auth=API_AUTH)
@api_roles(EVALUATOR)
def declaration(request, solicitation_id: int, payload: DeclarationIn):
    """Sign your declaration (after the bid deadline): `relationships` names every bidder you,
    or anyone close to you, have a financial or personal relationship with, with the details;
    `[]` declares none. A relationship with any bidder removes you from the committee."""
    s = _solicitation(request, solicitation_id)
    evaluation_services.declaration_sign(
        solicitation=s, relationships=[r.dict() for r in payload.relationships], actor=request.actor)
    return _declaration_out(s, request)


def _bid_and_criterion(s, payload: ScoreIn):
    bid = Bid.objects.filter(pk=payload.bid_id, solicitation=s).first()
    criterion = Criterion.objects.filter(pk=payload.criterion_id, solicitation=s).first()
    if bid is None or criterion is None:
        raise ValidationError({"bid_id": "No such bid or criterion on this solicitation."})
    return bid, criterion


@router.post(P + "/scores", auth=API_AUTH)
@api_roles(EVALUATOR)
def score(request, solicitation_id: int, payload: ScoreIn):
    s = _solicitation(request, solicitation_id)
    bid, criterion = _bid_and_criterion(s, payload)
    sc = evaluation_services.score_record(solicitation=s, bid=bid, criterion=criterion,
                                          points=payload.points, comment=payload.comment,
                                          actor=request.actor)
    return {"bid_id": bid.pk, "criterion": criterion.name, "points": str(sc.points)}


@router.post(P + "/consensus", auth=API_AUTH)
@api_roles(STAFF)
def consensus(request, solicitation_id: int, payload: ScoreIn):
    s = _solicitation(request, solicitation_id)
    bid, criterion = _bid_and_criterion(s, payload)
    c = evaluation_services.consensus_record(solicitation=s, bid=bid, criterion=criterion,
                                             points=payload.points, comment=payload.comment,
                                             actor=request.actor)
    return {"bid_id": bid.pk, "criterion": criterion.name, "points": str(c.points)}


def plan_out(plan) -> dict:
    record = plan.record
    return {"method": plan.method, "ready": plan.ready, "problems": plan.problems,
            "stale": plan.stale or None, "stored": record is not None,
            "computed_at": None if record is None else record.computed_at,
            "computed_by": None if record is None or record.computed_by is None else record.computed_by.email,
            "inputs_digest": plan.inputs_digest, "plan_digest": plan.digest,
            "winners": [w.as_dict() for w in plan.winners], "engine_result": plan.engine_result}


@router.get(P + "/award-plan", response={200: dict, 409: dict}, auth=API_AUTH)
@api_roles(STAFF)
def award_plan(request, solicitation_id: int):
    """The award plan staff review before confirming. Multi-award: the plan the rules give now.
    Bulk buy: the stored plan (POST computes it); 404 if none was computed, 409 (with the plan)
    if bids, scores or constraints changed since it was computed. Pass its `plan_digest` to the
    award notice to be sure the notice awards this plan."""
    plan = award_plans.award_plan(solicitation=_solicitation(request, solicitation_id),
                                  actor=request.actor)
    if plan is None:
        raise Http404("No award plan has been computed yet: POST to this address to compute it.")
    if plan.stale:
        return Status(409, {"detail": plan.stale, "plan": plan_out(plan)})
    return plan_out(plan)


@router.post(P + "/award-plan", response={201: dict}, auth=API_AUTH)
@api_roles(STAFF)
def award_plan_compute(request, solicitation_id: int):
    """Compute the award plan once and store it (a bulk buy runs the award engine)."""
    record = award_services.award_plan_compute(solicitation=_solicitation(request, solicitation_id),
                                               actor=request.actor)
    return Status(201, plan_out(award_plans.record_plan(record)))


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


@router.post(P + "/award-notice", response={201: dict}, auth=API_AUTH)
@api_roles(STAFF)
def award_notice(request, solicitation_id: int, payload: AwardIn):
    s = _solicitation(request, solicitation_id)
    award_services.award_issue_notice(solicitation=s, rationale=payload.rationale,
                                      plan_digest=payload.plan_digest, actor=request.actor)
    s.refresh_from_db()
    return Status(201, award_out(s))


@router.get(P + "/award", auth=OPTIONAL_AUTH)
@api_public
def award(request, solicitation_id: int):
    """The current award (public once its notice is published)."""
    return award_out(_solicitation(request, solicitation_id))


@router.post(P + "/protests", response={201: dict}, auth=API_AUTH)
@api_roles(VENDOR)
def protest_create(request, solicitation_id: int, payload: ProtestIn):
    """File a protest during the standstill, with an optional supporting PDF."""
    s = _solicitation(request, solicitation_id)
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


@router.get(P + "/protests", auth=API_AUTH)
@api_roles(STAFF, VENDOR)
def protests(request, solicitation_id: int):
    """Protests of the solicitation's awards: staff see all, a vendor its own."""
    s = _solicitation(request, solicitation_id)
    return [protest_out(s, p) for p in selectors.protests_for(solicitation=s, actor=request.actor)]


@router.post(P + "/protests/{protest_id}/decision", auth=API_AUTH)
@api_roles(STAFF)
def protest_decision(request, solicitation_id: int, protest_id: int, payload: DecisionIn):
    s = _solicitation(request, solicitation_id)
    protest = Protest.objects.filter(pk=protest_id, award__solicitation=s).first()
    if protest is None:
        raise Http404("No such protest.")
    p = award_services.protest_decide(protest=protest, upheld=payload.upheld,
                                      reasons=payload.reasons, actor=request.actor)
    return {"id": p.pk, "state": p.state, "reasons": p.decision_reasons}
