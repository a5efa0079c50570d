"""Demo savings: two fiscal years of Chromebook orders under Acorn Device Works' agreement (CB-11
tiers at 1 / 500 / 2,500 devices), by ABC Unified and five other members. The last fiscal year's
orders stay on the first tier until the pooled volume passes 500 devices (earlier buyers earn
true-ups); this year every order is priced at that tier, so the savings against buying alone
rise. Two members state what they paid before when joining; ABC Unified's price paid before comes from its survey answer.
Runs after the orders demo, before the sales reports (which list these orders);
`finish_savings_demo` rebuilds the savings table once at the end of the build."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from contracts.models import MasterAgreement, ParticipationAgreement
from contracts.selectors.agreements import current_schedule
from core.fiscal import FiscalYear
from edpool.demo.catalog_agreements import _join
from edpool.demo.clock import at
from edpool.demo.orders import _approver, _buyer
from edpool.demo.sourcing import _vendor
from orders.models import Order
from orders.services import order_acknowledge, order_approve, order_create, order_fulfil, order_submit

REFERENCE = "SAV-"
# (member index, CB-11 devices, CEU licences, fiscal year: 0 last one, 1 this one)
PLAN = [(0, 150, 0, 0), (3, 120, 0, 0), (4, 180, 0, 0), (0, 100, 0, 0),
        (5, 300, 0, 1), (0, 300, 0, 1), (6, 350, 0, 1), (7, 300, 0, 1), (0, 200, 0, 1)]
# Devices only (the usage demo tells the story of ABC Unified's CEU licences), 2,000 in all: below
# the 2,500-device tier, which the members declaring Chromebooks bought outside the pool would
# reach together (prices' consolidation opportunity).
# Prices two members say they paid before joining (per device, per licence).
PRIOR = {4: ("289.00", "36.00"), 6: ("275.00", None)}


def _spread(first: dt.date, last: dt.date, count: int) -> list[dt.date]:
    if count == 0:
        return []
    span = max(0, (last - first).days)
    return [first + dt.timedelta(days=span * (i + 1) // (count + 1)) for i in range(count)]


def build_savings_demo(report, members) -> None:
    agreement = MasterAgreement.objects.filter(vendor__organisation__name="Acorn Device Works").first()
    if agreement is None or Order.objects.filter(reference__startswith=REFERENCE).exists():
        report.add("Demo savings orders already present." if agreement else "No Acorn agreement for savings.")
        return
    entries = {e.line_reference: e.product for e in current_schedule(agreement).entries.select_related("product")}
    device, licence = entries["CB-11"], entries["CEU"]
    today = timezone.localdate()
    this_year = FiscalYear.of(today)
    first_day = agreement.start_date + dt.timedelta(days=7)
    vendor = _vendor("Acorn Device Works")
    # Members join (ABC Unified already did); two state what they paid before.
    joined_at = timezone.make_aware(dt.datetime.combine(first_day - dt.timedelta(days=3), dt.time(9)))
    for index in sorted({i for i, *_ in PLAN} - {0}):
        district = members[index]
        if ParticipationAgreement.objects.filter(district=district, agreement=agreement, state="active").exists():
            continue
        prior = PRIOR.get(index)
        prices = {}
        if prior:
            prices[device.pk] = prior[0]
            if prior[1]:
                prices[licence.pk] = prior[1]
        with at(joined_at):
            _join(district, agreement, _buyer(district, index + 1), "60000",
                  competition_lines={"CB-11": 300, "CEU": 300}, prior_prices=prices,
                  reasons="Lowest price for our Chromebooks with licences.")
    # Dates: last fiscal year's orders between the agreement's start and the year's end; this
    # year's between its first day and a few days ago.
    last_year_plan = [p for p in PLAN if p[3] == 0]
    this_year_plan = [p for p in PLAN if p[3] == 1]
    if first_day < this_year.start:
        days = (_spread(first_day, this_year.start - dt.timedelta(days=3), len(last_year_plan))
                + _spread(this_year.start + dt.timedelta(days=2), today - dt.timedelta(days=3), len(this_year_plan)))
    else:  # a young agreement: everything this year
        days = _spread(first_day, today - dt.timedelta(days=3), len(PLAN))
    approver = _approver("approver1@demo.edpool.org")
    for number, ((index, devices, licences, _), day) in enumerate(zip(PLAN, days), start=1):
        district = members[index]
        buyer = _buyer(district, index + 1)
        lines = [(device, devices)] + ([(licence, licences)] if licences else [])
        moment = timezone.make_aware(dt.datetime.combine(day, dt.time(10)))
        with at(moment):
            order = order_create(district=district, agreement=agreement, lines=lines,
                                 reference=f"{REFERENCE}{number:02d}", actor=buyer)
            order = order_submit(order=order, actor=buyer)
        with at(moment + dt.timedelta(hours=3)):
            if order.needs_approval and order.priced_at is None:
                order = order_approve(order=order, actor=approver)
        if day < this_year.start:  # last year's orders were delivered (kept short: the build runs in tests)
            with at(moment + dt.timedelta(days=1)):
                order_acknowledge(order=order, actor=vendor)
            with at(moment + dt.timedelta(days=7)):
                order_fulfil(order=order, actor=vendor)
    report.add(f"Savings: {len(PLAN)} Chromebook orders under {agreement.number} over "
               f"{this_year.previous().label} and {this_year.label}, crossing the 500-device tier.")


def finish_savings_demo(report) -> None:
    """Last in the build, after the surveys: the hooks for survey answers and prior prices run when
    a transaction commits, which a build inside one transaction (the tests) never does: one rebuild
    makes the savings table whole."""
    from analytics.savings import rebuild

    from analytics.rollup import check

    rebuilt = rebuild()
    report.add(f"Savings table: {rebuilt.rows} rows for {rebuilt.lines} order lines.")
    rollup = check(repair=True)  # (rebuild refreshed the buckets of the lines it fixed; this proves it)
    report.add(f"Monthly rollup: {rollup.rows} rows, {rollup.fixed} buckets rewritten.")
