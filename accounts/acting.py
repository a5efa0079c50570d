"""Who is acting: every service call and every page is answered for one (user, organisation, role)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional

if TYPE_CHECKING:  # pragma: no cover
    from accounts.models import RoleAssignment, User
    from orgs.models import Organisation


@dataclass(frozen=True)
class Actor:
    """The person (or the system) doing something, the organisation they act for, and in which role.

    `user` is None for the system itself (a command run by an operator, a scheduled job); then
    `label` says what ran, e.g. "edpool import-districts".
    """

    user: Optional["User"]
    organisation: Optional["Organisation"]
    role: str
    label: str = ""

    @classmethod
    def system(cls, label: str) -> "Actor":
        return cls(user=None, organisation=None, role="system", label=label)

    @classmethod
    def from_assignment(cls, assignment: "RoleAssignment") -> "Actor":
        return cls(user=assignment.user, organisation=assignment.organisation, role=assignment.role)

    @property
    def is_system(self) -> bool:
        return self.user is None

    @property
    def role_label(self) -> str:
        from accounts.models import Role

        return Role(self.role).label if self.role in Role.values else self.role

    def has_role(self, *roles: str) -> bool:
        return self.role in roles

    def acts_for(self, organisation) -> bool:
        return self.organisation is not None and organisation is not None and (
            self.organisation.pk == organisation.pk
        )

    def describe(self) -> str:
        if self.is_system:
            return f"system ({self.label})" if self.label else "system"
        org = self.organisation.name if self.organisation else "no organisation"
        return f"{self.user.email} as {self.role} for {org}"
