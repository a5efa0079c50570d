"""A draft's lines, one at a time (the editor adds and removes them in place). The same rules as
a whole draft's lines (`solicitations._clean_lines`), audited as a draft update; a published
solicitation changes only by addendum."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from accounts.acting import Actor, require_staff
from audit.actions import AuditAction
from audit.services import audit_record
from core.locks import lock
from sourcing.models import Solicitation, SolicitationLine
from sourcing.services.solicitations import _clean_lines, _state_of
from sourcing.states import SolicitationState as S

LINE_FIELDS = ("reference", "description", "unit", "estimated_quantity")


def _draft(solicitation: Solicitation) -> Solicitation:
    solicitation = lock(Solicitation.objects.all()).get(pk=solicitation.pk)
    if solicitation.state != S.DRAFT:
        raise ValidationError("Lines change only while the solicitation is a draft; publish an "
                              "addendum to change a published solicitation.")
    return solicitation


@transaction.atomic
def solicitation_line_add(*, solicitation: Solicitation, reference: str, description: str,
                          unit: str, estimated_quantity: Any, actor: Actor) -> SolicitationLine:
    """Add a line at the end of a draft."""
    require_staff(actor, "edit solicitations")
    solicitation = _draft(solicitation)
    existing = [{f: getattr(x, f) for f in LINE_FIELDS} for x in solicitation.lines.all()]
    new = {"reference": reference, "description": description, "unit": unit,
           "estimated_quantity": estimated_quantity}
    rows, errors = _clean_lines(existing + [new])
    prefix = f"lines[{len(rows)}]."
    mine = {key[len(prefix):]: text for key, text in errors.items() if key.startswith(prefix)}
    if mine:
        raise ValidationError(mine)
    before = _state_of(solicitation)
    last = solicitation.lines.aggregate(m=Max("position"))["m"] or 0
    line = rows[-1]
    line.solicitation, line.position = solicitation, last + 1
    line.save()
    audit_record(actor=actor, action=AuditAction.SOLICITATION_DRAFT_UPDATED, obj=solicitation,
                 before=before, after=_state_of(solicitation))
    return line


@transaction.atomic
def solicitation_line_remove(*, solicitation: Solicitation, line_id: int, actor: Actor) -> SolicitationLine:
    """Remove one line of a draft (not its last: a solicitation buys at least one thing); the
    lines after it move up."""
    require_staff(actor, "edit solicitations")
    solicitation = _draft(solicitation)
    line = solicitation.lines.filter(pk=line_id).first()
    if line is None:
        raise ValidationError("That line is not in this draft (it may have been removed already).")
    if solicitation.lines.count() == 1:
        raise ValidationError("A solicitation needs at least one line: add another before removing this one.")
    before = _state_of(solicitation)
    line.delete()
    for position, rest in enumerate(solicitation.lines.order_by("position"), start=1):
        if rest.position != position:
            rest.position = position
            rest.save(update_fields=["position"])
    audit_record(actor=actor, action=AuditAction.SOLICITATION_DRAFT_UPDATED, obj=solicitation,
                 before=before, after=_state_of(solicitation))
    return line
