"""Demo orders for the spend pages (issue 16): one vendor dominating a category, and a category
shared between vendors to compare it with.

- Interactive displays: Northstar already sells to nine members (edpool.demo.orders); one more
  member picks Cedar in a mini-competition and orders a few 65-inch boards, so Northstar keeps
  about 95% of the category (HHI above 9,000: highly concentrated, nearly a single supplier).
- Chromebooks: two vendors of the multi-award share the category (the third, Juniper, does not
  serve California): ABC Unified orders from Acorn twice (the first, above its approval limit,
  waits for approver1), and so does another member, crossing Acorn's 500-unit tier (a true-up
  rebate); a third member buys from Redwood.

All in the current calendar quarter (finished quarters are already reported by the sales-report
demos). Runs last in the demo build; skipped when its orders exist (safe to run again). The
savings helper's two fiscal years of history live in their own module and do not depend on these.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from contracts.models import MasterAgreement, ParticipationAgreement
from contracts.selectors.agreements import current_schedule
from edpool.demo.catalog_agreements import _join
from edpool.demo.clock import at
from edpool.demo.orders import _approver, _buyer
from edpool.demo.sourcing import _vendor
from orders.models import Order
from orders.services import order_acknowledge, order_approve, order_create, order_fulfil, order_submit

REFERENCE = "DEMO-SPEND"


def _agreement(vendor: str, number_prefix: str) -> MasterAgreement | None:
    return (MasterAgreement.objects.filter(vendor__organisation__name=vendor, number__startswith=number_prefix,
                                           state="active").first())


def _product(agreement: MasterAgreement, line: str):
    return current_schedule(agreement).entries.filter(line_reference=line).order_by("pk").first().product


def _place(district, agreement, line: str, quantity: int, buyer, moment: dt.datetime, n: int, *,
           now: dt.datetime, approver=None, fulfil=True) -> Order:
    """Place, approve (above the limit), acknowledge and fulfil, each step later but never after now."""
    vendor = _vendor(agreement.vendor.organisation.name)
    with at(moment):
        order = order_create(district=district, agreement=agreement, lines=[(_product(agreement, line), quantity)],
                             reference=f"{REFERENCE}-{n:02d}", actor=buyer)
        order = order_submit(order=order, actor=buyer)
    if order.needs_approval and approver is not None:
        with at(min(moment + dt.timedelta(hours=2), now)):
            order = order_approve(order=order, actor=approver)
    with at(min(moment + dt.timedelta(hours=4), now)):
        order = order_acknowledge(order=order, actor=vendor)
    if fulfil:
        with at(min(moment + dt.timedelta(hours=6), now)):
            order = order_fulfil(order=order, actor=vendor)
    return order


def _joined(district, agreement) -> bool:
    return ParticipationAgreement.objects.filter(district=district, agreement=agreement, state="active").exists()


def build_spend_demo(report, members) -> None:
    if Order.objects.filter(reference__startswith=REFERENCE).exists():
        report.add("Demo spend orders already present.")
        return
    cedar = _agreement("Cedar Classroom Tech", "MA-2026-001")
    acorn, redwood = (_agreement(name, "MA-2026-006") for name in ("Acorn Device Works", "Redwood Laptops"))
    if None in (cedar, acorn, redwood):
        report.add("No agreements for the demo spend orders.")
        return
    now = timezone.now().replace(microsecond=0)
    # Orders go in this calendar quarter only: the sales-report demos have already reported the
    # finished quarters (no sales for the catalog agreements), and these orders must not
    # contradict them. `when(f)`: the moment a fraction f of the quarter so far.
    today = timezone.localdate()
    quarter_start = timezone.make_aware(dt.datetime(today.year, 3 * ((today.month - 1) // 3) + 1, 1, 8))
    span = max(now - quarter_start, dt.timedelta(hours=12))

    def when(fraction: float) -> dt.datetime:
        return min(now, quarter_start + span * fraction)

    placed = []
    # Displays: a member that already buys Northstar's boards picks Cedar in a mini-competition
    # for 20 65-inch boards. Existing demo buyers only (a new account costs a password hash).
    cedar_member = members[5]
    buyer = _buyer(cedar_member, 6)
    if not _joined(cedar_member, cedar):
        with at(now - dt.timedelta(days=40)):
            _join(cedar_member, cedar, buyer, "40000", competition_lines={"D65": 20},
                  favour={cedar.vendor_id: 40},
                  reasons="Cedar's boards fit the new wing's mounts; its training plan was the strongest.")
    placed.append(_place(cedar_member, cedar, "D65", 20, buyer, when(0.5), 1, now=now))

    # Chromebooks: ABC Unified (joined Acorn's agreement with the catalog demo) orders twice; its
    # first order is above its approval limit and waits for approver1. A third member buys Acorn's
    # too (the pooled volume reaches the 500-unit tier: ABC earns a true-up), so the consortium's
    # Chromebook total covers three members (a district's view shows a category only then).
    abc = members[0]
    buyer1 = _buyer(abc, 1)
    placed.append(_place(abc, acorn, "CB-11", 400, buyer1, when(0.1), 2, now=now,
                         approver=_approver("approver1@demo.edpool.org")))
    acorn_member = members[4]
    buyer5 = _buyer(acorn_member, 5)
    if not _joined(acorn_member, acorn):
        with at(now - dt.timedelta(days=110)):
            _join(acorn_member, acorn, buyer5, "30000", competition_lines={"CB-11": 100},
                  reasons="Lowest price for our Chromebooks.")
    placed.append(_place(acorn_member, acorn, "CB-11", 100, buyer5, when(0.3), 3, now=now))
    placed.append(_place(abc, acorn, "CB-11", 150, buyer1, when(0.8), 4, now=now))
    # Another member buys Redwood's.
    redwood_member = members[2]
    buyer3 = _buyer(redwood_member, 3)
    if not _joined(redwood_member, redwood):
        with at(now - dt.timedelta(days=230)):
            _join(redwood_member, redwood, buyer3, "48000", competition_lines={"CB-11": 300},
                  favour={redwood.vendor_id: 40},
                  reasons="Redwood's repair depot is in our county; its price is within 3% of the lowest.")
    placed.append(_place(redwood_member, redwood, "CB-11", 120, buyer3, when(0.2), 5, now=now))
    report.add(f"Spend demo: {len(placed)} more orders: Northstar keeps about 95% of interactive displays "
               f"(Cedar has one order); Chromebooks shared by Acorn and Redwood, in this quarter.")
