from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.access import public, roles
from accounts.acting import Actor
from accounts.models import Role
from accounts.ratelimit import client_ip
from accounts.selectors import users_of_organisation
from core.forms_errors import form_errors_from
from vendors.forms import ColleagueInviteForm, VendorProfileForm, VendorRegistrationForm
from vendors.ratelimit import REGISTRATION_LIMITED_MESSAGE, registration_attempt
from vendors.selectors import vendor_of_organisation
from vendors.services import vendor_email_verify, vendor_register, vendor_update, vendor_user_invite

REGISTERED_EMAIL_KEY = "vendor_registered_email"


def _own_vendor(request):
    vendor = vendor_of_organisation(request.actor.organisation)
    if vendor is None:
        raise Http404("Your organisation is not a vendor.")
    return vendor


def _profile_page(request, vendor, form, colleague_form):
    status = 400 if (form.errors or colleague_form.errors) else 200
    return render(request, "vendors/profile.html", {
        "vendor": vendor, "form": form, "colleague_form": colleague_form,
        "people": users_of_organisation(vendor.organisation)}, status=status)


@roles(Role.VENDOR_USER)
def profile(request):
    vendor = _own_vendor(request)
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
    return _profile_page(request, vendor, form, ColleagueInviteForm(prefix="colleague"))


@roles(Role.VENDOR_USER)
@require_POST
def colleague_add(request):
    vendor = _own_vendor(request)
    colleague_form = ColleagueInviteForm(request.POST, prefix="colleague")
    if colleague_form.is_valid():
        try:
            user = vendor_user_invite(vendor=vendor, actor=request.actor,
                                      **colleague_form.cleaned_data)
        except ValidationError as exc:
            form_errors_from(colleague_form, exc)
        else:
            messages.success(request, f"{user.full_name} ({user.email}) was added and emailed a "
                                      f"link to choose a password.")
            return redirect("vendors:profile")
    initial = {"name": vendor.organisation.name, "legal_name": vendor.legal_name,
               "website": vendor.website, "contact_name": vendor.contact_name,
               "contact_email": vendor.contact_email, "contact_phone": vendor.contact_phone,
               "categories": list(vendor.categories.all())}
    return _profile_page(request, vendor, VendorProfileForm(initial=initial), colleague_form)


@public
def register(request):
    form = VendorRegistrationForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not registration_attempt(ip=client_ip(request)):
            form.full_clean()
            form.add_error(None, REGISTRATION_LIMITED_MESSAGE)
            status = 429
        elif form.is_valid():
            data = form.cleaned_data
            try:
                vendor_register(company_name=data["company_name"], legal_name=data["legal_name"],
                                website=data["website"], contact_name=data["contact_name"],
                                email=data["email"], password=data["password"],
                                categories=data["categories"],
                                actor=Actor.system("vendor self-registration"))
            except ValidationError as exc:
                form_errors_from(form, exc)
            else:
                request.session[REGISTERED_EMAIL_KEY] = data["email"].strip().lower()
                return redirect("vendors:register-done")
        if form.errors and status == 200:
            status = 400
    return render(request, "vendors/register.html", {"form": form}, status=status)


@public
def register_done(request):
    return render(request, "vendors/register_done.html",
                  {"email": request.session.get(REGISTERED_EMAIL_KEY, "")})


@public
def verify(request, token: str):
    try:
        user = vendor_email_verify(token=token, actor=Actor.system("vendor email verification"))
    except ValidationError as exc:
        return render(request, "vendors/verify.html", {"problem": " ".join(exc.messages)},
                      status=400)
    request.session.pop(REGISTERED_EMAIL_KEY, None)
    return render(request, "vendors/verify.html", {"verified_user": user})
