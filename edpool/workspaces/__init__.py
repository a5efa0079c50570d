"""Workspaces: the page each person lands on after signing in, built from panels for the role
they act in. The top layer: it reads every app through its selectors, never its tables."""

from __future__ import annotations

from typing import Optional

from accounts.acting import Actor
from accounts.models import Role
from edpool.workspaces import district, evaluator, staff, vendor
from edpool.workspaces.panels import Item, Panel, Workspace
from members.selectors import district_of_organisation
from vendors.selectors import vendor_of_organisation

__all__ = ["Item", "Panel", "Workspace", "workspace_for"]


def workspace_for(actor: Actor) -> Optional[Workspace]:
    """The workspace of the role the actor acts in; None when the organisation does not fit the
    role (e.g. a district role held in an organisation that is not a district)."""
    if actor.role == Role.CONSORTIUM_STAFF:
        return staff.build(actor)
    if actor.role == Role.EVALUATOR:
        return evaluator.build(actor)
    if actor.role in (Role.DISTRICT_BUYER, Role.DISTRICT_APPROVER):
        found = district_of_organisation(actor.organisation)
        if found is None:
            return None
        build = district.build_buyer if actor.role == Role.DISTRICT_BUYER else district.build_approver
        return build(actor, found)
    if actor.role == Role.VENDOR_USER:
        found = vendor_of_organisation(actor.organisation)
        return vendor.build(actor, found) if found is not None else None
    return None
