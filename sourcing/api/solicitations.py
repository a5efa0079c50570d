"""Solicitations, questions, addenda and their documents."""

from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import Status

from accounts.acting import STAFF, VENDOR
from accounts.access import api_public, api_roles
from accounts.api_auth import API_AUTH, OPTIONAL_AUTH
from catalog.models import Category
from core.api_types import Filter, Id
from core.documents import upload_from_base64
from sourcing import selectors
from sourcing.api.common import P, router, solicitation_or_404
from sourcing.api.responses import (AddendumOut, QuestionAnsweredOut, QuestionAskedOut, QuestionOut,
                                    SolicitationDocumentOut, SolicitationOut, SolicitationSummaryOut)
from sourcing.api.schemas import (AddendumIn, AnswerIn, CancelIn, SolicitationDocumentIn, SolicitationIn,
                                  TextIn)
from sourcing.lifecycle import effective_state
from sourcing.models import Question, Solicitation
from sourcing.services import questions as question_services
from sourcing.services import solicitations as solicitation_services
from vendors.selectors import vendor_of_organisation


def solicitation_out(s: Solicitation, *, detail: bool = False) -> dict:
    data = {"id": s.pk, "number": s.number, "kind": s.kind, "title": s.title,
            "category": s.category.code, "state": effective_state(s),
            "questions_deadline": s.questions_deadline, "bid_deadline": s.bid_deadline,
            # null while hidden: until the bids open at the deadline, unless the consortium
            # publishes the count (a consortium setting, off by default)
            "bids_received": selectors.bid_count_shown(s),
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
            # The deadline before and after this addendum; `deadline_extended`: moved to give
            # bidders the consortium's minimum notice (`notice_hours`) after the addendum.
            "bid_deadline_before": a.bid_deadline_before, "bid_deadline_after": a.bid_deadline_after,
            "deadline_extended": a.deadline_extended, "notice_hours": a.notice_hours,
            "deadline_note": a.deadline_note(),
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


@router.get("/solicitations", response=list[SolicitationSummaryOut], auth=OPTIONAL_AUTH)
@api_public
def solicitation_list(request, state: Filter = "", q: Filter = ""):
    """Published solicitations (staff also see drafts). Filter by state: published, closed,
    under_evaluation, award_notice, awarded, cancelled (draft for staff)."""
    return [solicitation_out(s) for s in selectors.solicitation_list(
        actor=getattr(request, "actor", None), state=state, q=q)[:500]]


@router.post("/solicitations", response={201: SolicitationOut}, auth=API_AUTH)
@api_roles(STAFF)
def solicitation_create(request, payload: SolicitationIn):
    s = solicitation_services.solicitation_create(
        content=_content(payload), questions_deadline=payload.questions_deadline,
        bid_deadline=payload.bid_deadline, standstill_days=payload.standstill_days,
        actor=request.actor)
    return Status(201, solicitation_out(s, detail=True))


@router.get(P, response=SolicitationOut, auth=OPTIONAL_AUTH)
@api_public
def solicitation_detail(request, solicitation_id: Id):
    return solicitation_out(solicitation_or_404(request, solicitation_id), detail=True)


@router.post(P + "/publish", response=SolicitationOut, auth=API_AUTH)
@api_roles(STAFF)
def solicitation_publish(request, solicitation_id: Id):
    s = solicitation_services.solicitation_publish(
        solicitation=solicitation_or_404(request, solicitation_id), actor=request.actor)
    return solicitation_out(s, detail=True)


@router.post(P + "/cancel", response=SolicitationOut, auth=API_AUTH)
@api_roles(STAFF)
def solicitation_cancel(request, solicitation_id: Id, payload: CancelIn):
    s = solicitation_services.solicitation_cancel(
        solicitation=solicitation_or_404(request, solicitation_id), reason=payload.reason, actor=request.actor)
    return solicitation_out(s, detail=True)


@router.post(P + "/start-evaluation", response=SolicitationOut, auth=API_AUTH)
@api_roles(STAFF)
def solicitation_start_evaluation(request, solicitation_id: Id):
    s = solicitation_services.solicitation_start_evaluation(
        solicitation=solicitation_or_404(request, solicitation_id), actor=request.actor)
    return solicitation_out(s, detail=True)


@router.get(P + "/questions", response=list[QuestionOut], auth=OPTIONAL_AUTH)
@api_public
def question_list(request, solicitation_id: Id):
    """Answered questions for everyone (without the asker); staff see all; a vendor also its own."""
    s = solicitation_or_404(request, solicitation_id)
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


@router.post(P + "/questions", response={201: QuestionAskedOut}, auth=API_AUTH)
@api_roles(VENDOR)
def question_create(request, solicitation_id: Id, payload: TextIn):
    q = question_services.question_ask(solicitation=solicitation_or_404(request, solicitation_id),
                                       text=payload.text, actor=request.actor)
    return Status(201, {"id": q.pk, "text": q.text, "asked_at": q.asked_at})


@router.post(P + "/questions/{question_id}/answer", response=QuestionAnsweredOut, auth=API_AUTH)
@api_roles(STAFF)
def question_answer(request, solicitation_id: Id, question_id: Id, payload: AnswerIn):
    s = solicitation_or_404(request, solicitation_id)
    question = Question.objects.filter(pk=question_id, solicitation=s).first()
    if question is None:
        raise Http404("No such question.")
    q = question_services.question_answer(question=question, answer=payload.answer, actor=request.actor)
    return {"id": q.pk, "text": q.text, "answer": q.answer, "answered_at": q.answered_at}


@router.get(P + "/addenda", response=list[AddendumOut], auth=OPTIONAL_AUTH)
@api_public
def addendum_list(request, solicitation_id: Id):
    return [addendum_out(a) for a in solicitation_or_404(request, solicitation_id).addenda.all()]


@router.post(P + "/addenda", response={201: AddendumOut}, auth=API_AUTH)
@api_roles(STAFF)
def addendum_create(request, solicitation_id: Id, payload: AddendumIn):
    changes = {k: v for k, v in payload.dict().items()
               if k in solicitation_services.CHANGEABLE_BY_ADDENDUM and v is not None}
    document = (upload_from_base64(payload.document.content_base64, filename=payload.document.filename,
                                   field="document") if payload.document else None)
    a = solicitation_services.addendum_publish(
        solicitation=solicitation_or_404(request, solicitation_id), summary=payload.summary,
        changes=changes, lines=[line.dict() for line in payload.lines] if payload.lines else None,
        document=document, document_title=payload.document.title if payload.document else "",
        actor=request.actor)
    return Status(201, addendum_out(a))


@router.post(P + "/documents", response={201: SolicitationDocumentOut}, auth=API_AUTH)
@api_roles(STAFF)
def document_create(request, solicitation_id: Id, payload: SolicitationDocumentIn):
    """Attach a document (PDF, base64 in JSON) to a draft; after publishing, send it with an addendum."""
    s = solicitation_or_404(request, solicitation_id)
    d = solicitation_services.document_add(
        solicitation=s, title=payload.title,
        file=upload_from_base64(payload.content_base64, filename=payload.filename, field="content_base64"),
        actor=request.actor)
    return Status(201, {"id": d.pk, "title": d.title, "url": f"/solicitations/{s.pk}/documents/{d.pk}/"})
