"""Benchmark: member catalog search at national scale, with the verdict column.

Generates P products from A vendors (one master agreement each, every product on its vendor's
schedule), compliance evidence (via the compliance-matrix generator), D districts, and pooled
volumes; then times searches as a signed-in district (ranked keyword search + filters + one page
of 20 results with tiers and the district's compliance verdict) and prints p50/p95/p99.

    edpool bench catalog-search [--products 50000] [--agreements 2000] [--districts 19000]
                                [--searches 200] [--seed 11]

Runs in a throwaway test database on the configured server (PostgreSQL is the target). The data
is written with bulk inserts (no audit events): it is benchmark data, not history; the catalog's
search table is then built from it in one go (`catalog_index_refresh(everything=True)`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import time

WORDS = ("reading math science phonics fluency algebra geometry writing spelling coding robotics "
         "chromebook laptop tablet display projector camera headset keyboard charger network wifi "
         "router filter safety library ebook assessment benchmark tutor planner portal rostering "
         "signon analytics dashboard attendance gradebook iep speech music art history civics "
         "spanish french biology chemistry physics engineering design video audio printing").split()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="edpool bench catalog-search")
    parser.add_argument("--products", type=int, default=50_000)
    parser.add_argument("--agreements", type=int, default=2_000)
    parser.add_argument("--districts", type=int, default=19_000)
    parser.add_argument("--searches", type=int, default=200)
    parser.add_argument("--seed", type=int, default=11)
    args, _ = parser.parse_known_args(argv)

    from bench.throwaway import in_throwaway_database

    return in_throwaway_database(lambda: _run(args))


def _generate(args, rng: random.Random):
    from decimal import Decimal

    from django.utils import timezone

    from accounts.models import User
    from bench import compliance_matrix
    from catalog.models import Product, search_text_of
    from contracts.models import LineVolume, MasterAgreement, ScheduleEntry, ScheduleVersion
    from contracts.services.catalog_index import catalog_index_refresh
    from members.models import District, Membership
    from orgs.models import Organisation
    from sourcing.models import Award, Bid, Solicitation
    from catalog.models import Category

    started = time.monotonic()
    world = compliance_matrix._generate(argparse.Namespace(products=args.products, vendors=args.agreements,
                                                           seed=args.seed))
    products = list(Product.objects.select_related("vendor").order_by("pk"))
    for p in products:
        words = rng.sample(WORDS, 3)
        p.name = f"{words[0].title()} {words[1].title()} {p.pk}"
        p.description = " ".join(rng.sample(WORDS, 10))
        p.search_text = search_text_of(p.name, p.description)
    Product.objects.bulk_update(products, ["name", "description", "search_text"], batch_size=5000)
    extra = max(0, args.districts - len(world["districts"]))
    orgs = Organisation.objects.bulk_create(
        [Organisation(kind="district", name=f"Bench LEA {i:05d}", slug=f"bench-lea-{i}", state="CA")
         for i in range(extra)], batch_size=5000)
    districts = District.objects.bulk_create(
        [District(organisation=o, state="CA", state_leaid=f"CA-B{i:06d}", enrollment=rng.randint(300, 60000))
         for i, o in enumerate(orgs)], batch_size=5000)
    Membership.objects.bulk_create([Membership(district=d, state="active", applied_at=timezone.now())
                                    for d in districts], batch_size=5000)
    user = User.objects.create(email="bench@bench.invalid")
    category = Category.objects.first()
    today = timezone.localdate()
    solicitations = Solicitation.objects.bulk_create([
        Solicitation(number=f"SOL-B-{i:03d}", title=f"Bench solicitation {i}", category=category,
                     state="award_notice", questions_deadline=timezone.now(), bid_deadline=timezone.now())
        for i in range(max(1, args.agreements // 50))])
    awards = Award.objects.bulk_create([Award(solicitation=s, version=1, method="multi_award",
                                              notice_published_at=timezone.now(),
                                              standstill_ends_at=timezone.now(), created_by=user)
                                        for s in solicitations])
    by_vendor: dict[int, list] = {}
    for p in products:
        by_vendor.setdefault(p.vendor_id, []).append(p)
    vendors = sorted(by_vendor)
    bids = Bid.objects.bulk_create([Bid(solicitation=solicitations[i % len(solicitations)], vendor_id=v,
                                        submitted_at=timezone.now(), sealed=b"x", digest="x")
                                    for i, v in enumerate(vendors)], batch_size=5000)
    agreements = MasterAgreement.objects.bulk_create([
        MasterAgreement(number=f"MA-B-{i:05d}", vendor_id=b.vendor_id, solicitation=b.solicitation,
                        award=awards[i % len(awards)], bid=b, title="Bench agreement",
                        award_kind=rng.choice(["multi_award", "single_award"]), state="active",
                        start_date=today - dt.timedelta(days=100), end_date=today + dt.timedelta(days=900),
                        max_term_years=5, admin_fee_rate=Decimal("0.02"))
        for i, b in enumerate(bids)], batch_size=5000)
    versions = ScheduleVersion.objects.bulk_create([ScheduleVersion(agreement=a, number=1) for a in agreements],
                                                   batch_size=5000)
    entries, volumes = [], []
    for version, agreement in zip(versions, agreements):
        for n, product in enumerate(by_vendor[agreement.vendor_id]):
            price = product.list_price * Decimal("0.85")
            entries.append(ScheduleEntry(version=version, product=product, line_reference=f"L{n}",
                                         line_description="Bench line", unit="seat", list_price=product.list_price,
                                         tiers=[{"min_quantity": 1, "unit_price": str(price.quantize(Decimal("0.01")))},
                                                {"min_quantity": 1000, "unit_price": str((price * Decimal("0.95")).quantize(Decimal("0.01")))}]))
            volumes.append(LineVolume(agreement=agreement, line_reference=f"L{n}", quantity=rng.randint(0, 3000)))
    ScheduleEntry.objects.bulk_create(entries, batch_size=5000)
    LineVolume.objects.bulk_create(volumes, batch_size=5000)
    # Bulk inserts bypass the services that keep the catalog's search table: build it.
    catalog_index_refresh(everything=True)
    print(f"  catalog data: {len(entries):,} schedule entries on {len(agreements):,} agreements, "
          f"{District.objects.count():,} districts ({time.monotonic() - started:.1f} s)")
    return districts or world["districts"]


def _run(args) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accounts.acting import Actor
    from compliance.services.rules import rules_load
    from contracts.selectors.catalog import catalog_items, catalog_page

    rng = random.Random(args.seed)
    print(f"catalog search on {connection.vendor}: {args.products:,} products, {args.agreements:,} "
          f"agreements, {args.districts:,} districts")
    rules_load(actor=Actor.system("bench"))
    districts = _generate(args, rng)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    timings, counts, queries = [], [], []
    for i in range(args.searches):
        district = rng.choice(districts)
        filters = {"q": " ".join(rng.sample(WORDS, rng.choice([1, 1, 2])))}
        if rng.random() < 0.3:
            filters["grade_band"] = rng.choice(["K-2", "3-5", "6-8", "9-12"])
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            entries, count = catalog_page(page=1, page_size=20, **filters)
            items = catalog_items(entries, district=district)
        timings.append(time.perf_counter() - started)
        counts.append(count)
        queries.append(len(captured))
        assert all(item.verdict is not None for item in items)
    timings.sort()
    pct = lambda q: timings[min(len(timings) - 1, int(q * len(timings)))] * 1000
    print(f"  {args.searches} searches (1-2 words, 30% with a grade filter), page of 20 with tiers and the "
          f"district's verdicts: p50 {pct(0.50):.0f} ms, p95 {pct(0.95):.0f} ms, p99 {pct(0.99):.0f} ms; "
          f"median {int(statistics.median(counts)):,} matches; {min(queries)}-{max(queries)} queries each")
    target = 100
    print(f"  target p95 < {target} ms on PostgreSQL: {'met' if pct(0.95) < target else 'MISSED'}")
    return 0
