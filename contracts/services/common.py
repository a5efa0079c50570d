from __future__ import annotations

from django.core.exceptions import PermissionDenied

from accounts.acting import VENDOR, Actor, acts_as, is_staff
from contracts.models import MasterAgreement


def require_staff_or_vendor(actor: Actor, agreement: MasterAgreement, what: str) -> None:
    """Consortium staff (or the system), or the agreement's own vendor."""
    if is_staff(actor) or acts_as(actor, VENDOR, agreement.vendor.organisation):
        return
    raise PermissionDenied(f"Only consortium staff or {agreement.vendor} may {what}.")
