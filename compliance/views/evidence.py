"""Vendors manage their evidence; districts see and adopt general offers; documents."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.access import roles
from compliance.forms import AttestationForm, DpaForm, ReportForm
from compliance.models import DataPrivacyAgreement
from compliance.selectors import evidence as ev
from compliance.services.evidence import (accessibility_report_add, attestation_add, dpa_create,
                                          dpa_joinder_adopt)
from compliance.views.common import DISTRICT_ROLES, EVERYONE, JOINERS, STAFF, VENDOR, own_district, own_vendor
from edpool.forms_errors import form_errors_from


def _evidence_page(request, vendor, forms: dict | None = None):
    forms = forms or {}
    status = 400 if any(f.errors for f in forms.values()) else 200
    return render(request, "compliance/vendor_evidence.html", {
        "vendor": vendor, "today": timezone.localdate(),
        "dpa_form": forms.get("dpa") or DpaForm(vendor=vendor),
        "report_form": forms.get("report") or ReportForm(vendor=vendor),
        "attestation_form": forms.get("attestation") or AttestationForm(vendor=vendor),
        "dpas": ev.dpa_list(vendor=vendor)[:500], "reports": ev.report_list(vendor=vendor)[:500],
        "attestations": ev.attestation_list(vendor=vendor)[:500], "show_vendor": False},
        status=status)


@roles(VENDOR)
def vendor_evidence(request):
    return _evidence_page(request, own_vendor(request))


def _save(request, name: str, form, call):
    vendor = own_vendor(request)
    if form.is_valid():
        try:
            call(vendor, form.cleaned_data)
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, "Saved.")
            return redirect("compliance:vendor-evidence")
    return _evidence_page(request, vendor, {name: form})


@roles(VENDOR)
@require_POST
def dpa_add(request):
    vendor = own_vendor(request)
    return _save(request, "dpa", DpaForm(request.POST, request.FILES, vendor=vendor),
                 lambda v, d: dpa_create(vendor=v, actor=request.actor, **d))


@roles(VENDOR)
@require_POST
def report_add(request):
    vendor = own_vendor(request)
    return _save(request, "report", ReportForm(request.POST, request.FILES, vendor=vendor),
                 lambda v, d: accessibility_report_add(actor=request.actor, **d))


@roles(VENDOR)
@require_POST
def attestation_create(request):
    vendor = own_vendor(request)
    return _save(request, "attestation", AttestationForm(request.POST, request.FILES, vendor=vendor),
                 lambda v, d: attestation_add(vendor=v, actor=request.actor, **d))


@roles(STAFF, *DISTRICT_ROLES)
def offers(request):
    """General offers open in the district's state (staff: pick a state), with one-click joinder."""
    district = own_district(request)
    state = district.state if district else request.GET.get("state", "CA").strip().upper()[:2]
    adopted = ev.joinders_of_district(district) if district else {}
    return render(request, "compliance/offers.html", {
        "district": district, "state": state,
        "offers": [(d, adopted.get(d.pk)) for d in ev.general_offers_open(state=state)[:500]], "can_adopt": request.actor.role in JOINERS,
        "dpas": ev.dpa_list(district=district)[:500] if district else ev.dpa_list(state=state)[:500],
        "today": timezone.localdate(), "show_vendor": True})


@roles(*JOINERS)
@require_POST
def adopt(request, dpa_id: int):
    district = own_district(request)
    offer = DataPrivacyAgreement.objects.filter(pk=dpa_id).first()
    if offer is None:
        raise Http404
    try:
        joinder = dpa_joinder_adopt(district=district, dpa=offer, actor=request.actor)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Adopted: joinder #{joinder.pk} to {offer.vendor.organisation.name}'s "
                                  f"general offer for {offer.state}.")
    nxt = request.POST.get("next", "")
    return redirect(nxt if nxt.startswith("/compliance/") else "compliance:offers")


@roles(*EVERYONE)
def document(request, kind: str, evidence_id: int):
    try:
        item = ev.evidence_document_get(kind=kind, evidence_id=evidence_id, actor=request.actor)
    except ObjectDoesNotExist:
        raise Http404
    if not item.document:
        raise Http404("No document uploaded.")
    return FileResponse(item.document.open("rb"), content_type="application/pdf", as_attachment=True,
                        filename=f"{kind}-{item.pk}.pdf")
