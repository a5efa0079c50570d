"""Benchmark: the consortium savings dashboard and the spend report at millions of order lines,
read from the monthly rollup (analytics.MonthRollup).

    edpool bench rollup [--lines 10000000] [--seed-lines 20000] [--agreements 200] [--districts 1000]
                        [--months 48] [--statements 100] [--check]

A fast generator: `bench.orders` writes a consistent seed history (`--seed-lines` lines, priced by
the pooled volume, with true-ups) and `analytics.savings.rebuild` computes its savings rows; then
copies of the seed's orders, lines, rebate entries and savings rows are made in bulk SQL
(INSERT ... SELECT over generate_series), each copy shifted by a whole number of months (copy k by
k mod `--months` months, on the consortium's calendar), with new ids and order numbers. A copy's
savings rows are those of its seed line moved by the same months (a line's savings are a pure
function of its order, entry and true-ups; the bench states no prior prices), so the copies stay
consistent: `--check` proves it at small scale (savings rebuild --check over every line). The
rollup is then built by the same code as `edpool rollup rebuild` (analytics.rollup.check with
repair), and checked.

Measured (selector time, in this process, no page rendering): a member's statement (p50/p95 over
random members and fiscal years), the consortium savings dashboard (totals, by member, by month,
by fiscal year) and the spend report (`analytics.spend.spend_report`) for staff and for one
district. Runs in a throwaway database on the configured server (PostgreSQL only).
"""

from __future__ import annotations

import argparse
import random
import statistics
import time


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="edpool bench rollup")
    parser.add_argument("--lines", type=int, default=10_000_000)
    parser.add_argument("--seed-lines", type=int, default=20_000)
    parser.add_argument("--agreements", type=int, default=200)
    parser.add_argument("--districts", type=int, default=1_000)
    parser.add_argument("--months", type=int, default=48)
    parser.add_argument("--statements", type=int, default=100)
    parser.add_argument("--check", action="store_true", help="check the savings rows line by line (slow)")
    parser.add_argument("--seed", type=int, default=5)
    args, _ = parser.parse_known_args(argv)

    from django.db import connection

    if connection.vendor != "postgresql":
        print("bench rollup needs PostgreSQL (DATABASE_URL=postgres://...): skipped.")
        return 0
    from bench.throwaway import in_throwaway_database

    return in_throwaway_database(lambda: _run(args))


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms"


def _copy_sql(model, k_max: int, overrides: dict[str, str]) -> str:
    table = model._meta.db_table
    columns = [f.column for f in model._meta.concrete_fields]
    values = [overrides.get(c, f"s.{c}") for c in columns]
    return (f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(values)} "
            f"FROM {table} s CROSS JOIN generate_series(1, {k_max}) AS k")


def _multiply(copies: int, months: int) -> None:
    """Copies 1..copies of the seed's orders, lines, true-ups and savings rows, shifted by months."""
    from django.conf import settings
    from django.core.management.color import no_style
    from django.db import connection, models

    from analytics.models import LineSaving
    from orders.models import Order, OrderLine, RebateEntry

    tz = settings.TIME_ZONE
    shift = f"make_interval(months => (k % {months}))"

    def moment(column: str) -> str:
        return f"((s.{column} AT TIME ZONE '{tz}') + {shift}) AT TIME ZONE '{tz}'"

    with connection.cursor() as cursor:
        top = {}
        for model in (Order, OrderLine, RebateEntry, LineSaving):
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {model._meta.db_table}")
            top[model] = cursor.fetchone()[0]
        order_over = {f.column: moment(f.column) for f in Order._meta.concrete_fields
                      if isinstance(f, models.DateTimeField)}
        order_over.update(id=f"s.id + k * {top[Order]}", number="s.number || '-' || k")
        statements = [
            (Order, order_over),
            (OrderLine, dict(id=f"s.id + k * {top[OrderLine]}", order_id=f"s.order_id + k * {top[Order]}")),
            (RebateEntry, dict(id=f"s.id + k * {top[RebateEntry]}",
                               order_line_id=f"s.order_line_id + k * {top[OrderLine]}", event_id="NULL",
                               settlement_id="NULL", created_at=moment("created_at"))),
            (LineSaving, dict(id=f"s.id + k * {top[LineSaving]}",
                              order_line_id=f"s.order_line_id + k * {top[OrderLine]}",
                              month=f"(s.month + {shift})::date",
                              fiscal_year="(EXTRACT(YEAR FROM s.month + {shift})::int + "
                                          "CASE WHEN EXTRACT(MONTH FROM s.month + {shift}) >= 7 THEN 1 ELSE 0 END)"
                              .format(shift=shift))),
        ]
        for model, overrides in statements:
            started = time.monotonic()
            where = " WHERE s.kind IN ('true_up', 'reversal')" if model is RebateEntry else ""
            cursor.execute(_copy_sql(model, copies, overrides) + where)
            print(f"  copied {model._meta.db_table}: {cursor.rowcount:,} rows ({time.monotonic() - started:.0f} s)",
                  flush=True)
        for sql in connection.ops.sequence_reset_sql(no_style(), [Order, OrderLine, RebateEntry, LineSaving]):
            cursor.execute(sql)
        cursor.execute("ANALYZE")


