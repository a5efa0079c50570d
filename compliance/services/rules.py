"""Loading rules from the data files: idempotent, atomic, audited."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from accounts.acting import Actor, is_staff
from audit.actions import AuditAction
from audit.services import audit_record
from compliance.engine.schema import RuleEntry, parse_rule_files
from compliance.models import Jurisdiction, Rule, RuleLoad, RuleVersion
from core import clock

RULES_DIR = Path(__file__).resolve().parents[1] / "data" / "rules"


@dataclass
class LoadReport:
    jurisdictions: int = 0
    rules: int = 0
    created: int = 0
    retired: int = 0
    unchanged: int = 0
    load: RuleLoad | None = None

    @property
    def changed(self) -> bool:
        return bool(self.created or self.retired)


def _version_from(entry: RuleEntry, rule: Rule, number: int, load: RuleLoad, now) -> RuleVersion:
    return RuleVersion.objects.create(
        rule=rule, number=number, kind=entry.kind, title=entry.title, citation=entry.citation,
        effective_from=entry.effective_from, effective_to=entry.effective_to,
        sureness=entry.sureness, applies_if=entry.applies_if, requires=entry.requires,
        note=entry.note, source_file=entry.source_file, data_version=entry.data_version,
        source_url=entry.source_url, checked_on=entry.checked_on, content_hash=entry.content_hash, created_at=now, load=load)


@transaction.atomic
def rules_load(*, directory: Path = RULES_DIR, actor: Actor) -> LoadReport:
    """Bring the rules in the database in line with the data files. A rule whose content changed
    gets a new version; the old version is retired, never edited. Raises
    `compliance.engine.schema.RuleDataError` (naming file, rule and field) before writing
    anything when the files are wrong."""
    if not is_staff(actor):
        raise PermissionDenied("Only consortium staff or an operator may load rules.")
    data = parse_rule_files(directory, today=timezone.localdate())
    now = timezone.now()
    report = LoadReport(jurisdictions=len(data.jurisdictions))
    jurisdictions = {}
    for entry in data.jurisdictions:
        j, created = Jurisdiction.objects.get_or_create(
            code=entry.code, defaults={"name": entry.name, "kind": entry.kind, "details": entry.details})
        if not created and (j.name, j.kind, j.details) != (entry.name, entry.kind, entry.details):
            before = {"name": j.name, "kind": j.kind, "details": j.details}
            j.name, j.kind, j.details = entry.name, entry.kind, entry.details
            j.save()
            audit_record(actor=actor, action=AuditAction.JURISDICTION_UPDATED, obj=j, before=before,
                         after={"name": j.name, "kind": j.kind, "details": j.details})
        elif created:
            audit_record(actor=actor, action=AuditAction.JURISDICTION_CREATED, obj=j,
                         after={"code": j.code, "name": j.name, "kind": j.kind})
        jurisdictions[entry.code] = j

    load = None

    def the_load() -> RuleLoad:
        nonlocal load
        if load is None:
            load = RuleLoad.objects.create(loaded_at=now, files=data.files)
        return load

    wanted: dict[str, list[RuleEntry]] = {}
    for entry in data.rules:
        wanted.setdefault(entry.rule_id, []).append(entry)
    report.rules = len(wanted)
    rules = {r.rule_id: r for r in Rule.objects.select_related("jurisdiction")}
    live = {}
    for v in RuleVersion.objects.filter(retired_at__isnull=True).select_related("rule"):
        live.setdefault(v.rule.rule_id, []).append(v)
    for rule_id, entries in wanted.items():
        rule = rules.get(rule_id)
        j = jurisdictions[entries[0].jurisdiction]
        if rule is None:
            rule = Rule.objects.create(rule_id=rule_id, jurisdiction=j, kind=entries[0].kind)
            rules[rule_id] = rule
        elif rule.jurisdiction_id != j.pk or rule.kind != entries[0].kind:
            Rule.objects.filter(pk=rule.pk).update(jurisdiction=j, kind=entries[0].kind)
        current = {v.content_hash: v for v in live.get(rule_id, [])}
        keep = set()
        for entry in entries:
            if entry.content_hash in current:
                keep.add(entry.content_hash)
                report.unchanged += 1
                continue
            number = (RuleVersion.objects.filter(rule=rule).order_by("-number")
                      .values_list("number", flat=True).first() or 0) + 1
            version = _version_from(entry, rule, number, the_load(), now)
            audit_record(actor=actor, action=AuditAction.RULE_VERSION_CREATED, obj=version,
                         after=entry.content())
            report.created += 1
        for digest, version in current.items():
            if digest not in keep:
                _retire(version, the_load(), now, actor)
                report.retired += 1
    for rule_id, versions in live.items():
        if rule_id not in wanted:
            for version in versions:
                _retire(version, the_load(), now, actor)
                report.retired += 1
    if load is not None:
        load.created, load.retired, load.unchanged = report.created, report.retired, report.unchanged
        load.save()
        audit_record(actor=actor, action=AuditAction.RULES_LOADED, obj=load,
                     object_repr=f"Rule load {clock.local(now):%Y-%m-%d %H:%M %Z}",
                     after={"files": data.files, "created": report.created,
                            "retired": report.retired, "unchanged": report.unchanged})
    report.load = load
    return report


def _retire(version: RuleVersion, load: RuleLoad, now, actor: Actor) -> None:
    version.retired_at = now
    version.retired_by_load = load
    version.save(update_fields=["retired_at", "retired_by_load"])
    audit_record(actor=actor, action=AuditAction.RULE_VERSION_RETIRED, obj=version,
                 before={"retired_at": None}, after={"retired_at": now.isoformat()})
