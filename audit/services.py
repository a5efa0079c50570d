"""Recording audit events. Every service that changes state calls `audit_record` inside its
transaction, so the change and its record commit together or not at all."""

from __future__ import annotations

import hashlib
import json
from datetime import timezone as dt_timezone
from dataclasses import dataclass
from typing import Any, Iterable, Optional

from django.core.serializers.json import DjangoJSONEncoder
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from accounts.acting import Actor
from audit.actions import AuditAction, known_action
from audit.models import AuditEvent, AuditHead
from core.locks import lock
from core.requestid import current_request_id

GENESIS_HASH = "0" * 64


def to_json(value: Any) -> Any:
    """Normalise a value to plain JSON types (Decimal and dates become strings)."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The named fields of a model instance as JSON (file fields become their stored name)."""
    data: dict[str, Any] = {}
    for name in fields:
        value = getattr(instance, name)
        if isinstance(value, models.Model):
            value = value.pk
        elif hasattr(value, "name") and hasattr(value, "storage"):  # FieldFile
            value = value.name or None
        data[name] = value
    return to_json(data)


def object_type_of(obj: models.Model) -> str:
    return f"{obj._meta.app_label}.{obj._meta.model_name}"


def event_payload(event: AuditEvent) -> dict[str, Any]:
    """The fields covered by an event's hash, in a canonical form.

    `request_id` is covered only when the event has one: events stored before the field existed
    (and those recorded outside a request) hash exactly as they always did, so the chain of an
    older database still verifies, and a request id once stored cannot be changed unnoticed."""
    payload = {
        "seq": event.seq,
        "occurred_at": event.occurred_at.astimezone(dt_timezone.utc).isoformat(timespec="microseconds"),
        "actor_user_id": event.actor_user_id,
        "actor_email": event.actor_email,
        "actor_organisation_id": event.actor_organisation_id,
        "actor_organisation_name": event.actor_organisation_name,
        "actor_role": event.actor_role,
        "actor_label": event.actor_label,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_repr": event.object_repr,
        "before": event.before,
        "after": event.after,
        "prev_hash": event.prev_hash,
    }
    if event.request_id is not None:
        payload["request_id"] = event.request_id
    return payload


def event_hash(event: AuditEvent) -> str:
    canonical = json.dumps(event_payload(event), sort_keys=True, separators=(",", ":"),
                           ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


HEAD_REBUILT = AuditAction.AUDIT_HEAD_REBUILT
INCIDENT_ACKNOWLEDGED = AuditAction.AUDIT_INCIDENT_ACKNOWLEDGED
CHAIN_OBJECT = "audit.chain"


def _locked_head() -> AuditHead:
    """Lock the chain head (creating it if a database flush removed it). The head is the last lock
    any transaction takes (core.locks).

    A missing head with events still stored is not normal (a flush removes both): someone may
    have removed the newest events and the head with them. The head is rebuilt from the newest
    event left, and that fact is itself chained as an incident that `audit verify` reports until
    an operator acknowledges it."""
    head = lock(AuditHead.objects.filter(pk=1), name="audit.head").first()
    if head is None:
        last = AuditEvent.objects.order_by("-seq").first()
        _, created = AuditHead.objects.get_or_create(pk=1, defaults={
            "last_seq": last.seq if last else 0, "last_hash": last.hash if last else GENESIS_HASH})
        head = lock(AuditHead.objects.filter(pk=1), name="audit.head").get()
        if created and last is not None:
            _append(head, actor=Actor.system("audit chain"), action=HEAD_REBUILT, object_type=CHAIN_OBJECT,
                    object_id="head", object_repr="Audit chain head",
                    after={"rebuilt_after_seq": last.seq, "rebuilt_after_hash": last.hash,
                           "reason": "The chain's head row was missing while events were stored: the "
                                     "newest events may have been removed."})
    return head


def _build(head: AuditHead, *, actor: Actor, action: AuditAction, object_type: str, object_id: str,
           object_repr: str, before: Optional[dict[str, Any]] = None,
           after: Optional[dict[str, Any]] = None, occurred_at=None) -> AuditEvent:
    """The next event after the (locked) head, hashed but not saved; the head moves in memory."""
    user = actor.user
    organisation = actor.organisation
    event = AuditEvent(
        seq=head.last_seq + 1,
        occurred_at=occurred_at or timezone.now(),
        actor_user=user,
        actor_email=user.email if user else "",
        actor_organisation=organisation,
        actor_organisation_name=organisation.name if organisation else "",
        actor_role=actor.role,
        actor_label=actor.label[:200],
        action=action.value,
        object_type=object_type,
        object_id=str(object_id),
        object_repr=object_repr[:300],
        before=to_json(before) if before is not None else None,
        after=to_json(after) if after is not None else None,
        prev_hash=head.last_hash,
        request_id=current_request_id(),
    )
    event.hash = event_hash(event)
    head.last_seq, head.last_hash = event.seq, event.hash
    return event


def _append(head: AuditHead, **fields: Any) -> AuditEvent:
    """Chain one event after the (locked) head and move the head."""
    event = _build(head, **fields)
    event.save()
    AuditHead.objects.filter(pk=1).update(last_seq=event.seq, last_hash=event.hash)
    return event


@transaction.atomic
def audit_record(
    *,
    actor: Actor,
    action: AuditAction,
    obj: Optional[models.Model] = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    before: Optional[dict[str, Any]] = None,
    after: Optional[dict[str, Any]] = None,
) -> AuditEvent:
    """Append one event to the chain: who (acting for which organisation, in which role) did
    `action` (a member of `audit.actions.AuditAction`; any other action is refused with
    ValueError) to which object, with its state before and after."""
    action = known_action(action)
    if obj is not None:
        object_type = object_type or object_type_of(obj)
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:300]
    if not object_type:
        raise ValueError("An audit event needs an object type.")
    return _append(_locked_head(), actor=actor, action=action, object_type=object_type,
                   object_id=str(object_id), object_repr=object_repr, before=before, after=after)


