"""Resolve who is acting on each request: `request.actor` (an Actor, or None) and
`request.role_assignments` (all roles of the signed-in user)."""

from __future__ import annotations

from accounts.acting import Actor
from accounts.selectors import role_assignments_of

SESSION_KEY = "acting_as"


def resolve_actor(request) -> tuple[list, Actor | None]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return [], None
    assignments = role_assignments_of(user)
    chosen_id = request.session.get(SESSION_KEY)
    chosen = next((a for a in assignments if a.pk == chosen_id), None)
    if chosen is None and len(assignments) == 1:
        chosen = assignments[0]
    return assignments, (Actor.from_assignment(chosen) if chosen else None)


class ActingAsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.role_assignments, request.actor = resolve_actor(request)
        return self.get_response(request)
