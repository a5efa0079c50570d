"""The consortium's months (analytics.MonthRollupTotal): the sums of every district's monthly
rollup rows (analytics.MonthRollup) per month x vendor x category.

Why a table: the consortium-wide by-month figures (the savings dashboard's chart, the staff
spend report's by-month chart) would otherwise group the whole year's monthly rows (2.8 million
at the national shape: about 2.4 s for the dashboard's 13 sums, more than the 2 s the whole page
has); these rows are a few thousand a year. A district's by-month figures, and a state's, still
read the monthly rows (a district's through its index; there is no per-state total).

`update_totals(old, new)` moves the rows of the keys some monthly rows were rewritten in by the
difference (`analytics.rollup.refresh_buckets` calls it with the rewritten rows' sums before and
after, in the caller's transaction): every figure is a sum, so this is exact, and it costs what
was rewritten, not every district's rows of the key. `refresh_totals(keys)` rewrites keys from
all their monthly rows (a DELETE, then INSERT ... SELECT ... SUM ... GROUP BY, in SQL): for the
repairs of `check_totals`, and for a key whose prior-price figure may have become unknown again.
Each key's monthly rows are found through the `rollup_vendor_month_cat` index (the districts that
bought that category from that vendor that month). Many districts' orders share a key, so on
PostgreSQL each key is first locked (`pg_advisory_xact_lock`, held to the end of the transaction):
a second transaction changing the same key waits for the first to commit and then reads what it
committed, instead of reading without it. These locks have their place in the
global lock order (`core.locks.LOCK_ORDER`: after every row lock, before the audit head; keys in
ascending hash order, across calls too), checked like the row locks, so they cannot deadlock.
Idempotent; `check_totals` compares a fiscal year's rows with the sums and repairs the keys that
differ.
"""

from __future__ import annotations

import datetime as dt
from typing import Iterable, Optional

from django.db import connection, transaction
from django.db.models import Max, Q, QuerySet, Sum

from analytics.models import MonthRollup, MonthRollupTotal
from analytics.rollup_sql import columns, rebuild_table
from analytics.rollup_years import FIGURES
from core.fiscal import FiscalYear
from core.locks import advisory_locks

Key = tuple[dt.date, int, Optional[int]]  # (month, vendor id, category id)
KEYS = ("month", "vendor_id", "category_id")
COLUMNS = KEYS + ("fiscal_year",) + FIGURES  # the table's columns, in the order `_sums` gives their values
CHUNK = 200
NULLABLE = ("vs_prior", "prior_value")  # unknown (NULL) until a row has a known prior price


def _in_keys(keys: Iterable[Key]) -> Q:
    found = Q(pk__in=[])
    for month, vendor_id, category_id in keys:
        found |= Q(month=month, vendor_id=vendor_id, category_id=category_id)
    return found


def _sums(rows: QuerySet) -> QuerySet:
    return (rows.order_by().values(*KEYS)
            .annotate(t_fiscal_year=Max("fiscal_year"), **{f"t_{n}": Sum(n) for n in FIGURES}))


def _columns() -> str:
    return columns(MonthRollupTotal, COLUMNS)


def _ordered(keys: Iterable[Key]) -> tuple[Key, ...]:
    return tuple(sorted(set(keys), key=lambda k: (k[0], k[1], k[2] or 0)))


def refresh_totals(keys: Iterable[Key]) -> None:
    """Rewrite the consortium's rows of these (month, vendor, category) keys from the monthly
    rows, in the caller's transaction."""
    keys = _ordered(keys)
    with transaction.atomic():
        # (the global lock order, core.locks: after every row lock and a district's year, before
        # the audit head; ascending key hash, also across calls in one transaction)
        advisory_locks(MonthRollupTotal._meta.label_lower, keys)
        _rewrite(keys)


def _rewrite(keys: tuple[Key, ...]) -> None:
    table, columns = connection.ops.quote_name(MonthRollupTotal._meta.db_table), _columns()
    with connection.cursor() as cursor:
        for start in range(0, len(keys), CHUNK):
            chunk = _in_keys(keys[start:start + CHUNK])
            MonthRollupTotal.objects.filter(chunk).delete()
            sql, params = _sums(MonthRollup.objects.filter(chunk)).query.sql_with_params()
            cursor.execute(f"INSERT INTO {table} ({columns}) {sql}", params)


def sums_by_key(into: dict[Key, dict], rows: QuerySet) -> dict[Key, dict]:
    """The figures of these monthly rows summed per (month, vendor, category) key (in SQL), added
    into `into`."""
    return add_rows(into, ({**{k: v[k] for k in KEYS}, **{n: v[f"t_{n}"] for n in FIGURES}} for v in _sums(rows)))


