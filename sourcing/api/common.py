"""The sourcing API's router and what every part of it shares."""

from django.http import Http404
from ninja import Router

from sourcing import selectors
from sourcing.models import Solicitation


router = Router(tags=["sourcing"])
P = "/solicitations/{solicitation_id}"


def solicitation_or_404(request, solicitation_id: int) -> Solicitation:
    try:
        return selectors.solicitation_get(solicitation_id=solicitation_id,
                                          actor=getattr(request, "actor", None))
    except Solicitation.DoesNotExist:
        raise Http404("No such solicitation.")