@dataclass(frozen=True)
class Entry:
    """One event of `audit_record_many`: the same fields as `audit_record`'s."""
    action: AuditAction
    obj: Optional[models.Model] = None
    object_type: str = ""
    object_id: str = ""
    object_repr: str = ""
    before: Optional[dict[str, Any]] = None
    after: Optional[dict[str, Any]] = None


@transaction.atomic
def audit_record_many(*, actor: Actor, entries: Iterable[Entry]) -> list[AuditEvent]:
    """Append many events by one actor at once, in the given order: the same chain as calling
    `audit_record` for each (one lock of the head, one insert of all the rows, one move of the
    head). For bulk work such as loading the rules (hundreds of versions in one load)."""
    prepared = []
    for entry in entries:
        action = known_action(entry.action)
        object_type, object_id, object_repr = entry.object_type, entry.object_id, entry.object_repr
        if entry.obj is not None:
            object_type = object_type or object_type_of(entry.obj)
            object_id = object_id or str(entry.obj.pk)
            object_repr = object_repr or str(entry.obj)[:300]
        if not object_type:
            raise ValueError("An audit event needs an object type.")
        prepared.append(dict(action=action, object_type=object_type, object_id=str(object_id),
                             object_repr=object_repr, before=entry.before, after=entry.after))
    if not prepared:
        return []
    head = _locked_head()
    now = timezone.now()
    events = [_build(head, actor=actor, occurred_at=now, **fields) for fields in prepared]
    AuditEvent.objects.bulk_create(events, batch_size=500)
    AuditHead.objects.filter(pk=1).update(last_seq=head.last_seq, last_hash=head.last_hash)
    return events


@transaction.atomic
def audit_incident_acknowledge(*, seq: int, note: str, actor: Actor) -> AuditEvent:
    """An operator records that an incident of the chain (a rebuilt head) was reviewed."""
    incident = AuditEvent.objects.filter(seq=seq, action=HEAD_REBUILT).first()
    if incident is None:
        raise ValidationError({"seq": f"Event #{seq} is not an incident of the audit chain."})
    note = (note or "").strip()
    if not note or "\x00" in note or len(note) > 2000:
        raise ValidationError({"note": "Say what was reviewed and found (up to 2,000 characters)."})
    return audit_record(actor=actor, action=INCIDENT_ACKNOWLEDGED, object_type=CHAIN_OBJECT,
                        object_id=str(seq), object_repr=f"Incident #{seq}",
                        after={"incident_seq": seq, "note": note})


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    event_id: Optional[int]
    reason: str


