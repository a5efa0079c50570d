"""Vendors: their agreements, quote requests to answer, participations to countersign."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_POST

from accounts.access import roles
from accounts.models import Role
from contracts.forms import QuoteAnswerForm
from contracts.models import MasterAgreement, ParticipationAgreement, QuoteRequest
from contracts.services import participation as services
from core.views import run_service
from vendors.selectors import vendor_of_organisation

VENDOR = Role.VENDOR_USER


def _vendor(request):
    vendor = vendor_of_organisation(request.actor.organisation)
    if vendor is None:
        raise Http404("Your organisation is not a vendor.")
    return vendor


@roles(VENDOR)
def vendor_contracts(request):
    vendor = _vendor(request)
    return render(request, "contracts/vendor.html", {
        "agreements": MasterAgreement.objects.filter(vendor=vendor).order_by("number"),
        "quotes": QuoteRequest.objects.filter(agreement__vendor=vendor).select_related(
            "competition__district__organisation", "agreement").order_by("-requested_at"),
        "participations": ParticipationAgreement.objects.filter(agreement__vendor=vendor).select_related(
            "district__organisation", "agreement").order_by("-prepared_at"),
        "form": QuoteAnswerForm()})


@roles(VENDOR)
@require_POST
def quote_answer(request, quote_id: int):
    vendor = _vendor(request)
    quote = get_object_or_404(QuoteRequest, pk=quote_id, agreement__vendor=vendor)
    form = QuoteAnswerForm(request.POST)
    return run_service(request, lambda: services.quote_answer(quote=quote, actor=request.actor, **form.cleaned_data),
                       success="Quote sent to the district.", redirect_to="contracts:vendor",
                       form=form, invalid="Give the quoted total and the implementation plan.")


@roles(VENDOR)
@require_POST
def countersign(request, participation_id: int):
    vendor = _vendor(request)
    participation = get_object_or_404(ParticipationAgreement, pk=participation_id, agreement__vendor=vendor)
    return run_service(request, lambda: services.participation_countersign(participation=participation,
                                                                           actor=request.actor),
                       success=f"Countersigned: {participation.district.name} may now order.",
                       redirect_to="contracts:vendor")
