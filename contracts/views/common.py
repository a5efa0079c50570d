from __future__ import annotations

from django.http import Http404

from contracts.models import MasterAgreement
from contracts.selectors.agreements import agreement_get


def get_agreement(request, agreement_id: int) -> MasterAgreement:
    try:
        return agreement_get(agreement_id=agreement_id, actor=getattr(request, "actor", None))
    except MasterAgreement.DoesNotExist:
        raise Http404("No such agreement.")
