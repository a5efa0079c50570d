"""Putting a service's ValidationError onto a form (or a message), for every app's views."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError


def readable(key: str) -> str:
    """'lines[2].tiers[1].unit_price' -> 'line 2, tier 1, unit price'."""
    text = key.replace("].", "], ").replace("[", " ").replace("]", "").replace("_", " ")
    return text.replace("lines", "line").replace("tiers", "tier").replace(".", ", ")


def error_text(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return " ".join(f"{readable(k)}: {' '.join(v)}" if k != "__all__" else " ".join(v)
                        for k, v in exc.message_dict.items())
    return " ".join(exc.messages)


def form_errors_from(form, exc: ValidationError) -> None:
    """Errors for the form's own fields go on them; the rest (e.g. 'lines[2].quantity') become
    form errors that name the field."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            if field in form.fields:
                form.add_error(field, errors)
            else:
                form.add_error(None, [f"{readable(field)}: {e}" if field != "__all__" else e for e in errors])
    else:
        form.add_error(None, exc.messages)


def flash_error(request, exc: ValidationError) -> None:
    messages.error(request, error_text(exc))
