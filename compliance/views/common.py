from __future__ import annotations

from django.http import Http404

from accounts.models import Role
from members.selectors import district_of_organisation
from vendors.selectors import vendor_of_organisation

STAFF = Role.CONSORTIUM_STAFF
VENDOR = Role.VENDOR_USER
DISTRICT_ROLES = (Role.DISTRICT_BUYER, Role.DISTRICT_APPROVER, Role.EVALUATOR)
JOINERS = (Role.DISTRICT_BUYER, Role.DISTRICT_APPROVER)
EVERYONE = (STAFF, *DISTRICT_ROLES, VENDOR)


def own_district(request):
    """None for staff; the actor's district for district roles (404 if not a district)."""
    if request.actor.role == STAFF:
        return None
    district = district_of_organisation(request.actor.organisation)
    if district is None:
        raise Http404("Your organisation is not a district.")
    return district


def own_vendor(request):
    vendor = vendor_of_organisation(request.actor.organisation)
    if vendor is None:
        raise Http404("Your organisation is not a vendor.")
    return vendor
