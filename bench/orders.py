"""Benchmark: orders at national scale. Generates an order history of L order lines over A
agreements (the ledger computed with the same pricing rules, written with bulk inserts), then
measures: placing an order (p50/p95 while other threads place orders too), a full rebate
recomputation (`rebates_recompute`, which replays every event) and a member's statement.

    edpool bench orders [--lines 1000000] [--agreements 2000] [--districts 2000] [--threads 4]
                        [--orders 200] [--seed 5]

The issue's target scale is 10 million lines (`--lines 10000000`): expect about 1 GB of
PostgreSQL data per million lines and generation at roughly 20-40 s per million on this machine.
Runs in a throwaway test database on the configured server (PostgreSQL is the target).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import threading
import time
from decimal import Decimal


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="edpool bench orders")
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--agreements", type=int, default=2_000)
    parser.add_argument("--districts", type=int, default=2_000)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--orders", type=int, default=200, help="orders placed while measuring")
    parser.add_argument("--seed", type=int, default=5)
    args, _ = parser.parse_known_args(argv)

    from bench.throwaway import in_throwaway_database

    return in_throwaway_database(lambda: _run(args))


TIER_STEPS = (1, 500, 2_000, 10_000)


def _generate(args, rng: random.Random) -> dict:
    from django.utils import timezone

    from accounts.models import RoleAssignment, User
    from catalog.models import Category, Product
    from contracts.models import (LineVolume, MasterAgreement, ParticipationAgreement, ScheduleEntry,
                                  ScheduleVersion)
    from core.money import cents
    from members.models import District, Membership
    from orders.models import Order, OrderLine, RebateEntry, VolumeEvent
    from orders.pricing import LineReplay, apply_order
    from orgs.models import Organisation
    from sourcing.models import Award, Bid, Solicitation
    from vendors.models import Vendor

    started = time.monotonic()
    now = timezone.now()
    today = timezone.localdate()
    user = User.objects.create(email="bench@bench.invalid")
    category = Category.objects.create(code="bench", name="Bench")
    vorgs = Organisation.objects.bulk_create([Organisation(kind="vendor", name=f"V{i}", slug=f"v{i}")
                                              for i in range(args.agreements)], batch_size=5000)
    vendors = Vendor.objects.bulk_create([Vendor(organisation=o, legal_name=o.name) for o in vorgs], batch_size=5000)
    dorgs = Organisation.objects.bulk_create([Organisation(kind="district", name=f"D{i}", slug=f"d{i}", state="CA")
                                              for i in range(args.districts)], batch_size=5000)
    districts = District.objects.bulk_create([District(organisation=o, state="CA", state_leaid=f"CA-B{i}",
                                                       approval_limit=Decimal("10000000"))
                                              for i, o in enumerate(dorgs)], batch_size=5000)
    Membership.objects.bulk_create([Membership(district=d, state="active", applied_at=now) for d in districts],
                                   batch_size=5000)
    buyers = User.objects.bulk_create([User(email=f"b{i}@bench.invalid") for i in range(len(districts))],
                                      batch_size=5000)
    RoleAssignment.objects.bulk_create([RoleAssignment(user=u, organisation=d.organisation, role="district_buyer")
                                        for u, d in zip(buyers, districts)], batch_size=5000)
    sol = Solicitation.objects.create(number="SOL-B", title="Bench", category=category, state="award_notice",
                                      questions_deadline=now, bid_deadline=now)
    award = Award.objects.create(solicitation=sol, version=1, method="multi_award", notice_published_at=now,
                                 standstill_ends_at=now, created_by=user)
    bids = Bid.objects.bulk_create([Bid(solicitation=sol, vendor=v, submitted_at=now, sealed=b"x", digest="x")
                                    for v in vendors], batch_size=5000)
    agreements = MasterAgreement.objects.bulk_create([
        MasterAgreement(number=f"MA-B-{i}", vendor=b.vendor, solicitation=sol, award=award, bid=b, title="Bench",
                        award_kind="single_award", state="active", start_date=today - dt.timedelta(days=700),
                        end_date=today + dt.timedelta(days=400), max_term_years=5, admin_fee_rate=Decimal("0.02"))
        for i, b in enumerate(bids)], batch_size=5000)
    versions = ScheduleVersion.objects.bulk_create([ScheduleVersion(agreement=a, number=1) for a in agreements],
                                                   batch_size=5000)
    products, entry_specs = [], []
    for a, v in zip(agreements, versions):
        for n in range(5):
            base = Decimal(rng.randint(500, 40000)) / 100
            tiers = [{"min_quantity": m, "unit_price": str(cents(base * (1 - Decimal("0.03") * k)))}
                     for k, m in enumerate(TIER_STEPS)]
            products.append(Product(vendor=a.vendor, name=f"P{a.pk}-{n}", category=category, kind="device", price_unit="per_device",
                                    list_price=cents(base * Decimal("1.15")), unit="each"))
            entry_specs.append((v, f"L{n}", tiers))
    products = Product.objects.bulk_create(products, batch_size=5000)
    entries = ScheduleEntry.objects.bulk_create([
        ScheduleEntry(version=v, product=p, line_reference=ref, line_description="Bench", unit="each", tiers=t,
                      list_price=p.list_price) for (v, ref, t), p in zip(entry_specs, products)], batch_size=5000)
    per_agreement = {}
    for e, (v, _, _) in zip(entries, entry_specs):
        per_agreement.setdefault(v.agreement_id, []).append(e)
    # Participation: each district joins a few agreements.
    joined = {}
    parts = []
    for d in districts:
        for a in rng.sample(agreements, 8):
            joined.setdefault(a.pk, []).append(d)
            parts.append(ParticipationAgreement(district=d, agreement=a, estimated_value=1, state="active",
                                                prepared_by=user, prepared_at=now))
    ParticipationAgreement.objects.bulk_create(parts, batch_size=5000)
    # The history: orders of 1-5 lines, in time order, priced by the pooled volume.
    replays: dict[tuple[int, str], LineReplay] = {}
    district_of_order: dict[int, int] = {}
    # Past any rows already there (the load test builds the demo first).
    from django.db.models import Max
    next_ids = {"order": Order.objects.aggregate(m=Max("id"))["m"] or 0,
                "line": OrderLine.objects.aggregate(m=Max("id"))["m"] or 0,
                "event": VolumeEvent.objects.aggregate(m=Max("id"))["m"] or 0}
    seqs: dict[tuple[int, str], int] = {}
    made = 0
    order_no = 0
    start_time = now - dt.timedelta(days=600)
    while made < args.lines:
        chunk_orders = []
        plan = []
        for _ in range(20_000):
            if made >= args.lines:
                break
            agreement = rng.choice(agreements)
            if agreement.pk not in joined:
                continue
            district = rng.choice(joined[agreement.pk])
            k = min(rng.randint(1, 5), args.lines - made)
            chosen = rng.sample(per_agreement[agreement.pk], k)
            order_no += 1
            at = start_time + dt.timedelta(seconds=order_no)
            order = Order(number=f"PO-B-{order_no}", district=district, agreement=agreement, state="fulfilled",
                          created_by=user, created_at=at, submitted_at=at)
            chunk_orders.append(order)
            plan.append((order, [(e, rng.choice((1, 5, 20, 30, 100, 250))) for e in chosen]))
            made += k
        for order in chunk_orders:
            next_ids["order"] += 1
            order.pk = next_ids["order"]
            district_of_order[order.pk] = order.district_id
        events, rebates, lines = [], [], []
        for order, items in plan:
            total = Decimal(0)
            for entry, quantity in items:
                key = (order.agreement_id, entry.line_reference)
                state = replays.setdefault(key, LineReplay())
                next_ids["line"] += 1
                line = OrderLine(id=next_ids["line"], order=order, entry=entry, product_id=entry.product_id,
                                 line_reference=entry.line_reference, quantity=quantity, list_price=entry.list_price)
                priced, credits = apply_order(state, order.pk, [(line.pk, entry.tiers, quantity)])
                line.unit_price, line.volume_after = priced[0].unit_price, priced[0].volume_after
                line.amount = cents(line.unit_price * quantity)
                total += line.amount
                lines.append(line)
                seqs[key] = seqs.get(key, 0) + 1
                next_ids["event"] += 1
                event = VolumeEvent(id=next_ids["event"], agreement_id=key[0], line_reference=key[1], seq=seqs[key],
                                    kind="order", order=order, delta=quantity, volume_after=state.volume,
                                    at=order.submitted_at)
                events.append(event)
                for c in credits:
                    rebates.append(RebateEntry(district_id=district_of_order[c.order_id], agreement_id=key[0],
                                               kind="true_up", order_line_id=c.line_id, event=event,
                                               unit_price_from=c.price_from, unit_price_to=c.price_to,
                                               amount=c.amount, created_at=order.submitted_at))
            order.total = total
        Order.objects.bulk_create(chunk_orders, batch_size=5000)
        OrderLine.objects.bulk_create(lines, batch_size=5000)
        VolumeEvent.objects.bulk_create(events, batch_size=5000)
        RebateEntry.objects.bulk_create(rebates, batch_size=5000)
        print(f"    {made:,} lines ({time.monotonic() - started:.0f} s)", flush=True)
    LineVolume.objects.bulk_create([LineVolume(agreement_id=k[0], line_reference=k[1], quantity=s.volume)
                                    for k, s in replays.items()], batch_size=5000)
    _reset_sequences()
    print(f"  history: {made:,} order lines in {order_no:,} orders over {len(agreements):,} agreements, "
          f"{RebateEntry.objects.count():,} rebate entries ({time.monotonic() - started:.0f} s)")
    return {"districts": districts, "joined": joined, "per_agreement": per_agreement, "buyers": buyers}


def _reset_sequences() -> None:
    """Ids were assigned here: move the tables' id sequences past them (PostgreSQL)."""
    from django.core.management.color import no_style
    from django.db import connection

    from orders.models import Order, OrderLine, VolumeEvent

    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [Order, OrderLine, VolumeEvent]):
            cursor.execute(sql)


