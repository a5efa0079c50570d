"""Creating and changing vendors."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable, Optional

from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.acting import VENDOR, Actor, acts_as, is_staff
from accounts.models import User
from accounts.services import role_assign, user_create_or_update
from audit.actions import AuditAction
from audit.selectors import audit_events_for_object
from audit.services import audit_record, snapshot
from core.notify import notify
from orgs.models import Organisation, OrganisationKind
from orgs.services import organisation_create, organisation_update
from vendors.models import Vendor
from vendors.service_area import all_service_states, service_area_clean
from vendors.signals import vendor_listing_changed
from core.locks import lock

if TYPE_CHECKING:  # pragma: no cover
    from catalog.models import Category  # catalog sits above vendors: for annotations only

VENDOR_FIELDS = ("legal_name", "website", "contact_name", "contact_email", "contact_phone")


def _vendor_state(vendor: Vendor) -> dict:
    data = snapshot(vendor, VENDOR_FIELDS)
    data["categories"] = sorted(vendor.categories.values_list("code", flat=True))
    data["name"] = vendor.organisation.name
    data["service_area"] = list(vendor.service_area)
    return data


@transaction.atomic
def vendor_create(*, name: str, legal_name: str = "", state: str = "", website: str = "",
                  contact_name: str = "", contact_email: str = "", contact_phone: str = "",
                  categories: Iterable[Category] = (), service_area: Optional[Iterable[str]] = None,
                  actor: Actor) -> Vendor:
    """A vendor; it serves every state and DC unless `service_area` names fewer."""
    area = all_service_states() if service_area is None else service_area_clean(service_area)
    org = organisation_create(kind=OrganisationKind.VENDOR, name=name, state=state, actor=actor)
    vendor = Vendor(organisation=org, legal_name=(legal_name or name).strip(), website=website,
                    contact_name=contact_name, contact_email=contact_email,
                    contact_phone=contact_phone, service_area=area)
    vendor.full_clean(exclude=["organisation"])
    vendor.save()
    vendor.categories.set(list(categories))
    audit_record(actor=actor, action=AuditAction.VENDOR_CREATED, obj=vendor, after=_vendor_state(vendor))
    return vendor


@transaction.atomic
def vendor_update(*, vendor: Vendor, name: str, legal_name: str, website: str = "",
                  contact_name: str = "", contact_email: str = "", contact_phone: str = "",
                  categories: Iterable[Category] = (), service_area: Optional[Iterable[str]] = None,
                  actor: Actor) -> Vendor:
    """Change the vendor's profile; `service_area` None keeps the states it serves."""
    if not (is_staff(actor) or acts_as(actor, VENDOR, vendor.organisation)):
        raise PermissionDenied("Only the vendor's own users or consortium staff may change it.")
    area = None if service_area is None else service_area_clean(service_area)
    before = _vendor_state(vendor)
    organisation_update(organisation=vendor.organisation, name=name,
                        state=vendor.organisation.state, actor=actor)
    vendor.legal_name = legal_name.strip()
    vendor.website, vendor.contact_name = website, contact_name
    vendor.contact_email, vendor.contact_phone = contact_email, contact_phone
    if area is not None:
        vendor.service_area = area
    vendor.full_clean(exclude=["organisation"])
    vendor.save()
    vendor.categories.set(list(categories))
    after = _vendor_state(vendor)
    if after != before:
        audit_record(actor=actor, action=AuditAction.VENDOR_UPDATED, obj=vendor, before=before, after=after)
    if after["legal_name"] != before["legal_name"]:
        # The member catalog (owned by contracts) searches vendors' legal names in a search
        # table: it rebuilds the rows of this vendor's products.
        vendor_listing_changed.send(sender=Vendor, vendor=vendor)
    return vendor


# --- Self-registration, email verification and colleagues -------------------------------------

EMAIL_VERIFY_SALT = "vendors.email-verify"
EMAIL_VERIFY_MAX_AGE = 3 * 24 * 3600  # seconds: verification links are valid for 3 days


def email_verify_token(user) -> str:
    """A signed, timestamped token naming the user and the address being verified."""
    return signing.dumps({"user": user.pk, "email": user.email}, salt=EMAIL_VERIFY_SALT)