@dataclass(frozen=True)
class ChainReport:
    checked: int
    problem: Optional[ChainProblem]
    last_hash: str = GENESIS_HASH
    acknowledged: tuple[int, ...] = ()  # incidents reviewed by an operator
    checkpoints: int = 0  # checkpoints kept outside the database that the chain was checked against

    @property
    def ok(self) -> bool:
        return self.problem is None


def audit_chain_verify(*, checkpoints: Iterable = ()) -> ChainReport:
    """Walk the whole chain; report the first event whose content, position or link is wrong,
    that the newest events are missing (by the head row, or by a checkpoint kept outside the
    database: `audit.checkpoints`), or an incident (the head rebuilt) nobody has acknowledged."""
    checkpoints = list(checkpoints)
    wanted = {c.seq for c in checkpoints}
    seen: dict[int, str] = {}
    incidents: dict[int, AuditEvent] = {}
    acknowledged: set[int] = set()
    expected_seq = 1
    prev_hash = GENESIS_HASH
    checked = 0
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=2000):
        if event.seq != expected_seq:
            return ChainReport(checked, ChainProblem(
                expected_seq, None,
                f"event #{expected_seq} is missing (the next stored event is #{event.seq})"))
        if event.prev_hash != prev_hash:
            return ChainReport(checked, ChainProblem(
                event.seq, event.pk,
                f"event #{event.seq} does not link to the event before it (prev_hash differs)"))
        if event_hash(event) != event.hash:
            return ChainReport(checked, ChainProblem(
                event.seq, event.pk,
                f"event #{event.seq} ({event.action} {event.object_type}:{event.object_id}) "
                f"was altered: its content no longer matches its hash"))
        if event.seq in wanted:
            seen[event.seq] = event.hash
        if event.action == HEAD_REBUILT:
            incidents[event.seq] = event
        elif event.action == INCIDENT_ACKNOWLEDGED and isinstance(event.after, dict):
            acknowledged.add(event.after.get("incident_seq"))
        prev_hash = event.hash
        expected_seq += 1
        checked += 1
    head = AuditHead.objects.filter(pk=1).first()
    if head is None:
        return ChainReport(checked, ChainProblem(0, None, "the audit chain head row is missing"))
    if head.last_seq != checked or head.last_hash != prev_hash:
        return ChainReport(checked, ChainProblem(
            checked + 1, None,
            f"the chain ends at event #{checked} but {head.last_seq} events were recorded: "
            f"the newest events were removed"))
    for checkpoint in sorted(checkpoints, key=lambda c: -c.seq):
        if checkpoint.seq > checked:
            return ChainReport(checked, ChainProblem(
                checked + 1, None,
                f"the chain ends at event #{checked}, but the checkpoint kept outside the database "
                f"({checkpoint.source}) says event #{checkpoint.seq} existed: the newest events were removed"))
        if seen.get(checkpoint.seq) != checkpoint.hash:
            return ChainReport(checked, ChainProblem(
                checkpoint.seq, None,
                f"event #{checkpoint.seq} is not the event the checkpoint kept outside the database "
                f"({checkpoint.source}) recorded: the chain was rewritten from there or before"))
    for seq, incident in sorted(incidents.items()):
        if seq not in acknowledged:
            after = incident.after or {}
            return ChainReport(checked, ChainProblem(
                seq, incident.pk,
                f"the audit chain head was missing and was rebuilt at event #{seq} "
                f"({timezone.localtime(incident.occurred_at):%Y-%m-%d %H:%M %Z}), after event "
                f"#{after.get('rebuilt_after_seq')}: events after #{after.get('rebuilt_after_seq')} may "
                f"have been removed. Compare with the checkpoints you kept, then record the review "
                f"with `edpool audit acknowledge {seq} --note ...`"))
    return ChainReport(checked, None, prev_hash, acknowledged=tuple(sorted(s for s in acknowledged if s in incidents)),
                       checkpoints=len(checkpoints))
