from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404

from contracts.models import MasterAgreement
from contracts.selectors.agreements import agreement_get


def get_agreement(request, agreement_id: int) -> MasterAgreement:
    try:
        return agreement_get(agreement_id=agreement_id, actor=getattr(request, "actor", None))
    except MasterAgreement.DoesNotExist:
        raise Http404("No such agreement.")


def flash(request, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        messages.error(request, " ".join(" ".join(v) for v in exc.message_dict.values()))
    else:
        messages.error(request, " ".join(exc.messages))


def form_errors_from(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
