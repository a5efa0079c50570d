"""The sourcing API's router and what every part of it shares."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import Router

from accounts.models import Role
from sourcing import selectors
from sourcing.models import Solicitation
from vendors.selectors import vendor_of_organisation


router = Router(tags=["sourcing"])
STAFF, VENDOR, EVALUATOR = Role.CONSORTIUM_STAFF, Role.VENDOR_USER, Role.EVALUATOR
P = "/solicitations/{solicitation_id}"


def solicitation_or_404(request, solicitation_id: int) -> Solicitation:
    try:
        return selectors.solicitation_get(solicitation_id=solicitation_id,
                                          actor=getattr(request, "actor", None))
    except Solicitation.DoesNotExist:
        raise Http404("No such solicitation.")


def acting_vendor(request):
    vendor = vendor_of_organisation(request.actor.organisation)
    if vendor is None:
        raise PermissionDenied("Your organisation is not a vendor.")
    return vendor
