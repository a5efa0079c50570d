"""Reading the audit trail as people see it: without the events that are sealed for now (see
`audit.redaction`), and with filters built from the visible events only."""

from __future__ import annotations

from typing import Any, Iterable, Optional

from django.db.models import F, Q, QuerySet

from audit.models import AuditEvent
from audit.redaction import exclude_sealed
from core.labels import labelled, model_label


def audit_events_visible() -> QuerySet[AuditEvent]:
    return exclude_sealed(AuditEvent.objects.all())


def audit_events_for_object(*, object_type: str, object_id: str) -> QuerySet[AuditEvent]:
    return exclude_sealed(AuditEvent.objects.filter(object_type=object_type,
                                                    object_id=str(object_id))).order_by("-seq")


def audit_events_list(*, object_type: str = "", action: str = "", actor_email: str = "") -> QuerySet[AuditEvent]:
    qs = audit_events_visible().order_by("-seq")
    if object_type:
        qs = qs.filter(object_type=object_type)
    if action:
        qs = qs.filter(action__startswith=action)
    if actor_email:
        qs = qs.filter(actor_email__iexact=actor_email)
    return qs


def object_type_label(object_type: str) -> str:
    """A human name for an object type such as "sourcing.bid" (its model's verbose name)."""
    return model_label(object_type) or object_type


def audit_object_types() -> list[tuple[str, str]]:
    """(object type, label) of the visible events only, by label: a type whose events are all
    sealed (e.g. bids before the deadline) is not listed."""
    types = audit_events_visible().order_by().values_list("object_type", flat=True).distinct()
    return sorted(((t, object_type_label(t)) for t in types), key=lambda x: (x[1].lower(), x[0]))


def audit_actions() -> list[tuple[str, str]]:
    """(action code, label) of the visible events only, by label: the filter's options."""
    return labelled(audit_events_visible().order_by().values_list("action", flat=True).distinct())


def audit_changes_after(*, actions: Iterable[str], after_seq: int, up_to_seq: Optional[int] = None,
                        fields: Optional[dict[str, tuple[str, ...]]] = None) -> list[tuple[int, str, str, str, Any]]:
    """(seq, action, object_type, object_id, before) of the events of `actions` after event
    `after_seq` (and up to `up_to_seq` when given), oldest first: one query. What a value was
    when an earlier event happened is the `before` of the first change after it (open data reads
    names as of its releases this way). `fields` {action: keys} leaves out the events of that
    action whose before and after agree on every one of those keys (e.g. a product's facts edited,
    its name kept): they changed none of them."""
    qs = AuditEvent.objects.filter(action__in=list(actions), seq__gt=after_seq)
    if up_to_seq is not None:
        qs = qs.filter(seq__lte=up_to_seq)
    for action, keys in (fields or {}).items():
        same = Q(action=action)
        for key in keys:  # a key absent or null on either side compares unknown: the event is kept
            same &= Q(**{f"before__{key}": F(f"after__{key}")})
        qs = qs.exclude(same)
    return list(qs.order_by("seq").values_list("seq", "action", "object_type", "object_id", "before"))
