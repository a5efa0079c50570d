"""Reading jurisdictions, rules and their versions, and recorded decisions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Optional

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from accounts.acting import STAFF, Actor
from compliance.engine.schema import REQUIRED_STATES
from compliance.models import ComplianceDecision, Jurisdiction, Rule, RuleLoad, RuleVersion


def state_codes() -> list[str]:
    """The state-like jurisdictions a district may be in, as matrix columns: the 50 states and DC
    (always, loaded or not), then any other loaded with kind `state` (e.g. PR), by code."""
    loaded = set(Jurisdiction.objects.filter(kind=Jurisdiction.Kind.STATE).values_list("code", flat=True))
    return list(REQUIRED_STATES) + sorted(loaded - set(REQUIRED_STATES))


def jurisdictions_overview(*, on_date: Optional[dt.date] = None) -> QuerySet[Jurisdiction]:
    """Every jurisdiction with the number of rule versions in force on the date."""
    day = on_date or timezone.localdate()
    in_force = (Q(rules__versions__retired_at__isnull=True)
                & (Q(rules__versions__effective_from__isnull=True) | Q(rules__versions__effective_from__lte=day))
                & (Q(rules__versions__effective_to__isnull=True) | Q(rules__versions__effective_to__gt=day)))
    return Jurisdiction.objects.annotate(rules_in_force=Count("rules__versions", filter=in_force)).order_by("kind", "name")


@dataclass(frozen=True)
class Coverage:
    """Which state-like jurisdictions have rules of their own in force (researched) and which
    have none (not researched: their verdict is "Not researched")."""

    researched: list[Jurisdiction]
    not_researched: list[Jurisdiction]

    @property
    def total(self) -> int:
        return len(self.researched) + len(self.not_researched)


def state_coverage(*, on_date: Optional[dt.date] = None) -> Coverage:
    researched, missing = [], []
    for j in jurisdictions_overview(on_date=on_date).filter(kind="state").order_by("name"):
        (researched if j.rules_in_force else missing).append(j)
    return Coverage(researched=researched, not_researched=missing)


def current_versions(*, code: str = "") -> QuerySet[RuleVersion]:
    """Versions in the current data (not retired), any effective period."""
    qs = (RuleVersion.objects.filter(retired_at__isnull=True)
          .select_related("rule__jurisdiction").order_by("rule__jurisdiction__name", "rule__rule_id", "effective_from"))
    if code:
        qs = qs.filter(rule__jurisdiction__code=code.upper())
    return qs


def rule_get(rule_id: str) -> Optional[Rule]:
    return Rule.objects.select_related("jurisdiction").filter(rule_id=rule_id).first()


def rule_versions(rule: Rule) -> QuerySet[RuleVersion]:
    return rule.versions.select_related("load", "retired_by_load").order_by("-number")


def latest_load() -> Optional[RuleLoad]:
    return RuleLoad.objects.order_by("-loaded_at").first()


def decision_get_for_actor(*, decision_id: int, actor: Actor) -> ComplianceDecision:
    decision = (ComplianceDecision.objects.select_related("district__organisation", "product__vendor__organisation")
                .filter(pk=decision_id).first())
    if decision is None:
        raise ComplianceDecision.DoesNotExist("No such decision.")
    if actor.role == STAFF or actor.acts_for(decision.district.organisation):
        return decision
    raise PermissionDenied("This decision belongs to another district.")


def decisions_of_district(district) -> QuerySet[ComplianceDecision]:
    return ComplianceDecision.objects.filter(district=district).select_related("product").order_by("-decided_at")
