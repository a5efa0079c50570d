"""The national demo: the fictional members outside California (New York, Texas, Illinois,
Connecticut and Wyoming, all "(demo)", ids like "NY-DEMO0001") and a buyer for the New York one,
who sees in the catalog why a multi-award agreement does not work for that district (New York's
single-award piggyback rule, unverified, so shown as a step to verify). Idempotent."""

from __future__ import annotations

from accounts.acting import Actor
from accounts.services import role_assign, user_create_or_update

ACTOR = Actor.system("edpool demo")
NY_BUYER = ("buyer-ny@demo.edpool.org", "Dana Whitfield")
NATIONAL_STATES = ("CA", "NY", "TX", "IL", "CT", "WY")


def build_national_demo(report, password) -> list:
    from edpool.demo.surveys import out_of_state_members

    districts = out_of_state_members()
    ny = next(d for d in districts if d.state == "NY")
    email, name = NY_BUYER
    user, _ = user_create_or_update(email=email, full_name=name, password_hash=password(email), actor=ACTOR)
    role_assign(user=user, organisation=ny.organisation, role="district_buyer", actor=ACTOR)
    report.add(f"Members outside California (examples): "
               f"{', '.join(f'{d.name} ({d.state})' for d in districts)}; {email} buys for {ny.name}.")
    return districts
