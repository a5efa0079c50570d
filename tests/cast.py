"""The fixed cast of users every app's tests reuse (in the style of healthchecks.io)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from accounts.acting import Actor
from accounts.models import RoleAssignment, User
from accounts.services import role_assign, user_create_or_update
from members.models import District, Membership
from members.services import DistrictRecord, district_upsert
from members.states import MembershipState
from orgs.models import Organisation
from orgs.services import consortium_setup
from vendors.models import Vendor
from vendors.services import vendor_create

PASSWORD = "cast-password-123"
SYSTEM = Actor.system("test cast")


@dataclass
class Cast:
    consortium: Organisation
    district_a: District
    district_b: District
    membership_a: Membership
    membership_b: Membership
    vendor_a: Vendor
    vendor_b: Vendor
    staff: User
    buyer_a: User
    approver_a: User
    buyer_b: User
    approver_b: User
    evaluator: User
    vendor_user_a: User
    vendor_user_b: User
    multi: User  # buyer in A and evaluator in B

    def actor(self, user: User, organisation: Organisation | None = None) -> Actor:
        qs = RoleAssignment.objects.filter(user=user).select_related("organisation")
        if organisation is not None:
            qs = qs.filter(organisation=organisation)
        return Actor.from_assignment(qs.first())

    @property
    def users_by_role(self) -> dict[str, User]:
        """One user per role name used in the authorisation matrix."""
        return {
            "staff": self.staff, "buyer_a": self.buyer_a, "approver_a": self.approver_a,
            "buyer_b": self.buyer_b, "approver_b": self.approver_b, "evaluator": self.evaluator,
            "vendor_a": self.vendor_user_a, "vendor_b": self.vendor_user_b,
        }


def _user(email: str, name: str) -> User:
    user, _ = user_create_or_update(email=email, full_name=name, password=PASSWORD,
                                    check_password=False, actor=SYSTEM)
    return user


def _district(name: str, cds: str, enrollment: int) -> District:
    district, _ = district_upsert(record=DistrictRecord(
        name=name, state="CA", state_leaid=f"CA-{cds}", lea_type="Unified School District",
        city="Testville", enrollment=enrollment, enrollment_year=2024,
        enrollment_source="test", enrollment_is_estimate=False), actor=SYSTEM)
    return district


def _active_membership(district: District, since: dt.date) -> Membership:
    return Membership.objects.create(
        district=district, state=MembershipState.ACTIVE,
        applied_at=timezone.make_aware(dt.datetime(2024, 1, 5, 9, 0)),
        board_approved_on=dt.date(2024, 1, 20), agreement_signed_on=dt.date(2024, 2, 1),
        agreement_signed_by="Superintendent", member_since=since)


def build_cast() -> Cast:
    consortium = consortium_setup(name="Test Consortium", home_state="CA", short_name="TC",
                                  actor=SYSTEM).organisation
    district_a = _district("Alpha Unified", "0100001", 12000)
    district_b = _district("Beta Unified", "0100002", 3400)
    vendor_a = vendor_create(name="Vendor A", legal_name="Vendor A, Inc.", actor=SYSTEM)
    vendor_b = vendor_create(name="Vendor B", legal_name="Vendor B LLC", actor=SYSTEM)
    cast = Cast(
        consortium=consortium, district_a=district_a, district_b=district_b,
        membership_a=_active_membership(district_a, dt.date(2024, 2, 10)),
        membership_b=_active_membership(district_b, dt.date(2025, 3, 1)),
        vendor_a=vendor_a, vendor_b=vendor_b,
        staff=_user("staff@example.org", "Stella Staff"),
        buyer_a=_user("buyer-a@example.org", "Bea Buyer"),
        approver_a=_user("approver-a@example.org", "Abe Approver"),
        buyer_b=_user("buyer-b@example.org", "Bo Buyer"),
        approver_b=_user("approver-b@example.org", "Ava Approver"),
        evaluator=_user("evaluator@example.org", "Eve Evaluator"),
        vendor_user_a=_user("sales@vendor-a.example", "Val Vendor"),
        vendor_user_b=_user("sales@vendor-b.example", "Vic Vendor"),
        multi=_user("multi@example.org", "Max Multi"),
    )
    for user, org, role in [
        (cast.staff, consortium, "consortium_staff"),
        (cast.buyer_a, district_a.organisation, "district_buyer"),
        (cast.approver_a, district_a.organisation, "district_approver"),
        (cast.buyer_b, district_b.organisation, "district_buyer"),
        (cast.approver_b, district_b.organisation, "district_approver"),
        (cast.evaluator, district_a.organisation, "evaluator"),
        (cast.vendor_user_a, vendor_a.organisation, "vendor_user"),
        (cast.vendor_user_b, vendor_b.organisation, "vendor_user"),
        (cast.multi, district_a.organisation, "district_buyer"),
        (cast.multi, district_b.organisation, "evaluator"),
    ]:
        role_assign(user=user, organisation=org, role=role, actor=SYSTEM)
    return cast
