"""What the compliance pages share: the district a page is answered for."""

from __future__ import annotations

from accounts.acting import STAFF, acts_as
from members.selectors import district_for_actor


def own_district(request):
    """None for staff; the actor's district for district roles (404 if not a district)."""
    return None if acts_as(request.actor, STAFF) else district_for_actor(request.actor)
