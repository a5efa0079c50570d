"""Saving a buyer's need and matching it again. Every change of a need's status is audited."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction

from accounts.acting import JOINERS, Actor, acts_as
from audit.actions import AuditAction
from audit.services import audit_record, snapshot
from core.clock import now
from core.locks import lock
from matching.models import Need, NeedStatus
from matching.selectors import match, need_spec_of
from matching.spec import NeedSpec
from members.models import District

NEED_FIELDS = ("text", "must_haves", "nice_to_haves", "quantity", "budget_per_unit", "status",
               "result_count", "good_count", "top_product_ids")
# The same need saved again by the district within this time is the same save (a double submit).
REPEAT_WINDOW = dt.timedelta(minutes=10)
TOP = 10


def _apply(need: Need, outcome) -> None:
    need.status = NeedStatus.UNMET if outcome.is_unmet else NeedStatus.MATCHED
    need.result_count = len(outcome.results)
    need.good_count = outcome.good_count
    need.top_product_ids = [r.product.pk for r in outcome.results[:TOP]]
    need.matched_at = now()


@transaction.atomic
def need_save(*, district: District, spec: NeedSpec, actor: Actor) -> Need:
    """A buyer (or approver) of the district saves a need: it is matched now, and kept as an
    unmet need when nothing on contract fits (`matching.selectors`). Saving the same need again
    within ten minutes returns the need already saved."""
    if not (actor.is_system or acts_as(actor, JOINERS, district.organisation)):
        raise PermissionDenied("Only the district's buyers and approvers may save its needs.")
    district = lock(District.objects.filter(pk=district.pk)).get()
    budget = spec.budget_per_unit
    same = (Need.objects.filter(district=district, text=spec.text, must_haves=spec.must_haves,
                                nice_to_haves=spec.nice_to_haves, quantity=spec.quantity,
                                budget_per_unit=budget, created_at__gte=now() - REPEAT_WINDOW)
            .order_by("-pk").first())
    if same is not None:
        return same
    outcome = match(spec, district=district, limit=TOP)
    need = Need(district=district, created_by=actor.user, text=spec.text, must_haves=spec.must_haves,
                nice_to_haves=spec.nice_to_haves, quantity=spec.quantity, budget_per_unit=budget)
    _apply(need, outcome)
    if need.created_by_id is None:
        raise PermissionDenied("A need is saved by a person of the district.")
    need.save()
    audit_record(actor=actor, action=AuditAction.NEED_SAVED, obj=need, after=snapshot(need, NEED_FIELDS))
    if need.status == NeedStatus.UNMET:
        audit_record(actor=actor, action=AuditAction.NEED_UNMET, obj=need,
                     after={"status": need.status, "result_count": need.result_count})
    return need


@transaction.atomic
def need_rematch(*, need: Need, actor: Actor) -> Need:
    """Match a saved need again (the catalog and agreements change); a change of status (unmet
    <-> matched) is audited."""
    if not (actor.is_system or acts_as(actor, JOINERS, need.district.organisation)):
        raise PermissionDenied("Only the district's buyers and approvers may match its needs again.")
    lock(District.objects.filter(pk=need.district_id)).get()
    need = Need.objects.select_related("district").get(pk=need.pk)
    before = snapshot(need, NEED_FIELDS)
    _apply(need, match(need_spec_of(need), district=need.district, limit=TOP))
    need.save()
    if need.status != before["status"]:
        action = AuditAction.NEED_UNMET if need.status == NeedStatus.UNMET else AuditAction.NEED_MATCHED
        audit_record(actor=actor, action=action, obj=need, before=before, after=snapshot(need, NEED_FIELDS))
    return need
