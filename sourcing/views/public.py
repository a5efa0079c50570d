"""Pages anyone may open: solicitations, their documents, Q&A, addenda; tabulations when allowed."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render

from accounts.access import public
from accounts.acting import EVALUATOR, STAFF, VENDOR, acts_as
from core import clock
from sourcing import charts, exports, selectors
from sourcing.lifecycle import effective_state
from sourcing.services.evaluation import seat_of
from sourcing.states import SolicitationState as S
from sourcing.views.common import get_solicitation
from vendors.selectors import vendor_of_organisation

LIST_FILTERS = [("", "All"), (S.PUBLISHED, "Open for bids"), (S.CLOSED, "Closed"),
                (S.UNDER_EVALUATION, "Under evaluation"), (S.AWARD_NOTICE, "Award notice"),
                (S.CANCELLED, "Cancelled")]


@public
def solicitation_list(request):
    actor = request.actor
    state = request.GET.get("state", "")
    q = request.GET.get("q", "").strip()
    filters = LIST_FILTERS + ([(S.DRAFT, "Drafts")] if acts_as(actor, STAFF) else [])
    if state not in {f for f, _ in filters}:
        state = ""
    page = Paginator(selectors.solicitation_list(actor=actor, state=state, q=q), 25).get_page(
        request.GET.get("page"))
    rows = [(s, effective_state(s), selectors.bid_count_shown(s)) for s in page.object_list]
    return render(request, "sourcing/list.html", {"page": page, "rows": rows, "state": state, "q": q,
                                                  "filters": filters})


@public
def solicitation_detail(request, solicitation_id: int):
    solicitation = get_solicitation(request, solicitation_id)
    actor = request.actor
    state = effective_state(solicitation)
    context = {
        "s": solicitation, "state": state, "States": S,
        "bid_count": selectors.bid_count_shown(solicitation),
        "questions": selectors.public_questions(solicitation),
        "award": selectors.award_view(solicitation),
        "tabulation_refusal": selectors.tabulation_refusal(solicitation, actor),
    }
    context["timeline"] = charts.timeline(solicitation, context["award"] and context["award"].award,
                                          today=clock.today())
    if acts_as(actor, VENDOR):
        vendor = vendor_of_organisation(actor.organisation)
        context["my_bid"] = selectors.own_bid_record(solicitation=solicitation, vendor=vendor)
        context["my_questions"] = solicitation.questions.filter(vendor=vendor)
        context["following"] = solicitation.follows.filter(vendor=vendor).exists()
        context["addenda_count"] = solicitation.addenda.count()
    if acts_as(actor, EVALUATOR):
        context["seat"] = seat_of(actor, solicitation)
    return render(request, "sourcing/detail.html", context)


@public
def document_download(request, solicitation_id: int, document_id: int):
    solicitation = get_solicitation(request, solicitation_id)
    document = solicitation.documents.filter(pk=document_id).first()
    if document is None:
        raise Http404
    return FileResponse(document.file.open("rb"), content_type="application/pdf", as_attachment=True,
                        filename=f"{solicitation.number}-{document.pk}.pdf")


def _evaluations_or_403(request, solicitation, purpose: str = "tabulation page", export_format: str = ""):
    """The tabulation: public record after the award notice (PermissionDenied until then)."""
    return selectors.tabulation(solicitation=solicitation, actor=request.actor, purpose=purpose,
                                export_format=export_format)


@public
def tabulation(request, solicitation_id: int):
    solicitation = get_solicitation(request, solicitation_id)
    evaluations = _evaluations_or_403(request, solicitation)
    return render(request, "sourcing/tabulation.html", {
        "s": solicitation, "evaluations": evaluations, "state": effective_state(solicitation),
        "criteria": [c for c in solicitation.criteria.all() if not c.is_price],
        # Bid documents (and their titles) stay with staff and the committee after the notice.
        "show_documents": selectors.bid_reading_refusal(solicitation, request.actor) is None,
        "prices_chart": charts.evaluated_prices(evaluations, lines=solicitation.lines.count())})


@public
def tabulation_csv(request, solicitation_id: int):
    solicitation = get_solicitation(request, solicitation_id)
    evaluations = _evaluations_or_403(request, solicitation, "tabulation export", "CSV")
    response = HttpResponse(exports.tabulation_csv(evaluations), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{solicitation.number}-tabulation.csv"'
    return response


@public
def tabulation_xlsx(request, solicitation_id: int):
    solicitation = get_solicitation(request, solicitation_id)
    evaluations = _evaluations_or_403(request, solicitation, "tabulation export", "Excel")
    response = HttpResponse(
        exports.tabulation_xlsx(solicitation, evaluations),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{solicitation.number}-tabulation.xlsx"'
    return response


@public
def bid_document(request, solicitation_id: int, bid_id: int, document_id: int):
    """A bid's document: its own vendor any time; staff and declared evaluators after the
    deadline (recorded). Never public: the award notice makes the tabulation public record, not
    proposals."""
    from sourcing.models import BidDocument

    solicitation = get_solicitation(request, solicitation_id)
    try:
        document, content = selectors.bid_document_content(
            solicitation=solicitation, bid_id=bid_id, document_id=document_id, actor=request.actor)
    except BidDocument.DoesNotExist:
        raise Http404
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="bid-{bid_id}-{document.pk}.pdf"'
    return response


@public
def protest_document(request, solicitation_id: int, protest_id: int):
    """A protest's supporting document: staff and the protesting vendor."""
    from sourcing.models import Protest

    solicitation = get_solicitation(request, solicitation_id)
    protest = (Protest.objects.select_related("vendor__organisation")
               .filter(pk=protest_id, award__solicitation=solicitation).first())
    if protest is None or not protest.document:
        raise Http404
    refusal = selectors.protest_document_refusal(protest, request.actor)
    if refusal:
        raise PermissionDenied(refusal)
    return FileResponse(protest.document.open("rb"), content_type="application/pdf", as_attachment=True,
                        filename=f"{solicitation.number}-protest-{protest.pk}.pdf")
