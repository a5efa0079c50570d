"""The data `edpool bench rollup` measures (and `edpool bench load --national` grows its history
with, through `grow`): millions of order lines, their savings rows and the rollups.

A fast generator: `bench.orders` writes a consistent seed history (`--seed-lines` lines, priced by
the pooled volume, with true-ups) and `analytics.savings.rebuild` computes its savings rows; then
copies of the seed's orders, lines, rebate entries and savings rows are made in bulk SQL
(INSERT ... SELECT over generate_series, `--chunk` copies a statement, progress printed), each copy
shifted by a whole number of months (copy k by k mod `--months` months, on the consortium's
calendar), with new ids and order numbers (`--align-fiscal-year`: shifted back so that the `--months` shifts
begin in the first month of the seed's fiscal year; `--months 12` then puts every line in one
year). `--district-rounds N` also moves the districts of copy k by round (k // months) mod N's
one-to-one map of the districts (round 0: the seed's own), so a district buys under about N times
the seed's agreements and a year has N times the rollup rows (the national shape: a district buys
under many agreements every year). A copy's savings rows are those of its seed line moved
by the same months (a line's savings are a pure function of its order, entry and true-ups; the
bench states no prior prices), so the copies stay consistent: `--check` proves it at small scale
(savings rebuild --check over every line).

While copying, the copied tables' secondary indexes and unique constraints are dropped and built
again afterwards (one CREATE INDEX is far cheaper than maintaining them row by row), foreign-key
triggers are off for the copies (`session_replication_role = replica`: the copies only remap the
seed's already checked references by fixed offsets), and the session runs with
`synchronous_commit = off` and a large `maintenance_work_mem`. When the bench runs niced, its
PostgreSQL backend is reniced to the same level (the server's work is most of the CPU).

The rollup (`--rollup shifted`, the default): a copy's rollup is its seed's rollup moved by the
copy's months, so the rollup of all the lines is built from the seed's (built by `edpool rollup
rebuild`'s code over the seed's lines) grouped by shifted month, with every copy counted: the sums
and the counts of distinct orders and lines add up (each copy has its own orders and lines); only
"first row of the line in its fiscal year" depends on the shift (a line's true-up can cross a
fiscal year's edge in one copy and not in another), so those two counts are computed per shift from
the seed's savings rows. `--check` proves at small scale that this equals what `edpool rollup
check` computes from the lines (0 differing rows). `--rollup lines` builds it with `edpool rollup
rebuild`'s code over every line instead (about an hour at 10 million lines here).
"""

from __future__ import annotations

import os
import time


def _load() -> str:
    return "load average " + " ".join(f"{x:.1f}" for x in os.getloadavg())


