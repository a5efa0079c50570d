"""Loading rules from the data files: idempotent, atomic, audited."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts.acting import Actor, is_staff
from audit.actions import AuditAction
from audit.services import Entry, audit_record_many
from compliance.engine.schema import RuleData, RuleEntry, parse_rule_files
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
    return RuleVersion(
        rule=rule, number=number, kind=entry.kind, title=entry.title, citation=entry.citation,
        effective_from=entry.effective_from, effective_to=entry.effective_to,
        sureness=entry.sureness, applies_if=entry.applies_if, requires=entry.requires,
        note=entry.note, source_file=entry.source_file, data_version=entry.data_version,
        source_url=entry.source_url, checked_on=entry.checked_on, content_hash=entry.content_hash, created_at=now, load=load)


_PARSED: dict[tuple, RuleData] = {}


def _parsed(directory: Path, today) -> RuleData:
    """The parsed files, kept in memory while the files (names, sizes, modification times) and the
    day are the same: a process that loads the rules again (tests, benches) parses them once.
    The result is read only."""
    files = sorted(Path(directory).glob("*.yaml"))
    key = (str(directory), today, tuple((f.name, f.stat().st_mtime_ns, f.stat().st_size) for f in files))
    data = _PARSED.get(key)
    if data is None:
        data = parse_rule_files(directory, today=today)
        _PARSED.clear()
        _PARSED[key] = data
    return data


@transaction.atomic
def rules_load(*, directory: Path = RULES_DIR, actor: Actor) -> LoadReport:
    """Bring the rules in the database in line with the data files. A rule whose content changed
    gets a new version; the old version is retired, never edited. Raises
    `compliance.engine.schema.RuleDataError` (naming file, rule and field) before writing
    anything when the files are wrong.

    Rows are written in bulk (a first load creates about 50 jurisdictions, 600 rules and their
    versions) and their audit events are chained in one `audit_record_many`, in the order a
    row-by-row load would write them: jurisdictions, then each rule's new and retired versions,
    then the load itself."""
    if not is_staff(actor):
        raise PermissionDenied("Only consortium staff or an operator may load rules.")
    data = _parsed(directory, timezone.localdate())
    now = timezone.now()
    report = LoadReport(jurisdictions=len(data.jurisdictions))
    events: list[Entry] = []

    # Events name their rows by primary key when they are chained, after the bulk inserts.
    existing = {j.code: j for j in Jurisdiction.objects.all()}
    new_jurisdictions = []
    for entry in data.jurisdictions:
        j = existing.get(entry.code)
        if j is None:
            j = Jurisdiction(code=entry.code, name=entry.name, kind=entry.kind, details=entry.details)
            new_jurisdictions.append(j)
            existing[entry.code] = j
            events.append(Entry(action=AuditAction.JURISDICTION_CREATED, obj=j,
                                after={"code": j.code, "name": j.name, "kind": j.kind}))
        elif (j.name, j.kind, j.details) != (entry.name, entry.kind, entry.details):
            before = {"name": j.name, "kind": j.kind, "details": j.details}
            j.name, j.kind, j.details = entry.name, entry.kind, entry.details
            j.save()
            events.append(Entry(action=AuditAction.JURISDICTION_UPDATED, obj=j, before=before,
                                after={"name": j.name, "kind": j.kind, "details": j.details}))
    Jurisdiction.objects.bulk_create(new_jurisdictions)
    jurisdictions = {e.code: existing[e.code] for e in data.jurisdictions}

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
    new_rules = [Rule(rule_id=rule_id, jurisdiction=jurisdictions[entries[0].jurisdiction],
                      kind=entries[0].kind)
                 for rule_id, entries in wanted.items() if rule_id not in rules]
    Rule.objects.bulk_create(new_rules)
    rules.update({r.rule_id: r for r in new_rules})
    for rule_id, entries in wanted.items():
        rule, j = rules[rule_id], jurisdictions[entries[0].jurisdiction]
        if rule.jurisdiction_id != j.pk or rule.kind != entries[0].kind:
            Rule.objects.filter(pk=rule.pk).update(jurisdiction=j, kind=entries[0].kind)
    live = {}
    for v in RuleVersion.objects.filter(retired_at__isnull=True).select_related("rule"):
        live.setdefault(v.rule.rule_id, []).append(v)
    numbers = dict(RuleVersion.objects.values_list("rule_id").annotate(last=Max("number")))

    # Each rule's new versions (created in bulk) and retirements, in the rules' order.
    steps: list[tuple[str, object]] = []
    new_versions: list[RuleVersion] = []
    for rule_id, entries in wanted.items():
        rule = rules[rule_id]
        current = {v.content_hash: v for v in live.get(rule_id, [])}
        keep = set()
        for entry in entries:
            if entry.content_hash in current:
                keep.add(entry.content_hash)
                report.unchanged += 1
                continue
            numbers[rule.pk] = numbers.get(rule.pk, 0) + 1
            version = _version_from(entry, rule, numbers[rule.pk], the_load(), now)
            new_versions.append(version)
            steps.append(("created", (version, entry)))
            report.created += 1
        for digest, version in current.items():
            if digest not in keep:
                steps.append(("retired", version))
    for rule_id, versions in live.items():
        if rule_id not in wanted:
            steps.extend(("retired", version) for version in versions)
    RuleVersion.objects.bulk_create(new_versions, batch_size=500)
    for what, item in steps:
        if what == "created":
            version, entry = item
            events.append(Entry(action=AuditAction.RULE_VERSION_CREATED, obj=version, after=entry.content()))
        else:
            _retire(item, the_load(), now)
            events.append(Entry(action=AuditAction.RULE_VERSION_RETIRED, obj=item,
                                before={"retired_at": None}, after={"retired_at": now.isoformat()}))
            report.retired += 1
    if load is not None:
        load.created, load.retired, load.unchanged = report.created, report.retired, report.unchanged
        load.save()
        events.append(Entry(action=AuditAction.RULES_LOADED, obj=load,
                            object_repr=f"Rule load {clock.local(now):%Y-%m-%d %H:%M %Z}",
                            after={"files": data.files, "created": report.created,
                                   "retired": report.retired, "unchanged": report.unchanged}))
    audit_record_many(actor=actor, entries=events)
    report.load = load
    return report


def _retire(version: RuleVersion, load: RuleLoad, now) -> None:
    version.retired_at = now
    version.retired_by_load = load
    version.save(update_fields=["retired_at", "retired_by_load"])
