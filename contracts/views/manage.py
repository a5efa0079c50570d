"""Staff and the agreement's vendor: create agreements from a final award, build the schedule,
sign, renew, terminate, add documents, propose and decide amendments."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.access import roles
from accounts.acting import STAFF, VENDOR
from catalog.models import Product
from contracts.forms import ActivateForm, DocumentForm, MapForm, ReasonForm
from contracts.models import Amendment
from contracts.selectors.agreements import awarded_lines, current_schedule, schedule_rows
from contracts.services import agreements as services
from contracts.states import AgreementState
from contracts.views.common import get_agreement
from core.forms_errors import flash_error
from core.limits import parse_id
from core.views import run_service, submit_form
from sourcing.models import Solicitation


def _may_manage(request, agreement) -> bool:
    actor = request.actor
    return actor.role == STAFF or (actor.role == VENDOR and actor.acts_for(agreement.vendor.organisation))


def _manage_url(agreement) -> str:
    return reverse("contracts:manage", kwargs={"agreement_id": agreement.pk})


def _agreement_for_manager(request, agreement_id):
    agreement = get_agreement(request, agreement_id)
    if not _may_manage(request, agreement):
        raise Http404("No such agreement.")
    return agreement


@roles(STAFF)
@require_POST
def create_from_award(request, solicitation_id: int):
    solicitation = get_object_or_404(Solicitation, pk=solicitation_id)
    return run_service(request, lambda: services.agreements_create_from_award(solicitation=solicitation,
                                                                              actor=request.actor),
                       success=lambda created: f"{len(created)} master agreement(s) created, pending signature.",
                       redirect_to="contracts:list",
                       failure_redirect_to=reverse("sourcing:manage", kwargs={"solicitation_id": solicitation.pk}))


@roles(STAFF, VENDOR)
def manage(request, agreement_id: int, forms=None):
    agreement = _agreement_for_manager(request, agreement_id)
    forms = forms or {}
    context = {"a": agreement, "state": agreement.effective_state(), "rows": schedule_rows(agreement),
               "amendments": agreement.amendments.order_by("-number"),
               "reason_form": ReasonForm(), "document_form": forms.get("document") or DocumentForm()}
    if agreement.state == AgreementState.PENDING_SIGNATURE:
        lines = awarded_lines(agreement.solicitation, agreement.award.awarded_bids.get(bid=agreement.bid))
        mapped = {e.product_id for e in current_schedule(agreement).entries.all()}
        products = Product.objects.filter(vendor=agreement.vendor, active=True).exclude(pk__in=mapped)
        context["map_form"] = forms.get("map") or MapForm(lines=lines, products=products)
        context["lines"] = lines
        context["activate_form"] = forms.get("activate") or ActivateForm(initial={
            "start_date": timezone.localdate(), "admin_fee_rate": agreement.admin_fee_rate,
            "term_months": min(36, agreement.max_term_years * 12)})
    return render(request, "contracts/manage.html", context,
                  status=400 if any(f.errors for f in forms.values()) else 200)


@roles(STAFF, VENDOR)
@require_POST
def map_product(request, agreement_id: int):
    agreement = _agreement_for_manager(request, agreement_id)
    try:
        product_id = parse_id(request.POST.get("product"), field="product")
    except ValidationError:
        product_id = None
    product = Product.objects.filter(pk=product_id, vendor=agreement.vendor).first() if product_id else None
    if product is None:
        messages.error(request, "Choose one of the vendor's products.")
        return redirect(_manage_url(agreement))
    return run_service(request, lambda: services.schedule_map_product(
        agreement=agreement, line_reference=request.POST.get("line_reference", ""), product=product,
        actor=request.actor), success=f"{product} is on the schedule.", redirect_to=_manage_url(agreement))


@roles(STAFF, VENDOR)
@require_POST
def unmap_product(request, agreement_id: int, product_id: int):
    agreement = _agreement_for_manager(request, agreement_id)
    product = get_object_or_404(Product, pk=product_id)
    return run_service(request, lambda: services.schedule_unmap_product(agreement=agreement, product=product,
                                                                        actor=request.actor),
                       redirect_to=_manage_url(agreement))


@roles(STAFF)
@require_POST
def activate(request, agreement_id: int):
    agreement = get_agreement(request, agreement_id)
    form = ActivateForm(request.POST)
    done = submit_form(request, form, lambda: services.agreement_activate(agreement=agreement, actor=request.actor,
                                                                          **form.cleaned_data),
                       success=f"{agreement.number} is active: members may join it.",
                       redirect_to=_manage_url(agreement))
    return done or manage(request, agreement_id, {"activate": form})


@roles(STAFF)
@require_POST
def renew(request, agreement_id: int):
    agreement = get_agreement(request, agreement_id)
    return run_service(request, lambda: services.agreement_renew(agreement=agreement, actor=request.actor),
                       success=lambda renewed: f"Renewed until {renewed.end_date:%Y-%m-%d}.",
                       redirect_to=_manage_url(agreement))


@roles(STAFF)
@require_POST
def terminate(request, agreement_id: int):
    agreement = get_agreement(request, agreement_id)
    form = ReasonForm(request.POST)
    return run_service(request, lambda: services.agreement_terminate(
        agreement=agreement, reason=form.cleaned_data["reason"], actor=request.actor),
        success=f"{agreement.number} is terminated.", redirect_to=_manage_url(agreement),
        form=form, invalid="Give the reason for terminating.")


@roles(STAFF)
@require_POST
def document_add(request, agreement_id: int):
    agreement = get_agreement(request, agreement_id)
    form = DocumentForm(request.POST, request.FILES)
    done = submit_form(request, form, lambda: services.agreement_document_add(
        agreement=agreement, title=form.cleaned_data["title"], file=form.cleaned_data["file"], actor=request.actor),
        success="Document added.", redirect_to=_manage_url(agreement))
    return done or manage(request, agreement_id, {"document": form})


@roles(STAFF, VENDOR)
@require_POST
def amendment_propose(request, agreement_id: int):
    """A price change: new tiers for one product on the schedule (as JSON rows in the form)."""
    agreement = _agreement_for_manager(request, agreement_id)
    try:
        tiers = json.loads(request.POST.get("tiers", "[]"))
        product_id = parse_id(request.POST.get("product"), field="product")
    except ValidationError as exc:
        flash_error(request, exc)
        return redirect(_manage_url(agreement))
    except json.JSONDecodeError:
        messages.error(request, 'Tiers must look like [{"min_quantity": 1, "unit_price": "10.00"}].')
        return redirect(_manage_url(agreement))
    return run_service(request, lambda: services.amendment_propose(
        agreement=agreement, kind=request.POST.get("kind", "price_change"),
        summary=request.POST.get("summary", ""), actor=request.actor,
        set_entries=[{"product": product_id, "line_reference": request.POST.get("line_reference", ""),
                      "tiers": tiers}]),
        success="Amendment proposed; staff will decide it. Prices change only when approved.",
        redirect_to=_manage_url(agreement))


@roles(STAFF)
@require_POST
def amendment_decide(request, agreement_id: int, amendment_id: int):
    agreement = get_agreement(request, agreement_id)
    amendment = get_object_or_404(Amendment, pk=amendment_id, agreement=agreement)
    return run_service(request, lambda: services.amendment_decide(
        amendment=amendment, approve=request.POST.get("decision") == "approve",
        reason=request.POST.get("reason", ""), actor=request.actor),
        success="Amendment decided.", redirect_to=_manage_url(agreement))
