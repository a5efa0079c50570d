"""Public agreement pages: vendor, term, documents, products and price tiers."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import render

from accounts.access import public
from contracts.charts import with_tier_progress
from contracts.selectors.agreements import agreement_list, needs_successor, schedule_rows
from contracts.states import AgreementState
from contracts.views.common import get_agreement


@public
def agreement_list_page(request):
    state = request.GET.get("state", "")
    if state not in ("", *AgreementState.values):
        state = ""
    q = request.GET.get("q", "").strip()
    page = Paginator(agreement_list(actor=request.actor, state=state, q=q), 50).get_page(request.GET.get("page"))
    return render(request, "contracts/list.html", {"page": page, "state": state, "q": q,
                                                   "states": AgreementState.choices})


@public
def agreement_detail(request, agreement_id: int):
    agreement = get_agreement(request, agreement_id)
    return render(request, "contracts/detail.html", {
        "a": agreement, "state": agreement.effective_state(), "rows": with_tier_progress(schedule_rows(agreement)),
        "needs_successor": needs_successor(agreement),
        "amendments": agreement.amendments.order_by("-number"),
    })


@public
def agreement_document(request, agreement_id: int, document_id: int):
    agreement = get_agreement(request, agreement_id)
    document = agreement.documents.filter(pk=document_id).first()
    if document is None:
        raise Http404
    return FileResponse(document.file.open("rb"), content_type="application/pdf", as_attachment=True,
                        filename=f"{agreement.number}-{document.pk}.pdf")
