"""Creating and changing vendors."""

from __future__ import annotations

from typing import Iterable

from django.core.exceptions import PermissionDenied
from django.db import transaction

from accounts.acting import Actor
from audit.services import audit_record, snapshot
from catalog.models import Category
from orgs.models import OrganisationKind
from orgs.services import organisation_create, organisation_update
from vendors.models import Vendor

VENDOR_FIELDS = ("legal_name", "website", "contact_name", "contact_email", "contact_phone")


def _vendor_state(vendor: Vendor) -> dict:
    data = snapshot(vendor, VENDOR_FIELDS)
    data["categories"] = sorted(vendor.categories.values_list("code", flat=True))
    data["name"] = vendor.organisation.name
    return data


@transaction.atomic
def vendor_create(*, name: str, legal_name: str = "", state: str = "", website: str = "",
                  contact_name: str = "", contact_email: str = "", contact_phone: str = "",
                  categories: Iterable[Category] = (), actor: Actor) -> Vendor:
    org = organisation_create(kind=OrganisationKind.VENDOR, name=name, state=state, actor=actor)
    vendor = Vendor(organisation=org, legal_name=(legal_name or name).strip(), website=website,
                    contact_name=contact_name, contact_email=contact_email,
                    contact_phone=contact_phone)
    vendor.full_clean(exclude=["organisation"])
    vendor.save()
    vendor.categories.set(list(categories))
    audit_record(actor=actor, action="vendor.created", obj=vendor, after=_vendor_state(vendor))
    return vendor


@transaction.atomic
def vendor_update(*, vendor: Vendor, name: str, legal_name: str, website: str = "",
                  contact_name: str = "", contact_email: str = "", contact_phone: str = "",
                  categories: Iterable[Category] = (), actor: Actor) -> Vendor:
    if not (actor.role == "consortium_staff" or actor.is_system
            or (actor.role == "vendor_user" and actor.acts_for(vendor.organisation))):
        raise PermissionDenied("Only the vendor's own users or consortium staff may change it.")
    before = _vendor_state(vendor)
    organisation_update(organisation=vendor.organisation, name=name,
                        state=vendor.organisation.state, actor=actor)
    vendor.legal_name = legal_name.strip()
    vendor.website, vendor.contact_name = website, contact_name
    vendor.contact_email, vendor.contact_phone = contact_email, contact_phone
    vendor.full_clean(exclude=["organisation"])
    vendor.save()
    vendor.categories.set(list(categories))
    after = _vendor_state(vendor)
    if after != before:
        audit_record(actor=actor, action="vendor.updated", obj=vendor, before=before, after=after)
    return vendor
