"""Vendors manage their evidence; districts see and adopt general offers; documents."""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils import timezone
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access import roles
from accounts.acting import DISTRICT_ROLES, EVERYONE, JOINERS, STAFF, VENDOR
from compliance.forms import (AttestationEditForm, AttestationForm, DpaEditForm, DpaForm,
                              ReportEditForm, ReportForm, WithdrawForm)
from compliance.engine.dpa_terms import term_label
from compliance.models import DataPrivacyAgreement
from compliance.selectors import evidence as ev
from compliance.services.evidence import (accessibility_report_add, accessibility_report_update,
                                          accessibility_report_withdraw, attestation_add,
                                          attestation_update, attestation_withdraw, dpa_create,
                                          dpa_joinder_adopt, dpa_offer_close, dpa_update,
                                          dpa_withdraw, missing_terms_text)
from compliance.views.common import own_district
from core.confirm import Confirmation
from core.views import confirm_then_run, run_service, submit_form
from vendors.selectors import vendor_for_actor


def _evidence_page(request, vendor, forms: dict | None = None):
    forms = forms or {}
    status = 400 if any(f.errors for f in forms.values()) else 200
    return render(request, "compliance/vendor_evidence.html", {
        "vendor": vendor, "today": timezone.localdate(),
        "dpa_form": forms.get("dpa") or DpaForm(vendor=vendor),
        "report_form": forms.get("report") or ReportForm(vendor=vendor),
        "attestation_form": forms.get("attestation") or AttestationForm(vendor=vendor),
        "dpas": ev.dpa_list(vendor=vendor, include_withdrawn=True)[:500],
        "reports": ev.report_list(vendor=vendor, include_withdrawn=True)[:500],
        "attestations": ev.attestation_list(vendor=vendor, include_withdrawn=True)[:500],
        "show_vendor": False, "manage": True},
        status=status)


@roles(VENDOR)
def vendor_evidence(request):
    return _evidence_page(request, vendor_for_actor(request.actor))


def _save(request, name: str, form, call):
    vendor = vendor_for_actor(request.actor)
    done = submit_form(request, form, lambda: call(vendor, form.cleaned_data), success="Saved.",
                       redirect_to="compliance:vendor-evidence")
    return done or _evidence_page(request, vendor, {name: form})


@roles(VENDOR)
@require_POST
def dpa_add(request):
    vendor = vendor_for_actor(request.actor)
    return _save(request, "dpa", DpaForm(request.POST, request.FILES, vendor=vendor),
                 lambda v, d: dpa_create(vendor=v, actor=request.actor, **d))


@roles(VENDOR)
@require_POST
def report_add(request):
    vendor = vendor_for_actor(request.actor)
    return _save(request, "report", ReportForm(request.POST, request.FILES, vendor=vendor),
                 lambda v, d: accessibility_report_add(actor=request.actor, **d))


@roles(VENDOR)
@require_POST
def attestation_create(request):
    vendor = vendor_for_actor(request.actor)
    return _save(request, "attestation", AttestationForm(request.POST, request.FILES, vendor=vendor),
                 lambda v, d: attestation_add(vendor=v, actor=request.actor, **d))


# Correcting and withdrawing one record: a page per record (its correction form, its withdrawal
# form and, for a DPA with an open general offer, closing the offer).

EDIT_FORMS = {"dpa": DpaEditForm, "report": ReportEditForm, "attestation": AttestationEditForm}
WHAT = {"dpa": "DPA", "report": "Accessibility report", "attestation": "Attestation"}


def _own(getter, **kwargs):
    try:
        return getter(**kwargs)
    except ObjectDoesNotExist:
        raise Http404("No such evidence of yours.")


def _record_page(request, vendor, kind: str, item, *, form=None, withdraw_form=None):
    form_class = EDIT_FORMS[kind]
    bound = [f for f in (form, withdraw_form) if f is not None]
    editable = item.withdrawn_at is None and (kind != "dpa" or item.kind == "signed")
    return render(request, "compliance/evidence_record.html", {
        "vendor": vendor, "kind": kind, "item": item, "what": WHAT[kind], "editable": editable,
        "today": timezone.localdate(), "status": item.status_on(timezone.localdate()),
        "form": form or form_class(vendor=vendor, initial=form_class.initial_of(item)),
        "withdraw_form": withdraw_form or WithdrawForm(),
        "can_close_offer": editable and kind == "dpa" and item.offer_closable_today,
        "edit_url": f"compliance:{kind}-edit", "withdraw_url": f"compliance:{kind}-withdraw"},
        status=400 if any(f.errors for f in bound) else 200)


def _edit(request, kind: str, item, service, **target):
    vendor = vendor_for_actor(request.actor)
    form = None
    if request.method == "POST":
        form = EDIT_FORMS[kind](request.POST, request.FILES, vendor=vendor)
        done = submit_form(request, form, lambda: service(actor=request.actor, **target, **form.cleaned_data),
                           success=f"{WHAT[kind]} #{item.pk} corrected.", redirect_to="compliance:vendor-evidence")
        if done:
            return done
    return _record_page(request, vendor, kind, item, form=form)


