from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render

from accounts.access import roles
from accounts.models import Role
from accounts.selectors import users_of_organisation
from members.views import form_errors_from
from vendors.forms import VendorProfileForm
from vendors.selectors import vendor_of_organisation
from vendors.services import vendor_update


@roles(Role.VENDOR_USER)
def profile(request):
    vendor = vendor_of_organisation(request.actor.organisation)
    if vendor is None:
        raise Http404("Your organisation is not a vendor.")
    initial = {"name": vendor.organisation.name, "legal_name": vendor.legal_name,
               "website": vendor.website, "contact_name": vendor.contact_name,
               "contact_email": vendor.contact_email, "contact_phone": vendor.contact_phone,
               "categories": list(vendor.categories.all())}
    form = VendorProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            vendor_update(vendor=vendor, actor=request.actor, **form.cleaned_data)
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, "Company profile saved.")
            return redirect("vendors:profile")
    return render(request, "vendors/profile.html", {
        "vendor": vendor, "form": form, "people": users_of_organisation(vendor.organisation)},
        status=400 if form.errors else 200)