def _session() -> None:
    """Settings for bulk generation in this session; the backend niced like this process."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
        cursor.execute("SET maintenance_work_mem = '1GB'")
        cursor.execute("SET work_mem = '256MB'")
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    niceness = os.getpriority(os.PRIO_PROCESS, 0)
    if niceness > 0:
        try:
            os.setpriority(os.PRIO_PROCESS, backend, niceness)
            print(f"  PostgreSQL backend {backend} reniced to {niceness}")
        except OSError as exc:  # another machine, or not allowed: say so and go on
            print(f"  could not renice the PostgreSQL backend ({exc})")


def _copy_sql(model, source: str, overrides: dict[str, str], join: str = "") -> str:
    table = model._meta.db_table
    columns = [f.column for f in model._meta.concrete_fields]
    values = [overrides.get(c, f"s.{c}") for c in columns]
    return (f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(values)} "
            f"FROM {source} s CROSS JOIN generate_series(%s, %s) AS k{join}")


def _shift_sql(months: int, back: int) -> str:
    """Copy k's shift: mod(k + back, months) - back months (copy 0, the seed, is not moved; with
    back > 0 the shifts run from -back to months - 1 - back)."""
    return f"make_interval(months => mod(k + {back}, {months}) - {back})"


def _district_map(rounds: int) -> None:
    """The temp table bench_district_map (r, from_id, to_id, state): round r's one-to-one map of the
    districts, district i (in id order) to district (i + r * step) mod n with step = n // rounds
    (round 0 the identity), with the state of the district mapped to. A one-to-one map keeps each
    district's orders of a copy together, so its volumes (and savings) are those of the seed's district."""
    from django.db import connection

    from members.models import District

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_district_map")
        cursor.execute(
            f"CREATE TEMP TABLE bench_district_map AS "
            f"WITH d AS (SELECT id, state, row_number() OVER (ORDER BY id) - 1 AS i, COUNT(*) OVER () AS n "
            f"           FROM {District._meta.db_table}), "
            f"rr AS (SELECT generate_series(0, %s - 1) AS r) "
            f"SELECT rr.r, a.id AS from_id, b.id AS to_id, b.state "
            f"FROM rr CROSS JOIN d a JOIN d b ON b.i = mod(a.i + rr.r * GREATEST(a.n / %s, 1), a.n)",
            [rounds, rounds])
        cursor.execute("ALTER TABLE bench_district_map ADD PRIMARY KEY (r, from_id)")
        cursor.execute("ANALYZE bench_district_map")


def _fy_sql(month: str) -> str:
    """The fiscal year (calendar year it ends in, July start) of a date expression."""
    return (f"(EXTRACT(YEAR FROM {month})::int + CASE WHEN EXTRACT(MONTH FROM {month}) >= 7 THEN 1 ELSE 0 END)")


def _drop_indexes(cursor, tables: list[str]) -> list[str]:
    """Drop the tables' unique constraints and secondary indexes (not the primary keys); returns the
    statements that build them again."""
    again = []
    for table in tables:
        cursor.execute("SELECT conname, pg_get_constraintdef(oid), conindid FROM pg_constraint "
                       "WHERE conrelid = %s::regclass AND contype IN ('u', 'x')", [table])
        backing = set()
        for name, definition, index_oid in cursor.fetchall():
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            again.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
            backing.add(index_oid)
        cursor.execute("SELECT i.indexrelid, c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
                       "JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = %s::regclass "
                       "AND NOT i.indisprimary", [table])
        for oid, name, definition in cursor.fetchall():
            if oid in backing:
                continue
            cursor.execute(f'DROP INDEX "{name}"')
            again.append(definition)
    return again


def _multiply(copies: int, months: int, chunk: int, rounds: int = 1, back: int = 0) -> dict:
    """Copies 1..copies of the seed's orders, lines, true-ups and savings rows, copy k shifted by
    mod(k + back, months) - back months and, with rounds > 1, its districts moved by round
    mod(k / months, rounds)'s map (`_district_map`). Returns the seconds each step took."""
    from django.conf import settings
    from django.core.management.color import no_style
    from django.db import connection, models

    from analytics.models import LineSaving
    from orders.models import Order, OrderLine, RebateEntry

    tz = settings.TIME_ZONE
    shift = _shift_sql(months, back)
    models_ = (Order, OrderLine, RebateEntry, LineSaving)
    join, district, state = "", {}, {}
    if rounds > 1:
        _district_map(rounds)
        join = f" JOIN bench_district_map dm ON dm.r = mod(k / {months}, {rounds}) AND dm.from_id = s.district_id"
        district, state = dict(district_id="dm.to_id"), dict(state="dm.state")
    tables = [m._meta.db_table for m in models_]
    took = {}

    def moment(column: str) -> str:
        return f"((s.{column} AT TIME ZONE '{tz}') + {shift}) AT TIME ZONE '{tz}'"

    with connection.cursor() as cursor:
        top, seed = {}, {}
        for model in models_:
            table = model._meta.db_table
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
            top[model] = cursor.fetchone()[0]
            seed[model] = f"bench_seed_{table}"
            where = " WHERE kind IN ('true_up', 'reversal')" if model is RebateEntry else ""
            cursor.execute(f"CREATE TEMP TABLE {seed[model]} AS SELECT * FROM {table}{where}")
        order_over = {f.column: moment(f.column) for f in Order._meta.concrete_fields
                      if isinstance(f, models.DateTimeField)}
        order_over.update(id=f"s.id + k * {top[Order]}", number="s.number || '-' || k", **district)
        statements = [
            (Order, order_over),
            (OrderLine, dict(id=f"s.id + k * {top[OrderLine]}", order_id=f"s.order_id + k * {top[Order]}")),
            (RebateEntry, dict(id=f"s.id + k * {top[RebateEntry]}",
                               order_line_id=f"s.order_line_id + k * {top[OrderLine]}", event_id="NULL",
                               settlement_id="NULL", created_at=moment("created_at"), **district)),
            (LineSaving, dict(id=f"s.id + k * {top[LineSaving]}",
                              order_line_id=f"s.order_line_id + k * {top[OrderLine]}",
                              month=f"(s.month + {shift})::date",
                              fiscal_year=_fy_sql(f"(s.month + {shift})"), **district, **state)),
        ]
        t = time.monotonic()
        again = _drop_indexes(cursor, tables)
        # The copies remap the seed's references by fixed offsets: no per-row foreign-key checks.
        cursor.execute("SET session_replication_role = replica")
        took["drop indexes"] = time.monotonic() - t
        print(f"  dropped {len(again)} indexes and unique constraints of {', '.join(tables)} "
              f"({took['drop indexes']:.0f} s)", flush=True)
        t = time.monotonic()
        rows = dict.fromkeys(models_, 0)
        try:
            for first in range(1, copies + 1, chunk):
                last = min(copies, first + chunk - 1)
                began = time.monotonic()
                for model, overrides in statements:
                    cursor.execute(_copy_sql(model, seed[model], overrides, "" if model is OrderLine else join),
                                   [first, last])
                    rows[model] += cursor.rowcount
                print(f"    copies {first}-{last} of {copies}: {rows[OrderLine]:,} lines, {rows[LineSaving]:,} "
                      f"savings rows so far ({time.monotonic() - began:.0f} s, {time.monotonic() - t:.0f} s in all; "
                      f"{_load()})", flush=True)
        finally:
            cursor.execute("SET session_replication_role = DEFAULT")
        took["copies"] = time.monotonic() - t
        print("  copied " + ", ".join(f"{m._meta.db_table} {rows[m]:,}" for m in models_)
              + f" rows ({took['copies']:.0f} s)", flush=True)
        t = time.monotonic()
        for sql in again:
            began = time.monotonic()
            cursor.execute(sql)
            print(f"    {sql[:110]} ({time.monotonic() - began:.0f} s)", flush=True)
        took["rebuild indexes"] = time.monotonic() - t
        print(f"  rebuilt {len(again)} indexes and constraints ({took['rebuild indexes']:.0f} s; {_load()})",
              flush=True)
        for sql in connection.ops.sequence_reset_sql(no_style(), list(models_)):
            cursor.execute(sql)
        for model in models_:
            cursor.execute(f"DROP TABLE {seed[model]}")
        t = time.monotonic()
        cursor.execute("ANALYZE")
        took["analyze"] = time.monotonic() - t
    return took


