"""Benchmark: the compliance matrix at national scale. Generates P products from V vendors with
accessibility reports, attestations and data privacy agreements (general offers in many states),
then times the full matrix (every product x 50 states and DC), one page of it, a single check and
the CSV, and reports the query counts (they must not grow with the data).

Runs in a throwaway test database created on the configured server (DATABASE_URL):

    edpool bench compliance-matrix [--products 50000] [--vendors 5000] [--seed 7]

The data is written with bulk inserts (no audit events): it is benchmark data, not history.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import time
import tracemalloc


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="edpool bench compliance-matrix")
    parser.add_argument("--products", type=int, default=50_000)
    parser.add_argument("--vendors", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=7)
    args, _ = parser.parse_known_args(argv)

    from bench.throwaway import in_throwaway_database

    return in_throwaway_database(lambda: _run(args))


def _generate(args) -> dict:
    from decimal import Decimal

    from django.utils import timezone

    from catalog.choices import DATA_CATEGORIES, DEFAULT_PRICE_UNIT, GRADE_BANDS, PRODUCT_FAMILIES
    from catalog.models import Category, Product
    from compliance.engine.schema import REQUIRED_STATES
    from compliance.models import AccessibilityReport, Attestation, DataPrivacyAgreement
    from members.models import District, Membership
    from orgs.models import Organisation
    from vendors.models import Vendor

    rng = random.Random(args.seed)
    today = timezone.localdate()
    started = time.monotonic()
    category = Category.objects.create(code="bench", name="Bench")
    orgs = Organisation.objects.bulk_create(
        [Organisation(kind="vendor", name=f"Bench vendor {i:05d}", slug=f"bench-vendor-{i}")
         for i in range(args.vendors)], batch_size=2000)
    vendors = Vendor.objects.bulk_create([Vendor(organisation=o, legal_name=o.name) for o in orgs],
                                         batch_size=2000)
    dorgs = Organisation.objects.bulk_create(
        [Organisation(kind="district", name=f"Bench district {s}", slug=f"bench-district-{s.lower()}", state=s)
         for s in REQUIRED_STATES])
    districts = District.objects.bulk_create(
        [District(organisation=o, state=o.state, state_leaid=f"{o.state}-BENCH", enrollment=rng.randint(500, 90000))
         for o in dorgs])
    Membership.objects.bulk_create([Membership(district=d, state="active", applied_at=timezone.now())
                                    for d in districts])
    kinds = [code for code, _ in PRODUCT_FAMILIES]
    data = [c for c, _ in DATA_CATEGORIES]
    bands = [c for c, _ in GRADE_BANDS]
    products = []
    for i in range(args.products):
        products.append(Product(
            vendor=vendors[i % len(vendors)], name=f"Product {i:06d}", category=category,
            kind=(kind := rng.choice(kinds)), price_unit=DEFAULT_PRICE_UNIT[kind], grade_bands=rng.sample(bands, rng.randint(1, 3)),
            data_collected=rng.sample(data, rng.randint(0, 4)) if rng.random() < 0.8 else [],
            list_price=Decimal(rng.randint(100, 50000)) / 100, unit="seat"))
    products = Product.objects.bulk_create(products, batch_size=5000)
    reports = [AccessibilityReport(product=p, standard=rng.choice(["WCAG 2.0", "WCAG 2.1", "WCAG 2.2"]),
                                   level=rng.choice(["A", "AA", "AA", "AAA"]),
                                   report_date=today - dt.timedelta(days=rng.randint(1, 1200)),
                                   document="bench.pdf")
               for p in products if rng.random() < 0.5]
    AccessibilityReport.objects.bulk_create(reports, batch_size=5000)
    attestations = [Attestation(vendor=v, kind=k, attested_on=today - dt.timedelta(days=rng.randint(1, 900)),
                                document="bench.pdf")
                    for v in vendors for k in ("coppa", "nist_csf") if rng.random() < 0.4]
    Attestation.objects.bulk_create(attestations, batch_size=5000)
    by_vendor: dict[int, list] = {}
    for p in products:
        by_vendor.setdefault(p.vendor_id, []).append(p)
    dpas, covers = [], []
    for v in vendors:
        for state_district in rng.sample(districts, rng.randint(0, 4)):
            expired = rng.random() < 0.2
            signed = today - dt.timedelta(days=rng.randint(30, 1500))
            dpas.append(DataPrivacyAgreement(
                vendor=v, state=state_district.state, template="ndpa", template_version="v2",
                district=state_district, signed_on=signed,
                district_signed_on=signed, district_side="copy_recorded",
                expires_on=(today - dt.timedelta(days=5)) if expired else today + dt.timedelta(days=400),
                general_offer=rng.random() < 0.7, document="bench.pdf"))
    dpas = DataPrivacyAgreement.objects.bulk_create(dpas, batch_size=5000)
    through = DataPrivacyAgreement.products.through
    for d in dpas:
        for p in by_vendor.get(d.vendor_id, []):
            covers.append(through(dataprivacyagreement_id=d.pk, product_id=p.pk))
    through.objects.bulk_create(covers, batch_size=10000)
    print(f"  data: {len(products):,} products, {len(vendors):,} vendors, {len(reports):,} VPATs, "
          f"{len(attestations):,} attestations, {len(dpas):,} DPAs covering {len(covers):,} "
          f"(DPA, product) pairs; generated in {time.monotonic() - started:.1f} s")
    return {"districts": districts, "products": products}


def _run(args) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accounts.acting import Actor
    from catalog.models import Product
    from compliance.selectors.verdicts import compliance_check, compliance_matrix
    from compliance.services.rules import rules_load

    print(f"compliance matrix on {connection.vendor}: {args.products:,} products x 51 states")
    rules_load(actor=Actor.system("bench"))
    world = _generate(args)
    ok = True

    products = Product.objects.order_by("pk")
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        matrix = compliance_matrix(products=products)
    full = time.perf_counter() - started
    del matrix
    tracemalloc.start()
    matrix = compliance_matrix(products=products)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    cells = len(matrix.rows) * len(matrix.states)
    print(f"  full matrix: {cells:,} cells in {full:.2f} s ({cells / full:,.0f} cells/s), "
          f"{len(queries.captured_queries)} queries, {matrix.distinct_verdicts:,} distinct evaluations; "
          f"peak Python memory {peak / 2**20:.0f} MiB (measured in a second, traced run)")
    ok &= len(queries.captured_queries) <= 8

    page_ids = list(products.values_list("pk", flat=True)[1000:1050])
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        compliance_matrix(products=Product.objects.filter(pk__in=page_ids))
    print(f"  one page (50 products x 51 states): {(time.perf_counter() - started) * 1000:.0f} ms, "
          f"{len(queries.captured_queries)} queries")

    district = world["districts"][4]  # CA
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        own = compliance_matrix(products=products, district=district)
    print(f"  one district's column ({district.state}, own agreements counted): "
          f"{time.perf_counter() - started:.2f} s, {len(queries.captured_queries)} queries")

    rng = random.Random(args.seed)
    sample = rng.sample(world["products"], 200)
    by_id = {pf.id: cells[0] for pf, cells in own.rows}
    disagree = 0
    started = time.perf_counter()
    for product in sample:
        result = compliance_check(district=district, product=product)
        main = result.verdict.main
        cell = by_id[product.pk]
        if (cell.verdict, cell.rule_id) != (result.verdict.verdict, (main.rule_id or "") if main else ""):
            disagree += 1
    per_check = (time.perf_counter() - started) / len(sample) * 1000
    print(f"  single check: {per_check:.1f} ms each (200 sampled); disagreements with the matrix: {disagree}")
    ok &= disagree == 0

    print("  OK" if ok else "  FAILED")
    return 0 if ok else 1


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
