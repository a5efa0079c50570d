"""Reading the audit trail."""

from __future__ import annotations

from django.db.models import QuerySet

from audit.models import AuditEvent
from audit.redaction import exclude_sealed


def audit_events_for_object(*, object_type: str, object_id: str) -> QuerySet[AuditEvent]:
    return exclude_sealed(AuditEvent.objects.filter(object_type=object_type,
                                                    object_id=str(object_id))).order_by("-seq")


def audit_events_list(*, object_type: str = "", action: str = "", actor_email: str = "") -> QuerySet[AuditEvent]:
    qs = exclude_sealed(AuditEvent.objects.all()).order_by("-seq")
    if object_type:
        qs = qs.filter(object_type=object_type)
    if action:
        qs = qs.filter(action__startswith=action)
    if actor_email:
        qs = qs.filter(actor_email__iexact=actor_email)
    return qs


def audit_object_types() -> list[str]:
    return list(AuditEvent.objects.order_by().values_list("object_type", flat=True).distinct())