def _run(args) -> int:
    from django.db import connection, connections

    from accounts.acting import Actor
    from accounts.models import RoleAssignment
    from members.models import District
    from orders.selectors import rebate_entries, rebate_statement, rebates_recompute
    from orders.services import order_create, order_submit

    rng = random.Random(args.seed)
    print(f"orders on {connection.vendor}: {args.lines:,} order lines, {args.agreements:,} agreements, "
          f"{args.districts:,} districts")
    world = _generate(args, rng)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    # 1. Placing orders while others place orders.
    jobs = []
    for _ in range(args.orders):
        agreement_id = rng.choice(list(world["joined"]))
        district = rng.choice(world["joined"][agreement_id])
        entry = rng.choice(world["per_agreement"][agreement_id])
        jobs.append((district.pk, agreement_id, entry.product_id, rng.choice((1, 10, 50, 200))))
    drafts = []
    for district_id, agreement_id, product_id, quantity in jobs:
        district = District.objects.get(pk=district_id)
        actor = Actor.from_assignment(RoleAssignment.objects.select_related("user", "organisation")
                                      .get(organisation=district.organisation, role="district_buyer"))
        from catalog.models import Product
        from contracts.models import MasterAgreement
        order = order_create(district=district, agreement=MasterAgreement.objects.get(pk=agreement_id),
                             lines=[(Product.objects.get(pk=product_id), quantity)], actor=actor)
        drafts.append((order, actor))
    connections.close_all()
    latencies, errors, lock = [], [], threading.Lock()
    queue = list(drafts)

    def worker():
        while True:
            with lock:
                if not queue:
                    break
                order, actor = queue.pop()
            began = time.perf_counter()
            try:
                order_submit(order=order, actor=actor)
            except Exception as exc:  # counted and reported: a failed order is not a fast order
                with lock:
                    errors.append(f"{type(exc).__name__}: {exc}")
                continue
            elapsed = time.perf_counter() - began
            with lock:
                latencies.append(elapsed)
        connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(args.threads)]
    wall = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - wall
    if errors:
        print(f"  {len(errors)} of {len(drafts)} orders FAILED, e.g. {errors[0]}")
    if not latencies:
        return 1
    latencies.sort()
    pct = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000
    print(f"  placing an order with {args.threads} threads ordering at once: p50 {pct(0.5):.0f} ms, "
          f"p95 {pct(0.95):.0f} ms ({len(latencies) / wall:.0f} orders/s)")
    # 2. A full rebate recomputation.
    began = time.perf_counter()
    report = rebates_recompute()
    took = time.perf_counter() - began
    print(f"  full rebate recomputation: {report.events_replayed:,} events, {report.lines_checked:,} lines in "
          f"{took:.1f} s ({report.events_replayed / took:,.0f} events/s); differences: {len(report.differences)}")
    # 3. A member's statement.
    times = []
    for district in rng.choices(world["districts"], k=30):
        began = time.perf_counter()
        rows = rebate_statement(district=district)
        list(rebate_entries(district=district)[:100])
        times.append(time.perf_counter() - began)
    times.sort()
    print(f"  a member's statement (per-agreement totals and the latest 100 ledger entries): "
          f"p50 {times[15] * 1000:.0f} ms, p95 {times[28] * 1000:.0f} ms ({len(rows)} agreements for the last one)")
    return 0 if report.ok and not errors else 1
