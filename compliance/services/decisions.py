"""Recording a compliance decision: a verdict computed for a purpose, kept with the rule
versions it used, so it can be explained later even after the rules change."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Optional

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.acting import JOINERS, Actor, acts_as, is_staff
from audit.actions import AuditAction
from audit.services import audit_record
from catalog.models import Product
from compliance.models import ComplianceDecision, RuleVersion
from compliance.selectors.verdicts import compliance_check
from members.models import District


@transaction.atomic
def compliance_decision_record(*, district: District, product: Product, purpose: str,
                               on_date: Optional[dt.date] = None, award_kind: Optional[str] = None,
                               annual_value: Optional[Decimal] = None,
                               actor: Actor) -> ComplianceDecision:
    """Compute the verdict now and record it with its reasons and rule versions. Staff may
    record for any district; a district's buyer or approver for their own."""
    if not (is_staff(actor) or acts_as(actor, JOINERS, district.organisation)):
        raise PermissionDenied("Only consortium staff or the district's own buyer or approver "
                               "may record a compliance decision for it.")
    purpose = (purpose or "").strip()
    if not purpose:
        raise ValidationError({"purpose": "Say what the decision is for, e.g. 'order 2026-031'."})
    result = compliance_check(district=district, product=product, on_date=on_date,
                              award_kind=award_kind, annual_value=annual_value)
    verdict = result.verdict
    decision = ComplianceDecision.objects.create(
        district=district, product=product, on_date=result.request.on_date,
        award_kind=result.request.award_kind or "", annual_value=result.request.annual_value,
        purpose=purpose[:300], verdict=verdict.verdict, summary=verdict.summary,
        reasons=[r.as_dict() for r in verdict.reasons], decided_at=timezone.now(),
        decided_by=actor.user, decided_by_label=actor.describe()[:300])
    decision.rule_versions.set(RuleVersion.objects.filter(pk__in=verdict.rule_version_ids))
    audit_record(actor=actor, action=AuditAction.COMPLIANCE_DECISION_RECORDED, obj=decision,
                 after={"district": district.pk, "product": product.pk,
                        "on_date": decision.on_date.isoformat(), "verdict": decision.verdict,
                        "summary": decision.summary, "purpose": decision.purpose,
                        "rule_versions": verdict.rule_version_ids})
    return decision
