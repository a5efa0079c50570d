"""Rules as data, readable in the UI: every jurisdiction, rule, version and source."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from accounts.access import roles
from accounts.acting import EVERYONE
from compliance.selectors import rules as selectors
from compliance.selectors.coverage import state_coverage, tile_map


@roles(*EVERYONE)
def rules(request):
    code = request.GET.get("jurisdiction", "").strip().upper()
    versions = list(selectors.current_versions(code=code))
    today = timezone.localdate()
    groups: dict = {}
    for v in versions:
        groups.setdefault(v.rule.jurisdiction, []).append((v, v.in_force_on(today)))
    coverage = [] if code else state_coverage()
    return render(request, "compliance/rules.html", {
        "coverage": coverage, "map": tile_map(coverage) if coverage else None,
        "jurisdictions": selectors.jurisdictions_overview(), "groups": groups, "code": code,
        "researched": selectors.state_coverage(on_date=today),
        "load": selectors.latest_load(), "today": today})


@roles(*EVERYONE)
def rule(request, rule_id: str):
    found = selectors.rule_get(rule_id)
    if found is None:
        raise Http404("No such rule.")
    return render(request, "compliance/rule.html", {
        "rule": found, "versions": selectors.rule_versions(found), "today": timezone.localdate()})