def add_rows(into: dict[Key, dict], rows: Iterable[dict]) -> dict[Key, dict]:
    """Monthly rows (dicts of their fields) summed per key into `into`, as SQL's SUM would (a
    nullable figure stays None until a row has a value)."""
    for r in rows:
        key = (r["month"], r["vendor_id"], r["category_id"])
        sums = into.setdefault(key, dict.fromkeys(FIGURES))
        for n in FIGURES:
            if r[n] is not None:
                sums[n] = r[n] if sums[n] is None else sums[n] + r[n]
    return into


def update_totals(old: dict[Key, dict], new: dict[Key, dict]) -> None:
    """The consortium's rows after some monthly rows were rewritten: `old` and `new` are the
    rewritten rows' figures per key before and after (`sums_by_key`, `add_rows`). Each key's row
    moves by the difference (every figure is a sum, so this is exact), instead of summing all the
    districts' rows of the key again: a true-up that rewrites hundreds of districts' months
    touched thousands of keys, and summing them again took 5 s at the national shape. Under the
    keys' locks (as `refresh_totals`), a row is read, changed and written by one transaction at a
    time. A key that no monthly row has any more loses its row; a key whose known prior-price
    figure the rewrite took away (it may have been the last one known) is summed again."""
    keys = _ordered(set(old) | set(new))
    if not keys:
        return
    with transaction.atomic():
        advisory_locks(MonthRollupTotal._meta.label_lower, keys)
        stored = {}
        for start in range(0, len(keys), CHUNK):
            for row in MonthRollupTotal.objects.filter(_in_keys(keys[start:start + CHUNK])):
                stored[(row.month, row.vendor_id, row.category_id)] = row
        again, changed, created, emptied = set(), [], [], []
        for key in keys:
            before, after, row = old.get(key), new.get(key), stored.get(key)
            if before is not None and (row is None or any(
                    before[n] is not None and (after is None or after[n] is None) for n in NULLABLE)):
                again.add(key)  # (no row where there were monthly rows: summed again too)
                continue
            if after is None:
                emptied.append(key)
            if row is None:
                created.append(MonthRollupTotal(month=key[0], vendor_id=key[1], category_id=key[2],
                                                fiscal_year=FiscalYear.of(key[0]).ends_in, **after))
                continue
            for n in FIGURES:
                plus, minus = (after or {}).get(n), (before or {}).get(n)
                value = getattr(row, n)
                if value is None:
                    value = plus  # (before's is None too: the row's total was unknown)
                elif plus is not None or minus is not None:
                    value = value + (plus or 0) - (minus or 0)
                setattr(row, n, value)
            changed.append(row)
        gone = set()
        for start in range(0, len(emptied), CHUNK):
            chunk = emptied[start:start + CHUNK]
            gone |= set(chunk) - keys_of(MonthRollup.objects.filter(_in_keys(chunk)))
        # The changed rows are written again (a DELETE and a multi-row INSERT: Django's bulk_update
        # builds a CASE per row and figure, 12 s of Python for 2,000 rows).
        replaced = [stored[k].pk for k in gone] + [r.pk for r in changed]
        for start in range(0, len(replaced), 1000):
            MonthRollupTotal.objects.filter(pk__in=replaced[start:start + 1000]).delete()
        for r in changed:
            r.pk = None
        MonthRollupTotal.objects.bulk_create(
            [r for r in changed if (r.month, r.vendor_id, r.category_id) not in gone] + created, batch_size=CHUNK)
        if again:
            _rewrite(_ordered(again))


def keys_of(rows: QuerySet) -> set[Key]:
    """The (month, vendor, category) keys of these monthly rows."""
    return set(rows.order_by().values_list(*KEYS).distinct())


def rebuild_totals() -> int:
    """Rewrite every row from the monthly rows in one statement (the bench's bulk fill). Returns the rows."""
    return rebuild_table(MonthRollupTotal, COLUMNS, _sums(MonthRollup.objects.all()))


def check_totals(fiscal_year: int, *, repair: bool = False) -> list[str]:
    """Compare the fiscal year's consortium rows with the sums of its monthly rows; `repair`
    rewrites the keys that differ. Returns the problems."""
    fresh = {tuple(v[k] for k in KEYS): v for v in _sums(MonthRollup.objects.filter(fiscal_year=fiscal_year))}
    stored = {tuple(v[k] for k in KEYS): v for v in MonthRollupTotal.objects.filter(fiscal_year=fiscal_year)
              .values(*KEYS, "fiscal_year", *FIGURES)}
    problems, wrong = [], set()
    for key in sorted(set(fresh) | set(stored), key=lambda k: (k[0], k[1], k[2] or 0)):
        where = f"{key[0]:%Y-%m} vendor {key[1]} category {key[2] or '-'} (consortium month row)"
        if key not in stored:
            problems.append(f"{where}: missing")
        elif key not in fresh:
            problems.append(f"{where}: should not be there")
        else:
            names = [n for n in ("fiscal_year",) + FIGURES if fresh[key][f"t_{n}"] != stored[key][n]]
            if not names:
                continue
            problems.append(f"{where}: differs ({', '.join(names)})")
        wrong.add(key)
    if repair and wrong:
        refresh_totals(wrong)
    return problems
