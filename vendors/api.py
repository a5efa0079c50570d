"""API: vendor self-registration, email verification and the vendor's own company profile."""


from datetime import datetime

from django.core.exceptions import ValidationError
from ninja import Field, Router, Schema, Status

from accounts.access import api_public, api_roles
from accounts.acting import VENDOR, Actor
from accounts.api_auth import API_AUTH
from accounts.ratelimit import client_ip
from accounts.selectors import users_of_organisation
from core.api_types import ApiError, Email, text, text_of
from core.limits import PASSWORD_MAX
from vendors.ratelimit import REGISTRATION_LIMITED_MESSAGE, registration_attempt
from vendors.selectors import category_choices, vendor_for_actor
from vendors.models import Vendor
from vendors.service_area import service_area_text
from vendors.services import vendor_email_verify, vendor_register, vendor_service_area_set

router = Router(tags=["vendors"])


class VendorRegisterIn(Schema):
    company_name: text_of(Vendor.legal_name)
    legal_name: text_of(Vendor.legal_name) = ""
    website: text_of(Vendor.website) = ""
    contact_name: text_of(Vendor.contact_name)
    email: Email
    password: text(PASSWORD_MAX)
    categories: list[text(60)] = []


class VendorRegisterOut(Schema):
    vendor_id: int
    email: str
    message: str


class VendorVerifyIn(Schema):
    token: text(300)


class VendorVerifyOut(Schema):
    email: str
    active: bool
    message: str


class VendorCategoryOut(Schema):
    code: str
    name: str


class VendorUserOut(Schema):
    email: str
    full_name: str
    active: bool
    has_password: bool


class VendorOut(Schema):
    vendor_id: int
    name: str
    legal_name: str
    website: str
    contact_name: str
    contact_email: str
    contact_phone: str
    registered_at: datetime
    categories: list[VendorCategoryOut]
    service_area: list[str] = Field(description="Two-letter codes of the states (and DC) you serve.")
    service_area_text: str = Field(description="The same for people, e.g. \"every state and DC\".")
    users: list[VendorUserOut]


class ServiceAreaIn(Schema):
    states: list[text(2)] = Field(max_length=60, description="Two-letter codes of the US states "
                                  "(and DC) you serve, at least one, e.g. [\"AZ\", \"NV\"].")


def _categories_from_codes(codes: list[str]) -> list:
    wanted = list(dict.fromkeys(c.strip() for c in codes if c and c.strip()))
    found = {c.code: c for c in category_choices().filter(code__in=wanted)}
    unknown = [c for c in wanted if c not in found]
    if unknown:
        raise ValidationError({"categories": "Unknown category codes: " + ", ".join(unknown)
                                             + "."})
    return [found[c] for c in wanted]


@router.post("/vendors/register", response={201: VendorRegisterOut, 429: ApiError}, auth=None)
@api_public
def vendor_register_api(request, payload: VendorRegisterIn):
    """Register a company as a vendor, with its first user. The user can sign in (and get a
    token) once they open the verification link emailed to them. At most 10 attempts per hour
    from one address."""
    if not registration_attempt(ip=client_ip(request)):
        return Status(429, {"detail": REGISTRATION_LIMITED_MESSAGE})
    vendor = vendor_register(company_name=payload.company_name, legal_name=payload.legal_name,
                             website=payload.website, contact_name=payload.contact_name,
                             email=payload.email, password=payload.password,
                             categories=_categories_from_codes(payload.categories),
                             actor=Actor.system("vendor self-registration"))
    email = vendor.contact_email
    return Status(201, {"vendor_id": vendor.pk, "email": email,
                        "message": f"Registered. We sent a verification link to {email}; open "
                                   f"it within 3 days to switch the account on."})


@router.post("/vendors/verify", response=VendorVerifyOut, auth=None)
@api_public
def vendor_verify_api(request, payload: VendorVerifyIn):
    """Confirm an email address with the token from the verification link (the last part of
    /vendors/verify/<token>/). Confirming twice is fine."""
    user = vendor_email_verify(token=payload.token,
                               actor=Actor.system("vendor email verification"))
    return {"email": user.email, "active": user.is_active,
            "message": "Email address confirmed; you can sign in."}


def vendor_out(vendor: Vendor) -> dict:
    users = {}
    for assignment in users_of_organisation(vendor.organisation):
        users.setdefault(assignment.user.pk, assignment.user)
    return {"vendor_id": vendor.pk, "name": vendor.organisation.name,
            "legal_name": vendor.legal_name, "website": vendor.website,
            "contact_name": vendor.contact_name, "contact_email": vendor.contact_email,
            "contact_phone": vendor.contact_phone, "registered_at": vendor.registered_at,
            "categories": [{"code": c.code, "name": c.name} for c in vendor.categories.all()],
            "service_area": list(vendor.service_area), "service_area_text": service_area_text(vendor.service_area),
            "users": [{"email": u.email, "full_name": u.full_name, "active": u.is_active,
                       "has_password": u.has_usable_password()}
                      for u in sorted(users.values(), key=lambda u: u.email)]}


@router.get("/vendors/me", response=VendorOut, auth=API_AUTH)
@api_roles(VENDOR)
def vendor_me(request):
    """Your company's profile: details, categories, the states you serve and users."""
    return vendor_out(vendor_for_actor(request.actor))


@router.put("/vendors/me/service-area", response=VendorOut, auth=API_AUTH)
@api_roles(VENDOR)
def vendor_service_area_put(request, payload: ServiceAreaIn):
    """Set the states (and DC) you serve. Districts elsewhere do not see you in their
    mini-competitions; the competition's "left out" list tells them why."""
    vendor = vendor_service_area_set(vendor=vendor_for_actor(request.actor), states=payload.states,
                                     actor=request.actor)
    return vendor_out(vendor)
