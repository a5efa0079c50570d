"""A district's recorded compliance decisions as plain rows, for the members' bulk downloads
(bulkdata): what was decided, for which product, on which date and purpose, and the rule versions
it used. The full explanation stays on the decision's page (`compliance:decision`).

Who may read which district is the caller's decision (bulkdata.access); this selector only
filters by the district it is given."""

from __future__ import annotations

from collections import defaultdict
from typing import Iterator, Optional

from compliance.models import ComplianceDecision

VERDICT_LABELS = dict(ComplianceDecision.Verdict.choices)
CHUNK = 2000

DECISION_FIELDS = (
    "district_id", "district", "district_state", "decision_id", "decided_at", "on_date", "product_id",
    "product", "vendor", "purpose", "award_kind", "annual_value", "verdict", "summary", "rule_versions",
)


def decisions_for_export(*, district_id: Optional[int]):
    qs = ComplianceDecision.objects.all()
    if district_id is not None:
        qs = qs.filter(district_id=district_id)
    return qs


def decision_rows(*, district_id: Optional[int]) -> Iterator[tuple]:
    """Tuples of DECISION_FIELDS, oldest first (by id), read in chunks; `rule_versions` as
    "RULE-ID v2; OTHER v1"."""
    qs = decisions_for_export(district_id=district_id).order_by("pk").values_list(
        "district_id", "district__organisation__name", "district__state", "pk", "decided_at", "on_date",
        "product_id", "product__name", "product__vendor__legal_name", "purpose", "award_kind", "annual_value",
        "verdict", "summary")
    after = 0
    while True:
        chunk = list(qs.filter(pk__gt=after)[:CHUNK])
        if not chunk:
            return
        after = chunk[-1][3]
        versions = _versions([row[3] for row in chunk])
        for row in chunk:
            yield (*row[:12], VERDICT_LABELS.get(row[12], row[12]), row[13], "; ".join(versions.get(row[3], [])))


def _versions(decision_ids: list[int]) -> dict[int, list[str]]:
    through = ComplianceDecision.rule_versions.through
    found: dict[int, list[str]] = defaultdict(list)
    for did, rule, number in (through.objects.filter(compliancedecision_id__in=decision_ids)
                              .order_by("ruleversion__rule__rule_id", "ruleversion__number")
                              .values_list("compliancedecision_id", "ruleversion__rule__rule_id",
                                           "ruleversion__number")):
        found[did].append(f"{rule} v{number}")
    return found
