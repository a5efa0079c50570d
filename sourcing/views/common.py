"""Shared helpers for sourcing views."""

from __future__ import annotations

from django.http import Http404

from sourcing import selectors
from sourcing.models import Solicitation


def get_solicitation(request, solicitation_id: int) -> Solicitation:
    try:
        return selectors.solicitation_get(solicitation_id=solicitation_id,
                                          actor=getattr(request, "actor", None))
    except Solicitation.DoesNotExist:
        raise Http404("No such solicitation.")
