"""Demo orders: many members order displays under Northstar's agreement during the last quarter
and this one; their combined volume crosses a tier boundary, so earlier buyers are owed true-up
rebates. One order is cancelled, some are fulfilled, one rebate is settled."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from accounts.acting import Actor
from contracts.models import MasterAgreement, ParticipationAgreement
from contracts.selectors.agreements import current_schedule
from contracts.selectors.participation import join_requirements
from contracts.services.participation import (minicompetition_decide, minicompetition_start,
                                              participation_countersign, participation_join,
                                              quote_answer, quote_request)
from edpool.demo.clock import at
from edpool.demo.contracts import board_finding
from edpool.demo.sourcing import _vendor
from orders.models import Order
from orders.services import (order_acknowledge, order_approve, order_cancel, order_create, order_fulfil,
                             order_submit, settlement_record)

SYSTEM = Actor.system("edpool demo")


def _buyer(district, number: int) -> Actor:
    """The district's demo buyer (created for districts that have none yet)."""
    from django.contrib.auth.hashers import make_password

    from accounts.models import RoleAssignment
    from accounts.services import role_assign, user_create_or_update
    from edpool.demo.people import DEMO_PASSWORD

    existing = RoleAssignment.objects.filter(organisation=district.organisation, role="district_buyer").first()
    if existing is None:
        user, _ = user_create_or_update(email=f"buyer{number}@demo.edpool.org", full_name=f"Buyer {number} (demo)",
                                        password_hash=make_password(DEMO_PASSWORD), actor=SYSTEM)
        existing, _ = role_assign(user=user, organisation=district.organisation, role="district_buyer", actor=SYSTEM)
    return Actor.from_assignment(existing)


def _approver(email: str) -> Actor:
    from accounts.models import RoleAssignment

    return Actor.from_assignment(RoleAssignment.objects.select_related("user", "organisation")
                                 .get(user__email=email, role="district_approver"))


def _join(district, agreement, vendor_actor, buyer: Actor) -> None:
    if ParticipationAgreement.objects.filter(district=district, agreement=agreement, state="active").exists():
        return
    competition = minicompetition_start(district=district, solicitation=agreement.solicitation,
                                        quantities={"D75": 50}, actor=buyer)
    quote = quote_request(competition=competition, agreement=agreement, actor=buyer)
    quote_answer(quote=quote, quote_total=competition.scores.get(agreement=agreement).price_total,
                 implementation_plan="Install over the break.", actor=vendor_actor)
    minicompetition_decide(competition=competition, agreement=agreement, reasons="Best price for our rooms.",
                           actor=buyer)
    needs = join_requirements(district=district, agreement=agreement, annual_value=Decimal(40000))
    participation = participation_join(district=district, agreement=agreement, estimated_value=40000,
                                       mini_competition=competition, confirmed_steps=needs.confirmations,
                                       **board_finding(district),
                                       actor=buyer)
    participation_countersign(participation=participation, actor=vendor_actor)


def build_orders_demo(report, members) -> None:
    agreement = MasterAgreement.objects.filter(vendor__organisation__name="Northstar Displays").first()
    if agreement is None or Order.objects.exists():
        report.add("Demo orders already present." if agreement else "No agreement for demo orders.")
        return
    vendor = _vendor("Northstar Displays")
    d75 = current_schedule(agreement).entries.get(line_reference="D75").product
    start = timezone.make_aware(dt.datetime.combine(agreement.start_date + dt.timedelta(days=2), dt.time(10)))
    districts = [members[0]] + members[3:11]
    # Most demo districts' boards allow $150,000 without further approval; ABC Unified keeps the
    # default $50,000, so its large order waits for its approver.
    from members.services import district_set_approval_limit

    for district in districts[1:]:
        district_set_approval_limit(district=district, limit=Decimal("150000"), actor=SYSTEM)
    buyers = [_buyer(d, n) for d, n in zip(districts, [1, 4, 5, 6, 7, 8, 9, 10, 11])]
    with at(start):
        for district, buyer in zip(districts, buyers):
            _join(district, agreement, vendor, buyer)
    # Quantities sum past the 250-display tier: earlier buyers get true-ups when it is crossed.
    plan = [(0, 60, 4), (1, 35, 9), (2, 45, 15), (3, 30, 22), (4, 50, 31), (5, 40, 45), (6, 25, 60), (7, 55, 75),
            (8, 20, 86)]
    placed = []
    for index, quantity, day in plan:
        with at(start + dt.timedelta(days=day)):
            order = order_create(district=districts[index], agreement=agreement, lines=[(d75, quantity)],
                                 reference=f"DEMO-{index + 1:02d}", actor=buyers[index])
            placed.append(order_submit(order=order, actor=buyers[index]))
        with at(start + dt.timedelta(days=day + 1)):
            if placed[-1].needs_approval:  # counted once ABC Unified's approver approves it
                order_approve(order=placed[-1], actor=_approver("approver1@demo.edpool.org"))
        with at(start + dt.timedelta(days=day + 2)):
            order_acknowledge(order=placed[-1], actor=vendor)
            if day < 60:
                order_fulfil(order=placed[-1], actor=vendor)
    with at(start + dt.timedelta(days=83)):
        order_cancel(order=placed[6], reason="The school's renovation was postponed.", actor=buyers[6])
    with at(start + dt.timedelta(days=90)):
        settlement_record(agreement=agreement, district=districts[0], amount=Decimal("1000.00"),
                          method="credit_note", reference="NS-CN-0001", actor=vendor)
    with at(start + dt.timedelta(days=91)):
        # Above ABC Unified's $50,000 limit: it waits for approver1, counting nothing until then.
        extra = order_create(district=districts[0], agreement=agreement, lines=[(d75, 40)],
                             reference="DEMO-12", actor=buyers[0])
        placed.append(order_submit(order=extra, actor=buyers[0]))
    report.add(f"Orders: {len(placed)} on {agreement.number} by {len(districts)} members, crossing the "
               f"250-display tier (true-up rebates), one cancelled, one rebate partly settled, one "
               f"awaiting its approver.")
