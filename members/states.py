"""The membership state machine: every allowed transition, in one place.

applied -> board_approved (board resolution uploaded) -> agreement_signed -> active;
active <-> suspended; any state but withdrawn -> withdrawn.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models


class MembershipState(models.TextChoices):
    APPLIED = "applied", "Applied"
    BOARD_APPROVED = "board_approved", "Board approved"
    AGREEMENT_SIGNED = "agreement_signed", "Agreement signed"
    ACTIVE = "active", "Active"
    SUSPENDED = "suspended", "Suspended"
    WITHDRAWN = "withdrawn", "Withdrawn"


STAFF = "consortium_staff"
BUYER = "district_buyer"
APPROVER = "district_approver"


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    sources: tuple[str, ...]
    target: str
    # Roles that may take this step: consortium staff for any district; district roles only for
    # their own district.
    staff: bool
    district_roles: tuple[str, ...]


S = MembershipState
TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in [
        Transition("approve_board", "Record board approval", (S.APPLIED,), S.BOARD_APPROVED,
                   staff=True, district_roles=(BUYER, APPROVER)),
        Transition("sign_agreement", "Record signed membership agreement", (S.BOARD_APPROVED,),
                   S.AGREEMENT_SIGNED, staff=True, district_roles=(APPROVER,)),
        Transition("activate", "Activate membership", (S.AGREEMENT_SIGNED,), S.ACTIVE,
                   staff=True, district_roles=()),
        Transition("suspend", "Suspend membership", (S.ACTIVE,), S.SUSPENDED,
                   staff=True, district_roles=()),
        Transition("reinstate", "Reinstate membership", (S.SUSPENDED,), S.ACTIVE,
                   staff=True, district_roles=()),
        Transition("withdraw", "Withdraw from the consortium",
                   (S.APPLIED, S.BOARD_APPROVED, S.AGREEMENT_SIGNED, S.ACTIVE, S.SUSPENDED),
                   S.WITHDRAWN, staff=True, district_roles=(APPROVER,)),
    ]
}

# Who may apply for a district: its buyer or approver, or consortium staff on its behalf.
APPLY_DISTRICT_ROLES = (BUYER, APPROVER)

# States in which the district counts as a member (may use agreements, appears in the directory).
MEMBER_STATES = (S.ACTIVE,)
# States shown in the staff queue of applications still in progress.
QUEUE_STATES = (S.APPLIED, S.BOARD_APPROVED, S.AGREEMENT_SIGNED)


def transitions_from(state: str) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if state in t.sources]
