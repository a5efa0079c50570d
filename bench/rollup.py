"""Benchmark: the consortium savings dashboard and the spend report at millions of order lines,
read from the monthly rollup (analytics.MonthRollup).

    edpool bench rollup [--lines 10000000] [--seed-lines 20000] [--agreements 200] [--districts 1000]
                        [--months 48] [--align-fiscal-year] [--district-rounds 1] [--statements 100]
                        [--chunk 25] [--rollup shifted|lines] [--check] [--keep]
    edpool bench rollup --reuse DBNAME [--statements 100]

The generator (a seed history copied in bulk SQL, the rollup shifted from the seed's) is
`bench.rollup_data`; `grow` there is also what `edpool bench load --national` uses.

Measured (selector time, in this process, no page rendering): a member's statement (p50/p95 over
random members and fiscal years), the consortium savings dashboard (totals, by member, by month,
by fiscal year) and the spend report (`analytics.spend.spend_report`) for staff and for one
district. Runs in a throwaway database on the configured server (PostgreSQL only), dropped at the
end unless `--keep` (its name is printed); `--reuse DBNAME` measures a kept database again without
generating anything (after a change of the selectors' queries, say).
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from bench.rollup_data import _load, _session, grow


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="edpool bench rollup")
    parser.add_argument("--lines", type=int, default=10_000_000)
    parser.add_argument("--seed-lines", type=int, default=20_000)
    parser.add_argument("--agreements", type=int, default=200)
    parser.add_argument("--districts", type=int, default=1_000)
    parser.add_argument("--months", type=int, default=48)
    parser.add_argument("--statements", type=int, default=100)
    parser.add_argument("--chunk", type=int, default=25, help="copies of the seed made by one statement")
    parser.add_argument("--rollup", choices=("shifted", "lines"), default="shifted",
                        help="build the rollup from the seed's, shifted (fast), or from every line")
    parser.add_argument("--check", action="store_true",
                        help="check the savings rows line by line and the rollup against the lines (slow)")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards (its name is printed)")
    parser.add_argument("--reuse", metavar="DBNAME", default="",
                        help="measure a database kept by --keep again, generating nothing")
    parser.add_argument("--district-rounds", type=int, default=1,
                        help="copies k of round (k // months) mod N also move every district to another one "
                             "(a different one-to-one map per round), so a district buys under N times as many "
                             "agreements; 1 (the default) keeps the seed's districts")
    parser.add_argument("--align-fiscal-year", action="store_true",
                        help="shift the copies back so that the --months shifts begin in the first month of "
                             "the seed's fiscal year (with --months 12: one fiscal year holds all the lines)")
    parser.add_argument("--seed", type=int, default=5)
    args, _ = parser.parse_known_args(argv)
    if (args.lines < 1 or args.seed_lines < 1 or args.months < 1 or args.chunk < 1 or args.statements < 1
            or args.district_rounds < 1):
        parser.error("--lines, --seed-lines, --months, --chunk, --statements and --district-rounds must be positive")
    if args.district_rounds > args.districts:
        parser.error("--district-rounds cannot exceed --districts")

    from django.db import connection

    if connection.vendor != "postgresql":
        print("bench rollup needs PostgreSQL (DATABASE_URL=postgres://...): skipped.")
        return 0
    if args.reuse:
        return _reuse(args)
    from bench.throwaway import in_throwaway_database

    return in_throwaway_database(lambda: _run(args), keep=args.keep)

def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms"

def _run(args) -> int:
    import datetime as dt

    from django.db import connection
    from django.db.models import F, Sum

    from analytics.models import LineSaving, MonthRollup
    from analytics.rollup import check
    from analytics.savings import rebuild
    from bench.orders import _generate
    from core.fiscal import FiscalYear
    from orders.models import Order

    rng = random.Random(args.seed)
    first_month = FiscalYear.of(dt.date(2000, 1, 1)).first_month
    assert first_month == 7, "the copy's fiscal_year expression assumes July"
    print(f"rollup on {connection.vendor}: {args.lines:,} order lines (seed {args.seed_lines:,}), "
          f"{args.agreements:,} agreements, {args.districts:,} districts, copies over {args.months} months"
          f"{' from the start of the fiscal year' if args.align_fiscal_year else ''} and {args.district_rounds} "
          f"district round(s), "
          f"rollup {args.rollup}; database {connection.settings_dict['NAME']}; {_load()}", flush=True)
    _session()
    phases = {}
    began = started = time.monotonic()
    args.threads, args.orders, target, args.lines = 1, 0, args.lines, min(args.seed_lines, args.lines)
    _generate(args, rng)
    Order.objects.filter(priced_at__isnull=True).update(priced_at=F("submitted_at"))
    phases["seed history"] = time.monotonic() - started
    phases.update(grow(args, target))
    verified = None
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    if args.check or args.rollup == "lines":
        t = time.monotonic()
        verified = check()
        phases["rollup check (from the lines)"] = time.monotonic() - t
        print(f"rollup check against the lines (edpool rollup check's code): {len(verified.problems)} differing "
              f"rows ({phases['rollup check (from the lines)']:.0f} s)", flush=True)
        for problem in verified.problems[:10]:
            print(f"  {problem}")
    else:
        print("rollup check against the lines: not run at this size (--check runs it)")
    sums = MonthRollup.objects.aggregate(s_lines=Sum("s_lines"), first=Sum("saving_lines_first"))
    purchases = LineSaving.objects.filter(kind=LineSaving.Kind.PURCHASE).count()
    print(f"cross-check: rollup purchase rows {sums['s_lines']:,} vs savings table {purchases:,}; "
          f"lines counted once {sums['first']:,}")
    if args.check:
        t = time.monotonic()
        savings = rebuild(check_only=True)
        phases["savings check"] = time.monotonic() - t
        print(f"savings check (line by line): {len(savings.problems)} differences")
        if not savings.ok:
            return 1
    phases["generation in all"] = time.monotonic() - began
    print("phases: " + "; ".join(f"{name} {sec:,.0f} s" for name, sec in phases.items()) + f" ({_load()})",
          flush=True)
    ok = _measure(args, rng)
    consistent = sums["s_lines"] == purchases and (verified is None or verified.ok)
    return 0 if ok and consistent else 1

def _reuse(args) -> int:
    from django.db import OperationalError, ProgrammingError, connection, connections

    from analytics.models import MonthRollup

    name = args.reuse
    connections.close_all()
    connection.settings_dict["NAME"] = name
    try:
        try:
            has_rows = MonthRollup.objects.exists()
        except (OperationalError, ProgrammingError) as exc:
            print(f"cannot measure {name!r}: {str(exc).strip().splitlines()[-1][:200]}")
            return 1
        if not has_rows:
            print(f"{name}: no rollup rows, nothing to measure (a database kept by `edpool bench rollup --keep`?)")
            return 1
        from orders.models import OrderLine

        print(f"rollup bench on the kept database {name}: {OrderLine.objects.count():,} order lines; {_load()}",
              flush=True)
        return 0 if _measure(args, random.Random(args.seed)) else 1
    finally:
        connections.close_all()


def _measure(args, rng: random.Random) -> bool:
    """Time the selectors on what the database holds; True when every one answered."""
    from django.db.models import Count, Sum

    from accounts.acting import BUYER, STAFF, Actor
    from analytics.models import MonthRollup, YearRollup
    from analytics.savings_selectors import dashboard_figures, savings_by_fiscal_year
    from analytics.spend import spend_report
    from analytics.statement import member_statement
    from core.fiscal import FiscalYear
    from members.models import District

    first_month = FiscalYear.of(dt_date(2000, 1, 1)).first_month
    per_year = list(MonthRollup.objects.values("fiscal_year").annotate(rows=Count("pk"), n_saving=Sum("saving_lines"),
                                                                        n_spend=Sum("lines"))
                    .order_by("fiscal_year"))
    for y in per_year:
        print(f"  {FiscalYear(y['fiscal_year'], first_month).label}: {y['rows']:,} rollup rows, "
              f"{y['n_spend']:,} order lines counted in spend, {y['n_saving']:,} line-months with savings")
    years = [y["fiscal_year"] for y in per_year if y["n_saving"]]
    fy = FiscalYear(max(per_year, key=lambda y: y["n_saving"] or 0)["fiscal_year"], first_month)
    in_year = MonthRollup.objects.filter(fiscal_year=fy.ends_in)
    print(f"busiest fiscal year {fy.label}: {in_year.aggregate(n=Sum('saving_lines'))['n']:,} counted lines, "
          f"{in_year.count():,} rollup rows, {YearRollup.objects.filter(fiscal_year=fy.ends_in).count():,} "
          f"yearly rollup rows")
    districts = list(MonthRollup.objects.filter(saving_lines__gt=0).values_list("district_id", flat=True)
                     .distinct().order_by("district_id"))
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
        dashboard_figures("member", fiscal_year=fy)  # what the page reads: totals, by member, by month
        savings_by_fiscal_year()
        runs.append(time.monotonic() - t)
    print(f"consortium savings dashboard ({fy.label}: dashboard_figures by member, and by fiscal year): median "
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
    print(f"spend report, one district with the consortium's totals: median {_ms(statistics.median(runs))} of 3 "
          f"({_load()})", flush=True)
    return True


def dt_date(year: int, month: int, day: int):
    import datetime as dt

    return dt.date(year, month, day)