def _withdraw(request, kind: str, item, service, **target):
    vendor = vendor_for_actor(request.actor)
    form = WithdrawForm(request.POST)
    done = submit_form(request, form, lambda: service(reason=form.cleaned_data["reason"], actor=request.actor,
                                                      **target),
                       success=f"{WHAT[kind]} #{item.pk} withdrawn: it stays on record, marked withdrawn, and "
                               f"compliance checks no longer use it.",
                       redirect_to="compliance:vendor-evidence")
    return done or _record_page(request, vendor, kind, item, withdraw_form=form)


@roles(VENDOR)
def dpa_edit(request, dpa_id: int):
    dpa = _own(ev.vendor_dpa_get, vendor=vendor_for_actor(request.actor), dpa_id=dpa_id)
    return _edit(request, "dpa", dpa, dpa_update, dpa=dpa)


@roles(VENDOR)
@require_POST
def dpa_withdraw_view(request, dpa_id: int):
    dpa = _own(ev.vendor_dpa_get, vendor=vendor_for_actor(request.actor), dpa_id=dpa_id)
    return _withdraw(request, "dpa", dpa, dpa_withdraw, dpa=dpa)


@roles(VENDOR)
@require_POST
def dpa_close_offer(request, dpa_id: int):
    dpa = _own(ev.vendor_dpa_get, vendor=vendor_for_actor(request.actor), dpa_id=dpa_id)
    return run_service(request, lambda: dpa_offer_close(dpa=dpa, actor=request.actor),
                       success=f"The general offer of DPA #{dpa.pk} is closed from today; joinders already "
                               f"made stay in force.",
                       redirect_to="compliance:vendor-evidence")


@roles(VENDOR)
def report_edit(request, report_id: int):
    report = _own(ev.vendor_report_get, vendor=vendor_for_actor(request.actor), report_id=report_id)
    return _edit(request, "report", report, accessibility_report_update, report=report)


@roles(VENDOR)
@require_POST
def report_withdraw(request, report_id: int):
    report = _own(ev.vendor_report_get, vendor=vendor_for_actor(request.actor), report_id=report_id)
    return _withdraw(request, "report", report, accessibility_report_withdraw, report=report)


@roles(VENDOR)
def attestation_edit(request, attestation_id: int):
    attestation = _own(ev.vendor_attestation_get, vendor=vendor_for_actor(request.actor), attestation_id=attestation_id)
    return _edit(request, "attestation", attestation, attestation_update, attestation=attestation)


@roles(VENDOR)
@require_POST
def attestation_withdraw_view(request, attestation_id: int):
    attestation = _own(ev.vendor_attestation_get, vendor=vendor_for_actor(request.actor), attestation_id=attestation_id)
    return _withdraw(request, "attestation", attestation, attestation_withdraw, attestation=attestation)


@roles(STAFF, *DISTRICT_ROLES)
def offers(request):
    """General offers open in the district's state (staff: pick a state), with one-click joinder."""
    district = own_district(request)
    state = district.state if district else request.GET.get("state", "CA").strip().upper()[:2]
    adopted = ev.joinders_of_district(district) if district else {}
    open_offers = list(ev.general_offers_open(state=state)[:500])
    lacking = ev.offers_missing_terms(open_offers)
    return render(request, "compliance/offers.html", {
        "district": district, "state": state,
        "offers": [(d, adopted.get(d.pk), [term_label(t) for t in lacking.get(d.pk, [])]) for d in open_offers], "can_adopt": request.actor.role in JOINERS,
        "dpas": (ev.dpa_list(district=district, include_withdrawn=True)[:500] if district
                 else ev.dpa_list(state=state, include_withdrawn=True)[:500]),
        "today": timezone.localdate(), "show_vendor": True,
        "act": "district" if request.actor.role in JOINERS else "staff" if request.actor.role == STAFF else ""})


@roles(*JOINERS)
@require_http_methods(["GET", "POST"])
def adopt(request, dpa_id: int):
    """One click for an offer with every term the district's state requires; an offer lacking
    some is adopted only after a confirmation page names the missing terms (the joinder will
    lack them too, and the verdict stays blocked, naming them)."""
    district = own_district(request)
    offer = DataPrivacyAgreement.objects.filter(pk=dpa_id).select_related("vendor__organisation").first()
    if offer is None:
        raise Http404
    data = request.POST if request.method == "POST" else request.GET
    nxt = data.get("next", "")
    back = nxt if nxt.startswith("/compliance/") else reverse("compliance:offers")
    absent = ev.offer_missing_terms(offer)
    vendor = offer.vendor.organisation.name

    def call():
        return dpa_joinder_adopt(district=district, dpa=offer, actor=request.actor,
                                 accept_missing_terms=bool(absent))

    def success(joinder):
        return (f"Adopted: joinder #{joinder.pk} to {vendor}'s general offer for {offer.state}."
                + (f" It lacks {len(absent)} term(s) {offer.state} requires: the verdict stays "
                   f"blocked until the vendor signs an agreement with them." if absent else ""))

    if not absent and request.method == "POST":
        return run_service(request, call, success=success, redirect_to=back)
    return confirm_then_run(
        request, lambda: Confirmation(
            title=f"Adopt {vendor}'s general offer #{offer.pk} for {offer.state}?",
            button="Adopt the general offer" + (" without these terms" if absent else ""), back=back,
            danger=bool(absent),
            effects=([missing_terms_text(offer.state, absent)] if absent else [])
            + [f"A joinder for {district.name if district else 'your district'} records the same terms "
               f"and products as the offer, ending when the offer's agreement ends."]),
        call, success=success, redirect_to=back)


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
