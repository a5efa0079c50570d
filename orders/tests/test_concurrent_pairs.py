"""On PostgreSQL: every pair of money operations (place, submit, cancel, approve, report) running
at the same moment finishes without a deadlock or any other error, and ends where the same
operations applied one after another (in commit order) would: `rebates_recompute` replays the
volume events serially and compares every price, amount, total and rebate; the audit chain is
whole; the pooled volume is the sum of the orders that count.

Before the global lock order (core.locks), `order_place` took the audit head before the line
volume and `order_submit` the other way round: mixed, most of them died with "deadlock detected".
"""

from __future__ import annotations

import itertools
import random
import threading
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.utils import timezone

from audit.services import audit_chain_verify
from conftest import require_or_skip
from contracts.models import LineVolume
from members.models import Membership
from orders.models import Order
from orders.selectors import rebates_recompute
from orders.services import order_approve, order_cancel, order_create, order_place, order_submit
from orders.states import COUNTING
from tests.fixtures.orders import join
from reports.models import SalesReport
from reports.quarters import Quarter
from reports.services import sales_report_submit
from reports.tests.conftest import after, line
from tests.factories import DistrictFactory, UserFactory

pytestmark = pytest.mark.postgres

OPERATIONS = ("place", "submit", "cancel", "approve", "report")
PAIRS = list(itertools.combinations_with_replacement(OPERATIONS, 2))
EACH = 4  # instances of each operation in a pair (8 threads at once)


class Scene:
    """Six member districts (buyer and approver each) on vendor A's agreement, and for each
    operation the objects it needs, prepared one after another before the race."""

    def __init__(self, cast, rng: random.Random):
        self.cast, self.rng = cast, rng
        self.members = []
        for _ in range(6):
            district = DistrictFactory(state="CA")
            district.approval_limit = Decimal("10000000.00")  # orders of hundreds of devices count at once
            district.save(update_fields=["approval_limit"])
            Membership.objects.create(district=district, state="active", applied_at=timezone.now())
            buyer = UserFactory(role="district_buyer", organisation=district.organisation)
            approver = UserFactory(role="district_approver", organisation=district.organisation)
            join(cast, district, buyer, cast.agreement, cast.agreement.solicitation)
            self.members.append((district, cast.actor(buyer), cast.actor(approver)))

    def member(self, i: int):
        return self.members[i % len(self.members)]

    def quantity(self) -> int:
        return self.rng.randint(100, 600)  # the race crosses the 1,000 and 5,000 tiers

    def prepare(self, operation: str, i: int):
        """A zero-argument function that performs one instance of the operation."""
        cast = self.cast
        district, buyer, approver = self.member(i)
        quantity = self.quantity()
        if operation == "place":
            return lambda: order_place(district=district, agreement=cast.agreement,
                                       lines=[(cast.device, quantity), (cast.licence, 20)], actor=buyer)
        if operation == "submit":
            draft = order_create(district=district, agreement=cast.agreement,
                                 lines=[(cast.licence, 30), (cast.device, quantity)], actor=buyer)
            return lambda: order_submit(order=draft, actor=buyer)
        if operation == "cancel":
            placed = order_place(district=district, agreement=cast.agreement, lines=[(cast.device, quantity)],
                                 actor=buyer)
            return lambda: order_cancel(order=placed, reason="Ordered twice", actor=buyer)
        if operation == "approve":
            # Above the approval limit: waits, counting nothing; the approval prices and counts it.
            district.approval_limit = Decimal("50000.00")
            district.save(update_fields=["approval_limit"])
            placed = order_place(district=district, agreement=cast.agreement, lines=[(cast.device, quantity + 100)],
                                 actor=buyer)
            district.approval_limit = Decimal("10000000.00")
            district.save(update_fields=["approval_limit"])
            assert placed.state == "awaiting_approval"  # 200+ devices at $280-300 are above $50,000
            return lambda: order_approve(order=placed, actor=approver)
        if operation == "report":
            lines = [line(district.name, cast.device.name, 5, "300.00")]
            return lambda: sales_report_submit(agreement=cast.agreement, quarter=self.quarter, lines=lines,
                                               source="api", actor=cast.actor(cast.vendor_user_a))
        raise AssertionError(operation)


def race(work) -> list[BaseException]:
    connections.close_all()
    barrier = threading.Barrier(len(work))
    errors: list[BaseException] = []

    def run(job):
        try:
            barrier.wait()
            job()
        except BaseException as exc:  # reported by the test
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(job,)) for job in work]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


@pytest.mark.parametrize("first,second", PAIRS, ids=[f"{a}+{b}" for a, b in PAIRS])
@pytest.mark.django_db(transaction=True)
def test_two_money_operations_at_once_equal_a_serial_replay(cast, joined, clock, first, second):
    require_or_skip(connection.vendor == "postgresql",
                    "PostgreSQL (set DATABASE_URL=postgres://...; this test needs real concurrency)")
    quarter = Quarter.of(timezone.localdate())
    after(clock, quarter)  # the agreement's first quarter is over: reportable; orders go on
    scene = Scene(cast, random.Random(hash((first, second)) & 0xFFFF))
    scene.quarter = quarter
    work = [scene.prepare(op, i) for i, op in enumerate([first] * EACH + [second] * EACH)]
    errors = race(work)
    assert not errors, [f"{type(e).__name__}: {e}" for e in errors]

    report = rebates_recompute()
    assert report.ok, report.differences
    assert report.events_replayed > 0 or {first, second} == {"report"}
    chain = audit_chain_verify()
    assert chain.ok, chain.problem
    counted = sum(l.quantity for o in Order.objects.filter(state__in=COUNTING) for l in o.lines.all()
                  if l.line_reference == "CB")
    volume = LineVolume.objects.filter(agreement=cast.agreement, line_reference="CB").first()
    assert (volume.quantity if volume else 0) == counted
    states = list(Order.objects.values_list("state", flat=True))
    if "cancel" in (first, second):
        assert states.count("cancelled") == EACH * (2 if first == second else 1)
    if "approve" in (first, second):
        assert states.count("approved") == EACH * (2 if first == second else 1)
    if "report" in (first, second):
        sales = SalesReport.objects.get()
        assert sales.current_version == EACH * (2 if first == second else 1)
        assert sales.versions.count() == sales.current_version
    assert all(o.total > Decimal(0) for o in Order.objects.exclude(state="draft"))