def _vendor_name_taken(name: str) -> bool:
    return Organisation.objects.filter(kind=OrganisationKind.VENDOR, name__iexact=name).exists()


@transaction.atomic
def vendor_register(*, company_name: str, legal_name: str, contact_name: str, email: str,
                    password: str, categories: Iterable[Category], website: str = "",
                    actor: Actor) -> Vendor:
    """A company registers itself once for the whole consortium: its organisation and vendor
    profile, and its first user, who stays inactive until the emailed link is opened (an absolute
    URL from settings.SITE_URL, never from the request's Host header)."""
    company_name = (company_name or "").strip()
    legal_name = (legal_name or "").strip()
    contact_name = (contact_name or "").strip()
    email = (email or "").strip().lower()
    website = (website or "").strip()
    categories = list(categories)
    errors: dict[str, list[str]] = {}
    if not company_name:
        errors["company_name"] = ["Enter the company's name."]
    elif len(company_name) > 300:
        errors["company_name"] = ["Use at most 300 characters."]
    elif _vendor_name_taken(company_name):
        errors["company_name"] = [f"A vendor named {company_name!r} is already registered. If it "
                                  f"is your company, ask a colleague who uses EdPool to add you."]
    if len(legal_name) > 300:
        errors["legal_name"] = ["Use at most 300 characters."]
    if not contact_name:
        errors["contact_name"] = ["Enter the name of the person we should contact."]
    elif len(contact_name) > 200:
        errors["contact_name"] = ["Use at most 200 characters."]
    if website:
        try:
            URLValidator()(website)
        except ValidationError:
            errors["website"] = ["Enter the full address of the website, e.g. https://example.com."]
    try:
        if len(email) > 254:
            raise ValidationError("too long")
        validate_email(email)
    except ValidationError:
        errors["email"] = [f"{email!r} is not a valid email address." if email
                           else "Enter your email address."]
    else:
        if User.objects.filter(email__iexact=email).exists():
            errors["email"] = ["An account with this email address already exists. Sign in, or "
                               "reset your password if you have forgotten it."]
    try:
        validate_password(password or "", User(email=email, full_name=contact_name))
    except ValidationError as exc:
        errors["password"] = list(exc.messages)
    if errors:
        raise ValidationError(errors)

    vendor = vendor_create(name=company_name, legal_name=legal_name or company_name,
                           website=website, contact_name=contact_name, contact_email=email,
                           categories=categories, actor=actor)
    user, _ = user_create_or_update(email=email, full_name=contact_name, password=password,
                                    actor=actor)
    # Inactive (cannot sign in) until the address is verified.
    user.is_active = False
    user.save(update_fields=["is_active"])
    audit_record(actor=actor, action=AuditAction.USER_UPDATED, obj=user, object_repr=user.email,
                 before={"is_active": True}, after={"is_active": False,
                                                    "reason": "email not yet verified"})
    role_assign(user=user, organisation=vendor.organisation, role=VENDOR, actor=actor)
    audit_record(actor=actor, action=AuditAction.VENDOR_REGISTERED, obj=vendor,
                 after={**_vendor_state(vendor), "user": user.email})
    # Email only (inbox=False): the link is a credential, and the account cannot sign in yet.
    notify(recipients=[user.email], subject="Confirm your email address for EdPool",
           body=(f"Hello {contact_name},\n\n"
                 f"{company_name} is registered as a vendor with EdPool. To confirm your email "
                 f"address and switch on your account, open the link below (it expires in 3 days).\n\n"
                 f"If you did not register, ignore this email; the account stays switched off."),
           link=reverse("vendors:verify", kwargs={"token": email_verify_token(user)}), inbox=False)
    return vendor


def _already_verified(user) -> bool:
    return audit_events_for_object(object_type="accounts.user", object_id=str(user.pk)).filter(
        action=AuditAction.USER_EMAIL_VERIFIED).exists()


