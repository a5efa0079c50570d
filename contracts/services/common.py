from __future__ import annotations

from django.core.exceptions import PermissionDenied

from accounts.acting import Actor
from contracts.models import MasterAgreement

STAFF = "consortium_staff"


def require_staff(actor: Actor, what: str) -> None:
    if not (actor.is_system or actor.role == STAFF):
        raise PermissionDenied(f"Only consortium staff may {what}.")


def require_staff_or_vendor(actor: Actor, agreement: MasterAgreement, what: str) -> None:
    if actor.is_system or actor.role == STAFF:
        return
    if actor.role == "vendor_user" and actor.acts_for(agreement.vendor.organisation):
        return
    raise PermissionDenied(f"Only consortium staff or {agreement.vendor} may {what}.")
