"""The yearly rollup (analytics.YearRollup): its rows are the sums of the monthly rollup's
(analytics.MonthRollup) over each fiscal year, per district x agreement x category.

`refresh_years(pairs)` rewrites the rows of these (district, fiscal year) pairs from their
monthly rows: a DELETE, then one INSERT ... SELECT ... SUM ... GROUP BY per chunk of pairs, in
SQL, inside the caller's transaction (`analytics.rollup.refresh_buckets` calls it with the
districts and fiscal years of every bucket it rewrote, so the two grains change together).
Idempotent: the rows are a pure function of the monthly rows. `check_year` compares a fiscal
year's stored rows with the sums and, asked to, rewrites the pairs that differ.
"""

from __future__ import annotations

from typing import Iterable

from django.db import connection, transaction
from django.db.models import Max, Q, QuerySet, Sum

from analytics.models import MonthRollup, YearRollup
from analytics.rollup_sql import columns, rebuild_table

Pair = tuple[int, int]  # (district id, fiscal year: the year it ends in)
KEYS = ("fiscal_year", "district_id", "agreement_id", "category_id")
FIGURES = ("spend", "units", "lines", "orders", "orders_first", "earned", "s_lines", "quantity", "paid", "rebate",
           "list_value", "alone_value", "vs_list", "vs_alone", "vs_prior", "prior_paid", "prior_value",
           "saving_lines", "saving_lines_fy_first", "saving_lines_first", "prior_lines", "prior_lines_fy_first",
           "prior_lines_first")
# the yearly table's columns, in the order `_sums` gives their values
COLUMNS = KEYS + ("state", "vendor_id") + FIGURES
CHUNK = 200


def _in_pairs(pairs: Iterable[Pair]) -> Q:
    found = Q(pk__in=[])
    for district_id, fiscal_year in pairs:
        found |= Q(district_id=district_id, fiscal_year=fiscal_year)
    return found


def _sums(rows: QuerySet) -> QuerySet:
    """The monthly rows grouped into yearly rows: the key columns, then y_state, y_vendor and the
    figures' sums (named apart from the model's fields), in the yearly table's column order."""
    return (rows.order_by().values(*KEYS)
            .annotate(y_state=Max("state"), y_vendor=Max("vendor_id"), **{f"y_{n}": Sum(n) for n in FIGURES}))


def refresh_years(pairs: Iterable[Pair]) -> None:
    """Rewrite the yearly rows of these (district, fiscal year) pairs from the monthly rows, in SQL
    (DELETE, then INSERT ... SELECT SUM ... GROUP BY), in the caller's transaction."""
    pairs = tuple(sorted(set(pairs)))
    table, columns = connection.ops.quote_name(YearRollup._meta.db_table), _columns()
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, len(pairs), CHUNK):
            chunk = _in_pairs(pairs[start:start + CHUNK])
            YearRollup.objects.filter(chunk).delete()
            sql, params = _sums(MonthRollup.objects.filter(chunk)).query.sql_with_params()
            cursor.execute(f"INSERT INTO {table} ({columns}) {sql}", params)


def rebuild_years() -> int:
    """Rewrite every yearly row from the monthly rows: one DELETE and one INSERT ... SELECT over the
    whole monthly rollup (the bench's bulk fill; `check(repair=True)` is the year-by-year way).
    Returns the number of yearly rows."""
    return rebuild_table(YearRollup, COLUMNS, _sums(MonthRollup.objects.all()))


def _columns() -> str:
    return columns(YearRollup, COLUMNS)


def _key(values: dict) -> tuple:
    return tuple(values[k] for k in KEYS)


def check_year(fiscal_year: int, *, repair: bool = False) -> list[tuple[str, Pair]]:
    """Compare the fiscal year's yearly rows with the sums of its monthly rows: each problem and
    its (district, fiscal year) pair; `repair` rewrites the pairs that differ."""
    fresh = {_key(v): v for v in _sums(MonthRollup.objects.filter(fiscal_year=fiscal_year))}
    stored = {_key(v): v for v in YearRollup.objects.filter(fiscal_year=fiscal_year).values(
        *KEYS, "state", "vendor_id", *FIGURES)}
    problems = []
    for key in sorted(set(fresh) | set(stored), key=lambda k: (k[1], k[2], k[3] or 0)):
        where = f"FY {fiscal_year} district {key[1]} agreement {key[2]} category {key[3] or '-'} (yearly row)"
        if key not in stored:
            problem = f"{where}: missing"
        elif key not in fresh:
            problem = f"{where}: should not be there"
        else:
            a, b = fresh[key], stored[key]
            names = [n for n in ("state", "vendor_id") + FIGURES if a[f"y_{n.removesuffix('_id')}"] != b[n]]
            if not names:
                continue
            problem = f"{where}: differs ({', '.join(names)})"
        problems.append((problem, (key[1], key[0])))
    if repair and problems:
        refresh_years({pair for _, pair in problems})
    return problems
