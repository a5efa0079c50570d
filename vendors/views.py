from __future__ import annotations

from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.views.decorators.http import require_POST

from accounts.access import public, roles
from accounts.acting import VENDOR, Actor
from accounts.ratelimit import client_ip
from accounts.selectors import users_of_organisation
from core.views import submit_form
from vendors.forms import ColleagueInviteForm, VendorProfileForm, VendorRegistrationForm
from vendors.ratelimit import REGISTRATION_LIMITED_MESSAGE, registration_attempt
from vendors.selectors import vendor_for_actor
from vendors.services import vendor_email_verify, vendor_register, vendor_update, vendor_user_invite

REGISTERED_EMAIL_KEY = "vendor_registered_email"


def _profile_page(request, vendor, form, colleague_form):
    status = 400 if (form.errors or colleague_form.errors) else 200
    return render(request, "vendors/profile.html", {
        "vendor": vendor, "form": form, "colleague_form": colleague_form,
        "people": users_of_organisation(vendor.organisation)}, status=status)


@roles(VENDOR)
def profile(request):
    vendor = vendor_for_actor(request.actor)
    initial = {"name": vendor.organisation.name, "legal_name": vendor.legal_name,
               "website": vendor.website, "contact_name": vendor.contact_name,
               "contact_email": vendor.contact_email, "contact_phone": vendor.contact_phone,
               "categories": list(vendor.categories.all()), "service_area": list(vendor.service_area)}
    form = VendorProfileForm(request.POST or None, initial=initial)
    if request.method == "POST":
        done = submit_form(request, form, lambda: vendor_update(vendor=vendor, actor=request.actor,
                                                                **form.cleaned_data),
                           success="Company profile saved.", redirect_to="vendors:profile")
        if done:
            return done
    return _profile_page(request, vendor, form, ColleagueInviteForm(prefix="colleague"))


@roles(VENDOR)
@require_POST
def colleague_add(request):
    vendor = vendor_for_actor(request.actor)
    colleague_form = ColleagueInviteForm(request.POST, prefix="colleague")
    done = submit_form(request, colleague_form, lambda: vendor_user_invite(
        vendor=vendor, actor=request.actor, **colleague_form.cleaned_data),
        success=lambda user: f"{user.full_name} ({user.email}) was added and emailed a link to choose "
                             f"a password.",
        redirect_to="vendors:profile")
    if done:
        return done
    initial = {"name": vendor.organisation.name, "legal_name": vendor.legal_name,
               "website": vendor.website, "contact_name": vendor.contact_name,
               "contact_email": vendor.contact_email, "contact_phone": vendor.contact_phone,
               "categories": list(vendor.categories.all()), "service_area": list(vendor.service_area)}
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
        else:
            def register_vendor():
                data = form.cleaned_data
                vendor_register(company_name=data["company_name"], legal_name=data["legal_name"],
                                website=data["website"], contact_name=data["contact_name"],
                                email=data["email"], password=data["password"],
                                categories=data["categories"],
                                actor=Actor.system("vendor self-registration"))
                request.session[REGISTERED_EMAIL_KEY] = data["email"].strip().lower()

            done = submit_form(request, form, register_vendor, redirect_to="vendors:register-done")
            if done:
                return done
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