def _run(args) -> int:
    import datetime as dt

    from django.db import connection
    from django.db.models import F, Sum

    from accounts.acting import BUYER, STAFF, Actor
    from analytics.models import LineSaving, MonthRollup
    from analytics.rollup import check
    from analytics.savings import rebuild
    from analytics.savings_selectors import savings_by, savings_by_fiscal_year, savings_by_month, savings_totals
    from analytics.spend import spend_report
    from analytics.statement import member_statement
    from bench.orders import _generate
    from core.fiscal import FiscalYear
    from members.models import District
    from orders.models import Order, OrderLine

    rng = random.Random(args.seed)
    first_month = FiscalYear.of(dt.date(2000, 1, 1)).first_month
    assert first_month == 7, "the copy's fiscal_year expression assumes July"
    print(f"rollup on {connection.vendor}: {args.lines:,} order lines (seed {args.seed_lines:,}), "
          f"{args.agreements:,} agreements, {args.districts:,} districts, copies over {args.months} months")
    started = time.monotonic()
    args.threads, args.orders, seed_lines, args.lines = 1, 0, args.lines, args.seed_lines
    args.lines, target = args.seed_lines, seed_lines
    _generate(args, rng)
    Order.objects.filter(priced_at__isnull=True).update(priced_at=F("submitted_at"))
    report = rebuild()
    print(f"seed: {report.lines:,} lines, {report.rows:,} savings rows ({time.monotonic() - started:.0f} s)")
    copies = max(0, target // args.seed_lines - 1)
    t = time.monotonic()
    _multiply(copies, args.months)
    lines = OrderLine.objects.count()
    print(f"copies: {copies} -> {lines:,} order lines, {LineSaving.objects.count():,} savings rows "
          f"({time.monotonic() - t:.0f} s)", flush=True)
    t = time.monotonic()
    built = check(repair=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"rollup built (edpool rollup rebuild's code): {MonthRollup.objects.count():,} rows in "
          f"{built.fixed:,} buckets ({time.monotonic() - t:.0f} s)", flush=True)
    t = time.monotonic()
    verified = check()
    print(f"rollup check: {len(verified.problems)} differing rows ({time.monotonic() - t:.0f} s)", flush=True)
    if args.check:
        savings = rebuild(check_only=True)
        print(f"savings check (line by line): {len(savings.problems)} differences")
        if not savings.ok:
            return 1

    years = sorted(set(LineSaving.objects.values_list("fiscal_year", flat=True).distinct()))
    fy = FiscalYear(max(years, key=lambda y: LineSaving.objects.filter(fiscal_year=y).count()), first_month)
    in_year = MonthRollup.objects.filter(fiscal_year=fy.ends_in)
    print(f"busiest fiscal year {fy.label}: {in_year.aggregate(n=Sum('lines'))['n']:,} counted lines, "
          f"{in_year.count():,} rollup rows")
    districts = list(District.objects.filter(pk__in=LineSaving.objects.values("district_id").distinct())
                     .values_list("pk", flat=True))
    timings = []
    for _ in range(args.statements):
        district = District.objects.select_related("organisation").get(pk=rng.choice(districts))
        t = time.monotonic()
        member_statement(district=district, fiscal_year=FiscalYear(rng.choice(years), first_month))
        timings.append(time.monotonic() - t)
    timings.sort()
    p95 = timings[max(0, int(len(timings) * 0.95) - 1)]
    print(f"member statement: p50 {_ms(statistics.median(timings))}, p95 {_ms(p95)} "
          f"({len(timings)} statements; target p95 < 300 ms)")
    runs = []
    for _ in range(3):
        t = time.monotonic()
        savings_totals(fiscal_year=fy)
        savings_by("member", fiscal_year=fy)
        savings_by_month(fiscal_year=fy)
        savings_by_fiscal_year()
        runs.append(time.monotonic() - t)
    print(f"consortium savings dashboard selectors ({fy.label}: totals, by member, by month, by year): median "
          f"{_ms(statistics.median(runs))} of 3 (target < 2 s)")
    staff = Actor(user=None, organisation=None, role=STAFF, label="bench")
    runs = []
    for _ in range(3):
        t = time.monotonic()
        spend_report(actor=staff, fiscal_year=fy.ends_in)
        runs.append(time.monotonic() - t)
    print(f"spend report, staff (spend_report): median {_ms(statistics.median(runs))} of 3 (target < 2 s)")
    district = District.objects.select_related("organisation").get(pk=rng.choice(districts))
    buyer = Actor(user=None, organisation=district.organisation, role=BUYER, label="bench")
    runs = []
    for _ in range(3):
        t = time.monotonic()
        spend_report(actor=buyer, fiscal_year=fy.ends_in)
        runs.append(time.monotonic() - t)
    print(f"spend report, one district with the consortium's totals: median {_ms(statistics.median(runs))} of 3")
    return 0 if verified.ok else 1