@transaction.atomic
def vendor_email_verify(*, token: str, actor: Actor):
    """Switch on the account a verification link was sent for. Opening the link again is fine."""
    bad = ValidationError({"token": "This verification link is not valid. Copy the whole link "
                                    "from the email, or register again."})
    try:
        data = signing.loads(token or "", salt=EMAIL_VERIFY_SALT, max_age=EMAIL_VERIFY_MAX_AGE)
    except signing.SignatureExpired:
        raise ValidationError({"token": "This verification link has expired: links work for 3 "
                                        "days. Contact the consortium to switch the account on."})
    except signing.BadSignature:
        raise bad
    if not isinstance(data, dict):
        raise bad
    user = (lock(User.objects.all())
            .filter(pk=data.get("user"), email__iexact=data.get("email") or "").first())
    if user is None:
        raise bad
    if user.is_active:
        return user
    if _already_verified(user):
        # Verified once and switched off since (e.g. by staff): an old link must not undo that.
        raise ValidationError({"token": "This account has been switched off. Contact the "
                                        "consortium if you think this is wrong."})
    user.is_active = True
    user.save(update_fields=["is_active"])
    audit_record(actor=actor, action=AuditAction.USER_EMAIL_VERIFIED, obj=user, object_repr=user.email,
                 before={"is_active": False}, after={"is_active": True})
    return user


@transaction.atomic
def vendor_user_invite(*, vendor: Vendor, email: str, full_name: str, actor: Actor):
    """A vendor's user adds a colleague: a new account in the vendor's organisation, emailed a
    link to choose a password (the account cannot sign in before that)."""
    if not acts_as(actor, VENDOR, vendor.organisation):
        raise PermissionDenied("Only the company's own users may add colleagues to it.")
    email = (email or "").strip().lower()
    full_name = (full_name or "").strip()
    errors: dict[str, list[str]] = {}
    try:
        if len(email) > 254:
            raise ValidationError("too long")
        validate_email(email)
    except ValidationError:
        errors["email"] = [f"{email!r} is not a valid email address." if email
                           else "Enter your colleague's email address."]
    else:
        if User.objects.filter(email__iexact=email).exists():
            errors["email"] = ["An account with this email address already exists; ask the "
                               "consortium to give it access to your company."]
    if not full_name:
        errors["full_name"] = ["Enter your colleague's name."]
    elif len(full_name) > 200:
        errors["full_name"] = ["Use at most 200 characters."]
    if errors:
        raise ValidationError(errors)
    # Active, with an unusable password: nobody can sign in as them until they choose one.
    user, _ = user_create_or_update(email=email, full_name=full_name, actor=actor)
    role_assign(user=user, organisation=vendor.organisation, role=VENDOR, actor=actor)
    audit_record(actor=actor, action=AuditAction.VENDOR_USER_INVITED, obj=vendor,
                 after={"user": user.email, "full_name": user.full_name})
    link = reverse("accounts:password-reset-confirm", kwargs={
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user)})
    inviter = actor.user.get_full_name() if actor.user else "A colleague"
    # Email only (inbox=False): the link is a one-time credential.
    notify(recipients=[user.email], subject=f"You have been added to {vendor.organisation.name} on EdPool",
           body=(f"Hello {full_name},\n\n"
                 f"{inviter} added you as a user of {vendor.organisation.name} on EdPool, the "
                 f"purchasing consortium's site. To choose your password, open the link below (it "
                 f"works once and expires in 3 days), then sign in with {user.email}."),
           link=link, inbox=False)
    return user


@transaction.atomic
def vendor_service_area_set(*, vendor: Vendor, states: Iterable[str], actor: Actor) -> Vendor:
    """Set only the states the vendor serves (the API's PUT /vendors/me/service-area)."""
    if not (is_staff(actor) or acts_as(actor, VENDOR, vendor.organisation)):
        raise PermissionDenied("Only the vendor's own users or consortium staff may change it.")
    area = service_area_clean(states)
    before = {"service_area": list(vendor.service_area)}
    if before["service_area"] != area:
        vendor.service_area = area
        vendor.save(update_fields=["service_area"])
        audit_record(actor=actor, action=AuditAction.VENDOR_UPDATED, obj=vendor, before=before,
                     after={"service_area": area})
    return vendor
