"""Shared helpers for sourcing views."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404

from sourcing import selectors
from sourcing.models import Solicitation


def get_solicitation(request, solicitation_id: int) -> Solicitation:
    try:
        return selectors.solicitation_get(solicitation_id=solicitation_id,
                                          actor=getattr(request, "actor", None))
    except Solicitation.DoesNotExist:
        raise Http404("No such solicitation.")


def error_text(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return " ".join(f"{readable(k)}: {' '.join(v)}" if k != "__all__" else " ".join(v)
                        for k, v in exc.message_dict.items())
    return " ".join(exc.messages)


def readable(key: str) -> str:
    """'lines[2].tiers[1].unit_price' -> 'line 2, tier 1, unit price'."""
    text = key.replace("].", "], ").replace("[", " ").replace("]", "").replace("_", " ")
    return text.replace("lines", "line").replace("tiers", "tier").replace(".", ", ")


def form_errors_from(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            if field in form.fields:
                form.add_error(field, errors)
            else:
                form.add_error(None, [f"{readable(field)}: {e}" if field != "__all__" else e
                                      for e in errors])
    else:
        form.add_error(None, exc.messages)


def flash_error(request, exc: ValidationError) -> None:
    messages.error(request, error_text(exc))