def _shifts(copies: int, months: int, rounds: int = 1, back: int = 0) -> dict[tuple[int, int], int]:
    """(shift in months, district round) -> how many of the seed (k = 0: shift 0, round 0) and the
    copies k = 1..copies have it (as `_multiply` computes them in SQL)."""
    assert 0 <= back < months
    counts: dict[tuple[int, int], int] = {}
    for k in range(copies + 1):
        key = ((k + back) % months - back, (k // months) % rounds)
        counts[key] = counts.get(key, 0) + 1
    return counts


def _shifted_rollup(shifts: dict[tuple[int, int], int]) -> int:
    """Replace the rollup (the seed's, built from its lines) with the rollup of the seed and all its
    copies (then the yearly rollup and the consortium's months with the sums of those monthly
    rows): every seed row moved by each (shift, district round), its figures times the copies with
    that pair, summed by the moved key (month shifted, district mapped by the round's one-to-one
    map); the two "first row of the line in its fiscal year" counts computed per shift from the
    seed's savings rows. Run before the copies (reads the seed's savings rows alone).
    Returns the rows written."""
    from django.db import connection, transaction

    from analytics.models import LineSaving, MonthRollup
    from analytics.rollup import FIGURES

    roll, saving = MonthRollup._meta.db_table, LineSaving._meta.db_table
    per_shift = ("saving_lines_fy_first", "prior_lines_fy_first")
    additive = [name for name in FIGURES if name not in per_shift]
    keys = ("district_id", "state", "agreement_id", "vendor_id", "category_id")
    moved = "(r.month + make_interval(months => sh.s))::date"
    pairs = sorted(shifts)
    _district_map(max(rd for _, rd in pairs) + 1)
    fy_rows = f"""
        WITH sh(s) AS (SELECT unnest(%s::int[])),
        r AS (SELECT l.order_line_id, l.month, l.district_id, l.agreement_id, l.category_id,
                     l.prior_value IS NOT NULL AS known, sh.s,
                     {_fy_sql("(l.month + make_interval(months => sh.s))")} AS sfy
              FROM {saving} l CROSS JOIN sh),
        firsts AS (SELECT order_line_id, s, sfy, MIN(month) AS first_month FROM r GROUP BY 1, 2, 3)
        SELECT r.s, r.month, r.district_id, r.agreement_id, r.category_id,
               COUNT(DISTINCT r.order_line_id) FILTER (WHERE r.month = f.first_month) AS fy_first,
               COUNT(DISTINCT r.order_line_id) FILTER (WHERE r.month = f.first_month AND r.known) AS known_fy_first
        FROM r JOIN firsts f USING (order_line_id, s, sfy)
        GROUP BY 1, 2, 3, 4, 5"""
    columns = ("month", "fiscal_year") + keys + FIGURES
    select = [moved, _fy_sql(moved), "dm.to_id", "dm.state", "r.agreement_id", "r.vendor_id", "r.category_id"]
    for name in FIGURES:
        if name in per_shift:
            other = "fy_first" if name == "saving_lines_fy_first" else "known_fy_first"
            select.append(f"SUM(COALESCE(f.{other}, 0) * sh.m)")
        else:
            select.append(f"SUM(r.{name} * sh.m)")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMP TABLE bench_seed_rollup ON COMMIT DROP AS SELECT * FROM {roll}")
        cursor.execute("CREATE TEMP TABLE bench_fy_first ON COMMIT DROP AS " + fy_rows,
                       [sorted({s for s, _ in pairs})])
        cursor.execute(f"DELETE FROM {roll}")
        cursor.execute(
            f"INSERT INTO {roll} ({', '.join(columns)}) "
            f"SELECT {', '.join(select)} "
            f"FROM bench_seed_rollup r CROSS JOIN unnest(%s::int[], %s::int[], %s::int[]) AS sh(s, rd, m) "
            f"JOIN bench_district_map dm ON dm.r = sh.rd AND dm.from_id = r.district_id "
            f"LEFT JOIN bench_fy_first f ON f.s = sh.s AND f.month = r.month AND f.district_id = r.district_id "
            f"AND f.agreement_id = r.agreement_id AND f.category_id IS NOT DISTINCT FROM r.category_id "
            f"GROUP BY 1, 2, 3, 4, 5, 6, 7",
            [[s for s, _ in pairs], [rd for _, rd in pairs], [shifts[p] for p in pairs]])
        written = cursor.rowcount
    assert additive  # (the other figures are sums over copies)
    from analytics.rollup_totals import rebuild_totals
    from analytics.rollup_years import rebuild_years

    t = time.monotonic()
    years = rebuild_years()  # the yearly rollup: the sums of the shifted monthly rows, in one statement
    totals = rebuild_totals()  # and the consortium's months
    print(f"  yearly rollup and consortium months from the shifted monthly rows: {years:,} and {totals:,} rows "
          f"({time.monotonic() - t:.0f} s)", flush=True)
    return written


def _seed_savings() -> tuple[int, int]:
    """The seed's savings rows, computed by `analytics.savings.compute_rows` (the code the hooks and
    `edpool savings rebuild` use) a chunk of lines at a time, for the lines that have none yet,
    written without refreshing rollup buckets chunk by chunk (the rollup is built afterwards by
    `edpool rollup rebuild`'s code);
    `--check` compares them with `edpool savings rebuild --check`."""
    from analytics.models import LineSaving
    from analytics.savings import CHUNK, compute_rows
    from orders.selectors import counted_lines_for_savings, line_ids_after

    after = lines = rows = 0
    while ids := line_ids_after(after, CHUNK):
        after = ids[-1]
        # lines that have their rows already (the demo's, written by the hooks, under `bench load --national`)
        done = set(LineSaving.objects.filter(order_line_id__in=ids).values_list("order_line_id", flat=True))
        ids = [i for i in ids if i not in done]
        if not ids:
            continue
        fresh = compute_rows(counted_lines_for_savings(line_ids=ids))
        LineSaving.objects.bulk_create(fresh, batch_size=CHUNK)
        lines, rows = lines + len(ids), rows + len(fresh)
    return lines, rows


def grow(args, target: int) -> dict:
    """Everything after the seed history: the seed's savings rows, the rollup (shifted from the
    seed's, with --rollup shifted) and the copies up to `target` lines, as this module's docstring describes (also used by
    `edpool bench load --national`). `args`: lines (the seed's), months, chunk, district_rounds,
    align_fiscal_year, rollup. Returns the seconds each phase took."""
    import datetime as dt

    from django.db.models import Count

    from analytics.models import LineSaving, MonthRollup
    from analytics.rollup import check
    from core.fiscal import FiscalYear
    from orders.models import OrderLine

    first_month = FiscalYear.of(dt.date(2000, 1, 1)).first_month
    phases = {}
    t = time.monotonic()
    seed_lines, seed_rows = _seed_savings()
    phases["seed savings rows"] = time.monotonic() - t
    print(f"seed: {seed_lines:,} lines, {seed_rows:,} savings rows ({phases['seed savings rows']:.0f} s; {_load()})",
          flush=True)
    copies = max(0, target // args.lines - 1)
    back = 0
    if args.align_fiscal_year:
        # the month holding most of the seed's lines (the bench seed's one month; with the demo
        # beside it, as `bench load --national` has, not the demo's earlier months)
        seed_month = (LineSaving.objects.values("month").annotate(n=Count("id")).order_by("-n", "month")
                      .values_list("month", flat=True).first())
        back = (seed_month.month - first_month) % 12 if seed_month else 0
        if back >= args.months:
            print(f"  --align-fiscal-year: the seed's month is {back} months into its fiscal year, not fewer "
                  f"than --months {args.months}: not aligned")
            back = 0
        print(f"  copies shifted from {-back} to {args.months - 1 - back} months (seed in {seed_month:%B %Y})")
    shifts = _shifts(copies, args.months, args.district_rounds, back)
    if args.rollup == "shifted":
        t = time.monotonic()
        check(repair=True)
        seed_rows = MonthRollup.objects.count()
        written = _shifted_rollup(shifts)
        phases["rollup (seed's, shifted)"] = time.monotonic() - t
        print(f"rollup from the seed's {seed_rows:,} rows shifted over {len(shifts)} shifts: {written:,} rows "
              f"({phases['rollup (seed' + chr(39) + 's, shifted)']:.0f} s)", flush=True)
    t = time.monotonic()
    phases.update(_multiply(copies, args.months, args.chunk, args.district_rounds, back))
    lines = OrderLine.objects.count()
    print(f"copies: {copies} -> {lines:,} order lines, {LineSaving.objects.count():,} savings rows "
          f"({time.monotonic() - t:.0f} s; {_load()})", flush=True)
    if args.rollup == "lines":
        t = time.monotonic()
        built = check(repair=True)
        phases["rollup (from the lines)"] = time.monotonic() - t
        print(f"rollup built (edpool rollup rebuild's code): {MonthRollup.objects.count():,} rows in "
              f"{built.fixed:,} buckets ({phases['rollup (from the lines)']:.0f} s)", flush=True)
    return phases
