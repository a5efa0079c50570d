"""Benchmark: savings at scale. Generates an order history with `bench.orders` (bulk inserts:
no hooks run), builds the per-line savings table with `analytics.savings.rebuild` (its rate is
the cost of a full rebuild), checks it, then measures a member's board statement (p50/p95 over
random members and fiscal years) and the consortium dashboard (totals, by member, by month).

    edpool bench savings [--lines 200000] [--agreements 400] [--districts 1000] [--statements 100]

Runs in a throwaway test database on the configured server (PostgreSQL is the target).
"""

from __future__ import annotations

import argparse
import random
import statistics
import time


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="edpool bench savings")
    parser.add_argument("--lines", type=int, default=200_000)
    parser.add_argument("--agreements", type=int, default=400)
    parser.add_argument("--districts", type=int, default=1_000)
    parser.add_argument("--statements", type=int, default=100)
    parser.add_argument("--seed", type=int, default=5)
    args, _ = parser.parse_known_args(argv)

    from bench.throwaway import in_throwaway_database

    return in_throwaway_database(lambda: _run(args))


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms"


def _run(args) -> int:
    from django.db import connection

    from analytics.savings import rebuild
    from analytics.savings_selectors import savings_by, savings_by_month, savings_totals
    from analytics.statement import member_statement
    from bench.orders import _generate
    from core.fiscal import FiscalYear
    from members.models import District

    rng = random.Random(args.seed)
    print(f"savings on {connection.vendor}: {args.lines:,} order lines, {args.agreements:,} agreements, "
          f"{args.districts:,} districts")
    args.threads, args.orders = 1, 0
    _generate(args, rng)
    from django.db.models import F

    from orders.models import Order

    # bench.orders writes fulfilled orders without the moment they were priced: their submission.
    Order.objects.filter(priced_at__isnull=True).update(priced_at=F("submitted_at"))
    started = time.monotonic()
    report = rebuild()
    took = time.monotonic() - started
    print(f"rebuild: {report.rows:,} savings rows for {report.lines:,} lines in {took:.1f} s "
          f"({report.lines / max(took, 1e-9):,.0f} lines/s)")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    from analytics.models import LineSaving

    years = sorted(set(LineSaving.objects.values_list("fiscal_year", flat=True).distinct()))
    first = FiscalYear.of(__import__("datetime").date(2000, 1, 1)).first_month
    districts = list(District.objects.filter(pk__in=LineSaving.objects.values("district_id").distinct())
                     .values_list("pk", flat=True))
    timings = []
    for _ in range(args.statements):
        district = District.objects.select_related("organisation").get(pk=rng.choice(districts))
        fy = FiscalYear(rng.choice(years), first)
        t = time.monotonic()
        member_statement(district=district, fiscal_year=fy)
        timings.append(time.monotonic() - t)
    timings.sort()
    p95 = timings[max(0, int(len(timings) * 0.95) - 1)]
    print(f"member statement: p50 {_ms(statistics.median(timings))}, p95 {_ms(p95)} "
          f"({len(timings)} statements; target p95 < 300 ms)")
    fy = FiscalYear(years[-1], first)
    t = time.monotonic()
    savings_totals(fiscal_year=fy)
    savings_by("member", fiscal_year=fy)
    savings_by_month(fiscal_year=fy)
    print(f"consortium dashboard ({fy.label}: totals, by member, by month): {_ms(time.monotonic() - t)} "
          f"(target < 2 s)")
    check = rebuild(check_only=True)
    print(f"check: {len(check.problems)} differences")
    return 0 if check.ok else 1
