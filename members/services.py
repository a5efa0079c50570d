"""Changing districts and memberships. Each function validates, saves and records an audit event."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from typing import Optional

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.acting import APPROVER, STAFF, Actor
from audit.actions import AuditAction, membership_step
from audit.services import Entry, audit_record, audit_record_many, snapshot
from core.documents import validate_pdf
from core.limits import check_money
from members.models import District, Membership
from core.transitions import Transition
from members.states import APPLY_DISTRICT_ROLES, TRANSITIONS, WHO, MembershipState
from orgs.models import OrganisationKind
from orgs.services import organisation_check, organisation_create, organisation_update, organisations_create
from core.locks import lock
from core.textguard import text_problems

DISTRICT_FIELDS = ("state", "nces_leaid", "state_leaid", "lea_type", "county", "city", "zip_code",
                   "latitude", "longitude", "directory_status", "enrollment", "enrollment_year",
                   "enrollment_source", "enrollment_is_estimate", "population",
                   "population_year", "population_source")
MEMBERSHIP_FIELDS = ("state", "board_approved_on", "resolution_number", "resolution_document",
                     "agreement_signed_on", "agreement_signed_by", "member_since",
                     "suspended_reason", "withdrawn_on", "withdrawn_reason")


@dataclass
class DistrictRecord:
    """What a directory file says about one LEA. None means "the file does not say"."""

    name: str
    state: str
    nces_leaid: Optional[str] = None
    state_leaid: Optional[str] = None
    lea_type: Optional[str] = None
    county: Optional[str] = None
    city: Optional[str] = None
    zip_code: Optional[str] = None
    latitude: Optional[object] = None
    longitude: Optional[object] = None
    directory_status: Optional[str] = None
    enrollment: Optional[int] = None
    enrollment_year: Optional[int] = None
    enrollment_source: Optional[str] = None
    enrollment_is_estimate: Optional[bool] = None
    population: Optional[int] = None
    population_year: Optional[int] = None
    population_source: Optional[str] = None


def district_find(*, nces_leaid: Optional[str], state_leaid: Optional[str]) -> Optional[District]:
    district = None
    if state_leaid:
        district = District.objects.filter(state_leaid=state_leaid).select_related("organisation").first()
    if district is None and nces_leaid:
        district = District.objects.filter(nces_leaid=nces_leaid).select_related("organisation").first()
    return district


_NOT_LOOKED_UP = object()


def _record_values(record: DistrictRecord) -> dict:
    return {f.name: getattr(record, f.name) for f in fields(record)
            if f.name != "name" and getattr(record, f.name) is not None}


def _require_an_id(record: DistrictRecord) -> None:
    if not (record.nces_leaid or record.state_leaid):
        raise ValidationError("A district needs an NCES LEAID or a state LEA id.")


def _checked_new(record: DistrictRecord) -> District:
    """A new district from the record, not saved and without its organisation: its fields'
    formats and lengths checked (uniqueness is the database's job: constraints)."""
    district = District(**_record_values(record))
    district.full_clean(exclude=["organisation"], validate_unique=False, validate_constraints=False)
    return district


@transaction.atomic
def district_upsert(*, record: DistrictRecord, actor: Actor,
                    existing=_NOT_LOOKED_UP) -> tuple[District, str]:
    """Create the district or update it from a directory record. Returns (district, outcome)
    where outcome is "created", "updated" or "unchanged". `existing` lets a bulk import pass the
    district it already looked up (or None)."""
    _require_an_id(record)
    district = (district_find(nces_leaid=record.nces_leaid, state_leaid=record.state_leaid)
                if existing is _NOT_LOOKED_UP else existing)
    values = _record_values(record)
    if district is None:
        district = _checked_new(record)
        district.organisation = organisation_create(kind=OrganisationKind.DISTRICT, name=record.name,
                                                    state=record.state, actor=actor)
        district.save()
        audit_record(actor=actor, action=AuditAction.DISTRICT_CREATED, obj=district,
                     after=snapshot(district, DISTRICT_FIELDS))
        return district, "created"
    before = snapshot(district, DISTRICT_FIELDS)
    for name, value in values.items():
        setattr(district, name, value)
    district.full_clean(exclude=["organisation"], validate_unique=False, validate_constraints=False)
    after = snapshot(district, DISTRICT_FIELDS)
    renamed = district.organisation.name != record.name or district.organisation.state != record.state
    if renamed:
        organisation_update(organisation=district.organisation, name=record.name,
                            state=record.state, actor=actor)
    if after != before:
        district.save()
        audit_record(actor=actor, action=AuditAction.DISTRICT_UPDATED, obj=district, before=before,
                     after=after)
    return district, ("updated" if (after != before or renamed) else "unchanged")


def _may_act_for_district(actor: Actor, district: District, district_roles: tuple[str, ...],
                          staff: bool) -> bool:
    if actor.is_system:
        return True
    if staff and actor.role == STAFF:
        return True
    return actor.role in district_roles and actor.acts_for(district.organisation)


def _may_take(actor: Actor, district: District, action: str) -> bool:
    who = WHO[action]
    return _may_act_for_district(actor, district, who.district_roles, who.staff)


def membership_open(district: District) -> Optional[Membership]:
    return district.memberships.exclude(state=MembershipState.WITHDRAWN).first()


@transaction.atomic
def membership_apply(*, district: District, contact_name: str = "", contact_email: str = "",
                     note: str = "", applied_at: Optional[dt.datetime] = None,
                     actor: Actor) -> Membership:
    """A district applies to join (its buyer or approver, or staff on its behalf). Staff may
    record an application received earlier (on paper) with its date, `applied_at`."""
    if not _may_act_for_district(actor, district, APPLY_DISTRICT_ROLES, staff=True):
        raise PermissionDenied("Only the district's own buyer or approver, or consortium staff, "
                               "may apply for it.")
    lock(District.objects.all()).filter(pk=district.pk).first()
    if applied_at is not None and actor.role != STAFF and not actor.is_system:
        raise PermissionDenied("Only consortium staff may record an application's date.")
    if applied_at is not None and applied_at > timezone.now():
        raise ValidationError({"applied_at": "The application date cannot be in the future."})
    existing = membership_open(district)
    if existing is not None:
        raise ValidationError(f"{district.name} already has a membership that is "
                              f"{existing.get_state_display().lower()}.")
    membership = Membership.objects.create(
        district=district, state=MembershipState.APPLIED, applied_at=applied_at or timezone.now(),
        contact_name=contact_name.strip(), contact_email=contact_email.strip(),
        application_note=note.strip())
    audit_record(actor=actor, action=AuditAction.MEMBERSHIP_APPLIED, obj=membership,
                 after=snapshot(membership, MEMBERSHIP_FIELDS))
    return membership


def membership_allowed_transitions(*, membership: Membership, actor: Actor) -> list[Transition]:
    """The steps this actor may take on this membership now."""
    return [t for t in TRANSITIONS.allowed_from(membership.state)
            if _may_take(actor, membership.district, t.action)]


# One service per step of members.states.TRANSITIONS. Each locks the membership, checks the step
# against the table and the actor against members.states.WHO, validates its inputs, saves and
# records the step in the audit trail (audit.actions.membership_step).

def _step_begin(membership: Membership, action: str, actor: Actor) -> tuple[Membership, str, dict]:
    """Lock the membership and check the step; return it, the state it leads to and a snapshot."""
    membership = lock(Membership.objects.all()).select_related(
        "district__organisation").get(pk=membership.pk)
    target = TRANSITIONS.check(membership.state, action, field="action")
    if not _may_take(actor, membership.district, action):
        raise PermissionDenied(f"You may not {TRANSITIONS[action].label.lower()} for this district.")
    return membership, target, snapshot(membership, MEMBERSHIP_FIELDS)


def _step_date(membership: Membership, on_date: Optional[dt.date]) -> dt.date:
    """The day a step took place: today unless given, never in the future nor before the
    application."""
    today = timezone.localdate()
    on_date = on_date or today
    if on_date > today:
        raise ValidationError({"on_date": "The date cannot be in the future."})
    applied_on = timezone.localdate(membership.applied_at)
    if on_date < applied_on:
        raise ValidationError({"on_date": f"The date cannot be before the application ({applied_on:%Y-%m-%d})."})
    return on_date


def _reason(reason: str) -> str:
    if not reason.strip():
        raise ValidationError({"reason": "Give the reason."})
    return reason.strip()


def _step_end(membership: Membership, action: str, target: str, before: dict, actor: Actor) -> Membership:
    membership.state = target
    membership.save()
    audit_record(actor=actor, action=membership_step(action), obj=membership, before=before,
                 after=snapshot(membership, MEMBERSHIP_FIELDS))
    return membership


@transaction.atomic
def membership_approve_board(*, membership: Membership, resolution_document: Optional[UploadedFile],
                             resolution_number: str = "", on_date: Optional[dt.date] = None,
                             actor: Actor) -> Membership:
    """Record the district board's approval, with its resolution (a PDF)."""
    membership, target, before = _step_begin(membership, "approve_board", actor)
    on_date = _step_date(membership, on_date)
    if resolution_document is None:
        raise ValidationError({"resolution_document": "Upload the board resolution approving membership (PDF)."})
    validate_pdf(resolution_document, field="resolution_document")
    membership.board_approved_on = on_date
    membership.resolution_number = resolution_number.strip()
    membership.resolution_document.save(
        f"district-{membership.district_id}-resolution.pdf", resolution_document, save=False)
    return _step_end(membership, "approve_board", target, before, actor)


@transaction.atomic
def membership_sign_agreement(*, membership: Membership, signed_by: str,
                              on_date: Optional[dt.date] = None, actor: Actor) -> Membership:
    """Record the signed membership agreement and who signed it."""
    membership, target, before = _step_begin(membership, "sign_agreement", actor)
    on_date = _step_date(membership, on_date)
    if not signed_by.strip():
        raise ValidationError({"signed_by": "Name the person who signed the agreement."})
    membership.agreement_signed_on = on_date
    membership.agreement_signed_by = signed_by.strip()
    return _step_end(membership, "sign_agreement", target, before, actor)


@transaction.atomic
def membership_activate(*, membership: Membership, on_date: Optional[dt.date] = None,
                        actor: Actor) -> Membership:
    """The district becomes a member (since `on_date`, unless it was one before)."""
    membership, target, before = _step_begin(membership, "activate", actor)
    on_date = _step_date(membership, on_date)
    membership.member_since = membership.member_since or on_date
    return _step_end(membership, "activate", target, before, actor)


@transaction.atomic
def membership_suspend(*, membership: Membership, reason: str, actor: Actor) -> Membership:
    membership, target, before = _step_begin(membership, "suspend", actor)
    membership.suspended_reason = _reason(reason)
    return _step_end(membership, "suspend", target, before, actor)


@transaction.atomic
def membership_reinstate(*, membership: Membership, actor: Actor) -> Membership:
    membership, target, before = _step_begin(membership, "reinstate", actor)
    membership.suspended_reason = ""
    return _step_end(membership, "reinstate", target, before, actor)


@transaction.atomic
def membership_withdraw(*, membership: Membership, reason: str, on_date: Optional[dt.date] = None,
                        actor: Actor) -> Membership:
    """The district leaves the consortium (or gives up its application)."""
    membership, target, before = _step_begin(membership, "withdraw", actor)
    on_date = _step_date(membership, on_date)
    membership.withdrawn_on = on_date
    membership.withdrawn_reason = _reason(reason)
    return _step_end(membership, "withdraw", target, before, actor)


# The service of each step, for pages and the API that take the step's name from a URL or form.
MEMBERSHIP_STEPS = {
    "approve_board": membership_approve_board,
    "sign_agreement": membership_sign_agreement,
    "activate": membership_activate,
    "suspend": membership_suspend,
    "reinstate": membership_reinstate,
    "withdraw": membership_withdraw,
}


@dataclass
class ImportCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


@transaction.atomic
def districts_import(*, records: list[DistrictRecord], actor: Actor,
                     progress=None) -> ImportCounts:
    """Create or update every district, all or nothing. A failure on any row rolls back the
    whole import and names the row (line numbers count the header as line 1).

    Districts already known are updated row by row (``district_upsert``); the new ones are
    checked row by row, then created together with their organisations (``organisations_create``)
    and their audit events chained in one step each, after the updates: a state's directory
    creates a thousand districts, which one by one took four queries and two chain steps each."""
    counts = ImportCounts()
    by_state_id, by_nces = {}, {}
    for district in District.objects.select_related("organisation"):
        if district.state_leaid:
            by_state_id[district.state_leaid] = district
        if district.nces_leaid:
            by_nces[district.nces_leaid] = district
    new: list[tuple[DistrictRecord, District]] = []
    new_lines: dict[tuple[str, str], int] = {}  # ("state_leaid" | "nces_leaid", id) -> line of a new row
    for index, record in enumerate(records):
        line = index + 2
        existing = by_state_id.get(record.state_leaid) or by_nces.get(record.nces_leaid)
        try:
            if existing is not None:
                with transaction.atomic():
                    _, outcome = district_upsert(record=record, actor=actor, existing=existing)
                setattr(counts, outcome, getattr(counts, outcome) + 1)
            else:
                new.append((record, _new_row(record, line, new_lines)))
        except ValidationError as exc:
            detail = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items()) \
                if hasattr(exc, "error_dict") else " ".join(exc.messages)
            raise ValidationError(f"line {line} ({record.name or 'no name'}): {detail}")
        if progress is not None:
            progress(index + 1, len(records))
    if new:
        counts.created = _create_new([district for _, district in new], [record for record, _ in new], actor)
    return counts


