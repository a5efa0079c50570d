"""The district's side of an agreement a vendor proposed (countersigned by the district, or its
signed copy recorded by staff) and the review of joinders whose agreement was withdrawn."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access import roles
from accounts.acting import JOINERS, STAFF
from compliance.forms import DistrictCopyForm, JoinderReviewForm
from compliance.models import DataPrivacyAgreement
from compliance.services.dpa_sides import dpa_district_sign, dpa_joinder_review
from compliance.views.common import own_district
from core.confirm import Confirmation
from core.views import confirm_then_run, run_service, submit_form

BACK = "/compliance/offers/#dpas"


def _dpa(request, dpa_id: int, **filters) -> DataPrivacyAgreement:
    """The agreement, if the actor may act on it: staff any; a district user only its own
    district's (anything else is 404, as if it did not exist)."""
    district = own_district(request)
    qs = DataPrivacyAgreement.objects.select_related("vendor__organisation", "district").filter(**filters)
    if district is not None:
        qs = qs.filter(district=district)
    dpa = qs.filter(pk=dpa_id).first()
    if dpa is None:
        raise Http404("No such agreement for your district.")
    return dpa


@roles(*JOINERS)
@require_http_methods(["GET", "POST"])
def countersign(request, dpa_id: int):
    dpa = _dpa(request, dpa_id, kind="signed")
    confirmation = Confirmation(
        title=f"Countersign DPA #{dpa.pk} with {dpa.vendor.organisation.name}",
        button="Countersign", back=BACK, danger=False,
        effects=[f"Your district signs the data privacy agreement {dpa.vendor.organisation.name} "
                 f"recorded for {dpa.state} (signed by the vendor {dpa.signed_on:%Y-%m-%d}): from today "
                 f"compliance checks count it for the products it covers"
                 + (", and other districts of the state may adopt its general offer." if dpa.general_offer else ".")],
        shown=[("Products covered", ", ".join(p.name for p in dpa.products.all()))])
    return confirm_then_run(request, confirmation,
                            lambda: dpa_district_sign(dpa=dpa, actor=request.actor),
                            success=f"Countersigned: DPA #{dpa.pk} now counts for your district.",
                            redirect_to=BACK)


@roles(STAFF)
@require_http_methods(["GET", "POST"])
def district_copy(request, dpa_id: int):
    dpa = _dpa(request, dpa_id, kind="signed")
    form = DistrictCopyForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        done = submit_form(request, form, lambda: dpa_district_sign(
            dpa=dpa, actor=request.actor, **form.cleaned_data),
            success=f"The district's signed copy of DPA #{dpa.pk} is recorded: it now counts.",
            redirect_to=reverse("compliance:offers") + f"?state={dpa.state}#dpas")
        if done:
            return done
    return render(request, "compliance/district_copy.html", {"dpa": dpa, "form": form},
                  status=400 if form.errors else 200)


@roles(STAFF, *JOINERS)
@require_POST
def joinder_review(request, dpa_id: int):
    joinder = _dpa(request, dpa_id, kind="joinder")
    form = JoinderReviewForm(request.POST)
    return run_service(request, lambda: dpa_joinder_review(joinder=joinder, actor=request.actor,
                                                           **form.cleaned_data),
                       form=form, invalid="Choose whether to keep or end the joinder.",
                       success=lambda j: f"Joinder #{j.pk} {'kept: it counts again' if j.review_outcome == 'kept' else 'ended'}.",
                       redirect_to=BACK if own_district(request) else reverse("compliance:offers") + f"?state={joinder.state}#dpas")
