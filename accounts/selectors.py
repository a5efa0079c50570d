"""Reading users and roles."""

from __future__ import annotations

from typing import Optional

from django.db.models import QuerySet

from accounts.models import ApiToken, RoleAssignment, User


def role_assignments_of(user: User) -> list[RoleAssignment]:
    # The organisation's district or vendor (reverse one-to-ones) come along: /me names their ids.
    return list(RoleAssignment.objects.filter(user=user)
                .select_related("organisation", "organisation__district", "organisation__vendor")
                .order_by("organisation__name", "role"))


def role_assignment_of_user(*, user: User, assignment_id: int) -> Optional[RoleAssignment]:
    return (RoleAssignment.objects.filter(user=user, pk=assignment_id)
            .select_related("organisation").first())


def still_holds_role(*, user: User, organisation, role: str) -> bool:
    """The user is active and still holds `role` in `organisation` (work queued earlier, run now
    as them, checks it again)."""
    return bool(user.is_active) and RoleAssignment.objects.filter(
        user=user, organisation=organisation, role=role).exists()


def api_tokens_of(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).select_related("assignment__organisation")


def users_of_organisation(organisation) -> QuerySet[RoleAssignment]:
    return RoleAssignment.objects.filter(organisation=organisation).select_related("user")