def _create_new(districts: list[District], records: list[DistrictRecord], actor: Actor) -> int:
    try:
        with transaction.atomic():  # a savepoint: the caller's transaction stays usable
            organisations = organisations_create(
                specs=[(OrganisationKind.DISTRICT, record.name, record.state) for record in records], actor=actor)
            for district, organisation in zip(districts, organisations):
                district.organisation = organisation
            District.objects.bulk_create(districts, batch_size=500)
            audit_record_many(actor=actor, entries=[
                Entry(action=AuditAction.DISTRICT_CREATED, obj=district, after=snapshot(district, DISTRICT_FIELDS))
                for district in districts])
    except IntegrityError:  # a slug or id another import or edit took meanwhile
        raise ValidationError("Some of these districts or their names were saved by someone else while this "
                              "import ran; nothing was imported. Run the import again.") from None
    return len(districts)


def _new_row(record: DistrictRecord, line: int, seen: dict[tuple[str, str], int]) -> District:
    """A new row's district, checked (``_checked_new``, and the text guard a bulk insert skips),
    refused where an earlier new row of the same import has its state or NCES id."""
    _require_an_id(record)
    for key, label in (("state_leaid", "State LEA id"), ("nces_leaid", "NCES LEAID")):
        value = getattr(record, key)
        if value and (key, value) in seen:
            raise ValidationError(f"{label} {value} is also on line {seen[key, value]}.")
    district = _checked_new(record)
    problems = text_problems(district)
    if problems:
        raise ValidationError(problems)
    organisation_check(kind=OrganisationKind.DISTRICT, name=record.name, state=record.state)
    for key in ("state_leaid", "nces_leaid"):
        if getattr(record, key):
            seen[key, getattr(record, key)] = line
    return district


@transaction.atomic
def district_set_approval_limit(*, district: District, limit, actor: Actor) -> District:
    """Set the value above which the district's participation agreements and orders need its
    approver (consortium staff or the district's own approver)."""
    if not _may_act_for_district(actor, district, (APPROVER,), staff=True):
        raise PermissionDenied("Only the district's approver or consortium staff may set its approval limit.")
    # From $0 to AMOUNT_MAX in whole cents; an amount with a fraction of a cent is refused, never
    # rounded (see core.money).
    limit = check_money(limit, field="approval_limit")
    before = {"approval_limit": str(district.approval_limit)}
    district.approval_limit = limit
    district.save(update_fields=["approval_limit"])
    audit_record(actor=actor, action=AuditAction.DISTRICT_APPROVAL_LIMIT_SET, obj=district, before=before,
                 after={"approval_limit": str(limit)})
    return district
