"""Checks shared by the sourcing services."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from accounts.acting import VENDOR, Actor, acts_as
from vendors.models import Vendor


def require_vendor(actor: Actor, what: str) -> Vendor:
    """The vendor the actor acts for; refuses anyone else."""
    if not acts_as(actor, VENDOR) or actor.organisation is None:
        raise PermissionDenied(f"Only a vendor may {what}.")
    vendor = Vendor.objects.filter(organisation=actor.organisation).first()
    if vendor is None:
        raise PermissionDenied(f"Only a vendor may {what}.")
    return vendor


def vendor_emails(vendor: Vendor) -> list[str]:
    """Where to email a vendor: the verified addresses only, i.e. its users whose accounts are
    active (a self-registered user stays inactive until the emailed link is opened, see
    vendors.services.vendor_email_verify). The profile's contact email is not used: it is the
    unverified address typed at registration (or later in the profile)."""
    from accounts.selectors import users_of_organisation

    emails: list[str] = []
    for a in users_of_organisation(vendor.organisation):
        if a.role == VENDOR and a.user.is_active and a.user.email not in emails:
            emails.append(a.user.email)
    return emails
