"""Who is acting: every service call and every page is answered for one (user, organisation, role).

The one place for the acting rule: the role groups every module names (STAFF, BUYER, ...), the
`Actor`, and the small checks the services share (`acts_as`, `is_staff`, `require_staff`).
Object-level questions ("may this actor see that participation?") are answered by selectors in
the app that owns the object, e.g. `vendors.selectors.vendor_for_actor`,
`members.selectors.district_for_actor`, `contracts.selectors.participation.participation_for_actor`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional, Union

from django.core.exceptions import PermissionDenied

from accounts.models import DISTRICT_ROLES, Role

if TYPE_CHECKING:  # pragma: no cover
    from accounts.models import RoleAssignment, User
    from orgs.models import Organisation

# --- Role groups: declared here once; modules import them rather than spelling role strings. ---
STAFF = Role.CONSORTIUM_STAFF
BUYER = Role.DISTRICT_BUYER
APPROVER = Role.DISTRICT_APPROVER
EVALUATOR = Role.EVALUATOR
VENDOR = Role.VENDOR_USER
SYSTEM = "system"  # the role of `Actor.system(...)`: a command or a scheduled job, not a person
# DISTRICT_ROLES (imported above from accounts.models, where the roles are declared): everyone
# acting for a district: buyer, approver, evaluator.
# Who signs for a district: applies, joins agreements, records decisions, withdraws.
JOINERS = (BUYER, APPROVER)
# Who reads the catalog and the compliance evidence of every vendor.
READERS = (STAFF, *DISTRICT_ROLES)
EVERYONE = (STAFF, *DISTRICT_ROLES, VENDOR)


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
        return cls(user=None, organisation=None, role=SYSTEM, label=label)

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


Roles = Union[str, tuple[str, ...], list[str]]
_ANY_ORGANISATION = object()


def acts_as(actor: Optional[Actor], roles: Roles, organisation=_ANY_ORGANISATION) -> bool:
    """The actor acts in one of `roles` (one role or several) and, when `organisation` is given,
    for that organisation (an organisation of None matches nobody). False for no actor (an
    anonymous request)."""
    if actor is None:
        return False
    allowed = (roles,) if isinstance(roles, str) else tuple(roles)
    if actor.role not in allowed:
        return False
    return organisation is _ANY_ORGANISATION or actor.acts_for(organisation)


def is_staff(actor: Optional[Actor]) -> bool:
    """Consortium staff, or the system itself (a command, a scheduled job)."""
    return actor is not None and (actor.is_system or actor.role == STAFF)


def require_staff(actor: Actor, what: str = "do this") -> None:
    """Refuse (PermissionDenied) anyone but consortium staff and the system."""
    if not is_staff(actor):
        raise PermissionDenied(f"Only consortium staff may {what}.")
