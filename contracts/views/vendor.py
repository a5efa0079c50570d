"""Vendors: their agreements, quote requests to answer, participations to countersign."""

from __future__ import annotations

from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access import roles
from accounts.acting import BUYER, VENDOR
from contracts.forms import QuoteAnswerForm
from contracts.models import MasterAgreement, ParticipationAgreement, QuoteRequest
from contracts.selectors.participation import participation_for_actor, quote_for_actor
from contracts.services import participation as services
from accounts.selectors import users_of_organisation
from core.confirm import Confirmation
from core.formatting import money
from core.views import confirm_then_run, run_service
from vendors.selectors import vendor_for_actor


@roles(VENDOR)
def vendor_contracts(request):
    vendor = vendor_for_actor(request.actor)
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
    quote = quote_for_actor(quote_id=quote_id, actor=request.actor)
    form = QuoteAnswerForm(request.POST)
    return run_service(request, lambda: services.quote_answer(quote=quote, actor=request.actor, **form.cleaned_data),
                       success="Quote sent to the district.", redirect_to="contracts:vendor",
                       form=form, invalid="Give the quoted total and the implementation plan.")


def _countersign_confirmation(participation: ParticipationAgreement) -> Confirmation:
    p = participation
    buyers = sum(1 for a in users_of_organisation(p.district.organisation) if a.role == BUYER)
    return Confirmation(
        title=f"Countersign {p.district.name}'s participation in {p.agreement.number}",
        button="Countersign", back=reverse("contracts:vendor"), danger=False,
        effects=[f"You sign {p.district.name}'s participation agreement on {p.agreement.number}'s terms: "
                 f"from now on the district may order under it at the consortium's pooled prices."],
        amounts=[("The district's estimated spend a year", money(p.estimated_value))],
        notices=[f"The district's buyers ({buyers}), by email"])


@roles(VENDOR)
@require_http_methods(["GET", "POST"])
def countersign(request, participation_id: int):
    participation = participation_for_actor(participation_id=participation_id, actor=request.actor)
    return confirm_then_run(
        request, lambda: _countersign_confirmation(participation),
        lambda: services.participation_countersign(participation=participation, actor=request.actor),
        success=f"Countersigned: {participation.district.name} may now order.", redirect_to="contracts:vendor")
