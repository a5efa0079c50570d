"""The membership state machine: every allowed transition, in one place.

applied -> board_approved (board resolution uploaded) -> agreement_signed -> active;
active <-> suspended; any state but withdrawn -> withdrawn.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models

from accounts.acting import APPROVER, BUYER
from core.transitions import Transition, Transitions


class MembershipState(models.TextChoices):
    APPLIED = "applied", "Applied"
    BOARD_APPROVED = "board_approved", "Board approved"
    AGREEMENT_SIGNED = "agreement_signed", "Agreement signed"
    ACTIVE = "active", "Active"
    SUSPENDED = "suspended", "Suspended"
    WITHDRAWN = "withdrawn", "Withdrawn"




@dataclass(frozen=True)
class Who:
    """Who may take a step: consortium staff for any district (`staff`); district roles only for
    their own district."""

    staff: bool
    district_roles: tuple[str, ...]


S = MembershipState
TRANSITIONS = Transitions(noun="membership", states=MembershipState.choices, initial=(S.APPLIED,), steps={
    "approve_board": Transition((S.APPLIED,), S.BOARD_APPROVED, "Record board approval"),
    "sign_agreement": Transition((S.BOARD_APPROVED,), S.AGREEMENT_SIGNED,
                                 "Record signed membership agreement"),
    "activate": Transition((S.AGREEMENT_SIGNED,), S.ACTIVE, "Activate membership"),
    "suspend": Transition((S.ACTIVE,), S.SUSPENDED, "Suspend membership"),
    "reinstate": Transition((S.SUSPENDED,), S.ACTIVE, "Reinstate membership"),
    "withdraw": Transition((S.APPLIED, S.BOARD_APPROVED, S.AGREEMENT_SIGNED, S.ACTIVE, S.SUSPENDED),
                           S.WITHDRAWN, "Withdraw from the consortium"),
})
WHO: dict[str, Who] = {
    "approve_board": Who(staff=True, district_roles=(BUYER, APPROVER)),
    "sign_agreement": Who(staff=True, district_roles=(APPROVER,)),
    "activate": Who(staff=True, district_roles=()),
    "suspend": Who(staff=True, district_roles=()),
    "reinstate": Who(staff=True, district_roles=()),
    "withdraw": Who(staff=True, district_roles=(APPROVER,)),
}

# Who may apply for a district: its buyer or approver, or consortium staff on its behalf.
APPLY_DISTRICT_ROLES = (BUYER, APPROVER)

# States in which the district counts as a member (may use agreements, appears in the directory).
MEMBER_STATES = (S.ACTIVE,)
# States shown in the staff queue of applications still in progress.
QUEUE_STATES = (S.APPLIED, S.BOARD_APPROVED, S.AGREEMENT_SIGNED)

