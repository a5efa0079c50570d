"""Checks shared by the sourcing services."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from accounts.acting import Actor
from vendors.models import Vendor

STAFF = "consortium_staff"


def require_staff(actor: Actor, what: str) -> None:
    if not (actor.is_system or actor.role == STAFF):
        raise PermissionDenied(f"Only consortium staff may {what}.")


def require_vendor(actor: Actor, what: str) -> Vendor:
    """The vendor the actor acts for; refuses anyone else."""
    if actor.role != "vendor_user" or actor.organisation is None:
        raise PermissionDenied(f"Only a vendor may {what}.")
    vendor = Vendor.objects.filter(organisation=actor.organisation).first()
    if vendor is None:
        raise PermissionDenied(f"Only a vendor may {what}.")
    return vendor


def vendor_emails(vendor: Vendor) -> list[str]:
    from accounts.selectors import users_of_organisation

    emails = [a.user.email for a in users_of_organisation(vendor.organisation)
              if a.role == "vendor_user" and a.user.is_active]
    if vendor.contact_email:
        emails.append(vendor.contact_email)
    return emails
