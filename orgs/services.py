"""Creating and changing organisations."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from accounts.acting import Actor
from audit.actions import AuditAction
from audit.services import Entry, audit_record, audit_record_many, snapshot
from core.textguard import text_problems
from orgs.models import ConsortiumProfile, Organisation, OrganisationKind
from orgs.states import STATE_CODES

ORGANISATION_FIELDS = ("kind", "name", "slug", "state")


def _free_slug(name: str, taken) -> str:
    """The organisation's name as a slug, with -2, -3, ... added until ``taken(slug)`` is false."""
    base = (slugify(name) or "organisation")[:100]
    slug, n = base, 2
    while taken(slug):
        slug = f"{base}-{n}"
        n += 1
    return slug


def unique_slug(name: str, *, exclude_pk: int | None = None) -> str:
    qs = Organisation.objects.all()
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return _free_slug(name, lambda slug: qs.filter(slug=slug).exists())


def _check(kind: str, name: str, state: str) -> None:
    errors: dict[str, str] = {}
    if kind not in OrganisationKind.values:
        errors["kind"] = f"Unknown organisation kind {kind!r}."
    if not name.strip():
        errors["name"] = "A name is required."
    if state and state not in STATE_CODES:
        errors["state"] = f"{state!r} is not a US state code."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def organisation_create(*, kind: str, name: str, state: str = "", slug: str = "",
                        actor: Actor) -> Organisation:
    name = name.strip()
    state = state.strip().upper()
    _check(kind, name, state)
    org = Organisation.objects.create(kind=kind, name=name, state=state,
                                      slug=slug or unique_slug(name))
    audit_record(actor=actor, action=AuditAction.ORGANISATION_CREATED, obj=org,
                 after=snapshot(org, ORGANISATION_FIELDS))
    return org


def organisation_check(*, kind: str, name: str, state: str = "") -> Organisation:
    """The organisation `organisation_create` would make of these, not saved and without its
    slug; ValidationError if it would refuse them (and for what the text guard would refuse on
    saving: a bulk insert sends no pre_save, core.textguard)."""
    organisation = Organisation(kind=kind, name=name.strip(), state=state.strip().upper())
    _check(organisation.kind, organisation.name, organisation.state)
    problems = text_problems(organisation, ["name", "state"])
    if problems:
        raise ValidationError(problems)
    return organisation


@transaction.atomic
def organisations_create(*, specs: list[tuple[str, str, str]], actor: Actor) -> list[Organisation]:
    """Create many organisations at once, each (kind, name, state) checked as `organisation_create`
    checks one, with the slugs and audit events it would give them (the events chained by one
    `audit_record_many`, in the given order): for bulk imports, where a state's directory creates
    a thousand districts (one insert and one chain step for all, instead of four queries each).
    All or nothing: a bad spec raises ValidationError before anything is saved."""
    organisations = [organisation_check(kind=kind, name=name, state=state) for kind, name, state in specs]
    if not organisations:
        return []
    taken = set(Organisation.objects.values_list("slug", flat=True))
    for organisation in organisations:
        organisation.slug = _free_slug(organisation.name, taken.__contains__)
        taken.add(organisation.slug)
    created = Organisation.objects.bulk_create(organisations, batch_size=500)
    audit_record_many(actor=actor, entries=[
        Entry(action=AuditAction.ORGANISATION_CREATED, obj=organisation,
              after=snapshot(organisation, ORGANISATION_FIELDS)) for organisation in created])
    return created


@transaction.atomic
def organisation_update(*, organisation: Organisation, name: str, state: str,
                        actor: Actor) -> Organisation:
    name = name.strip()
    state = state.strip().upper()
    _check(organisation.kind, name, state)
    before = snapshot(organisation, ORGANISATION_FIELDS)
    organisation.name, organisation.state = name, state
    after = snapshot(organisation, ORGANISATION_FIELDS)
    if after != before:
        organisation.save(update_fields=["name", "state"])
        audit_record(actor=actor, action=AuditAction.ORGANISATION_UPDATED, obj=organisation,
                     before=before, after=after)
    return organisation


@transaction.atomic
def consortium_setup(*, name: str, home_state: str, short_name: str = "", website: str = "",
                     contact_email: str = "", settings: dict[str, Any] | None = None,
                     actor: Actor) -> ConsortiumProfile:
    """Create the consortium, or update it if it exists (there is one per EdPool)."""
    profile = ConsortiumProfile.objects.select_related("organisation").first()
    if profile is None:
        org = organisation_create(kind=OrganisationKind.CONSORTIUM, name=name, state=home_state,
                                  actor=actor)
        profile = ConsortiumProfile.objects.create(
            organisation=org, short_name=short_name, website=website,
            contact_email=contact_email, settings=settings or {})
        audit_record(actor=actor, action=AuditAction.CONSORTIUM_CREATED, obj=profile,
                     after=snapshot(profile, ("short_name", "website", "contact_email", "settings")))
        return profile
    organisation_update(organisation=profile.organisation, name=name, state=home_state, actor=actor)
    fields = ("short_name", "website", "contact_email", "settings")
    before = snapshot(profile, fields)
    profile.short_name, profile.website, profile.contact_email = short_name, website, contact_email
    if settings is not None:
        profile.settings = settings
    after = snapshot(profile, fields)
    if after != before:
        profile.save()
        audit_record(actor=actor, action=AuditAction.CONSORTIUM_UPDATED, obj=profile, before=before,
                     after=after)
    return profile
