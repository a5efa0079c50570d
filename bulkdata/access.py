"""Whose rows a download holds: the one place bulkdata decides it.

Consortium staff download every district's rows, or one district's (any district, former members
included); a district's buyers and approvers only their own district's, whatever district id they
send (another district's id is answered as not found, the same as an id that does not exist).
Everyone else (evaluators, vendors, the system) is refused."""

from __future__ import annotations

from typing import Optional

from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.acting import APPROVER, BUYER, STAFF, Actor, acts_as
from members.models import District
from members.selectors import district_for_actor, districts_by_ids

DISTRICT_DOWNLOADERS = (BUYER, APPROVER)
DOWNLOADERS = (STAFF, *DISTRICT_DOWNLOADERS)
NOT_YOURS = "No such district, or not one whose data you may download."


def export_district(*, actor: Optional[Actor], district_id: Optional[int]) -> Optional[District]:
    """The district whose rows the actor gets: None means every district (staff only)."""
    if acts_as(actor, STAFF):
        if district_id is None:
            return None
        found = districts_by_ids([district_id]).get(district_id)
        if found is None:
            raise Http404(NOT_YOURS)
        return found
    if acts_as(actor, DISTRICT_DOWNLOADERS):
        own = district_for_actor(actor)
        if district_id is not None and district_id != own.pk:
            raise Http404(NOT_YOURS)
        return own
    raise PermissionDenied("Only consortium staff and a district's buyers and approvers may download its data.")
