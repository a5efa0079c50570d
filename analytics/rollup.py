"""The monthly rollup (analytics.MonthRollup): computing its rows from the source rows, keeping
them right, checking them.

A bucket is a (district, month) pair: all the rollup rows of that district's month. A bucket is
always recomputed whole, from the orders (spend and rebates earned: `orders.spend`) and the
savings table (LineSaving), in one transaction with the change that touched it: DELETE the
bucket's rows, then INSERT the fresh ones. So a bucket is a pure function of the orders, and
recomputing it twice (or after a crash: the transaction rolls back) gives the same rows.

Who calls `refresh_buckets`: `analytics.savings.refresh_line_savings`, which every change of an
order's pricing, approval or cancellation (Order post-save hook, inside the order's transaction)
and every recomputation of prior prices (the background task) goes through; it passes every
bucket the lines' old and new savings rows, their orders' pricing month and their rebate entries
fall in. `edpool rollup check` compares every bucket with a fresh computation and lists the
ones that differ; `edpool rollup rebuild` rewrites them. Both work one fiscal year at a time, each
year in its own transaction (`check(fiscal_year=...)` for one year; without it, every year from the
earliest source or rollup row to the latest, in turn), so a national rebuild never holds one
transaction, or every row in memory, for the whole history.

The yearly rollup (analytics.YearRollup, `analytics.rollup_years`) and the consortium's months
(analytics.MonthRollupTotal, `analytics.rollup_totals`) follow: `refresh_buckets` rewrites the
(district, fiscal year) rows of every bucket it rewrote, and the consortium's (month, vendor,
category) rows of every monthly row it removed or wrote, from the monthly rows, in the same
transaction; `check` compares each fiscal year's yearly and consortium rows with the sums of its
monthly rows (after repairing those, when asked) and repairs the ones that differ.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Iterable, Optional

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, Sum

from analytics.models import LineSaving, MonthRollup, YearRollup
from analytics.rollup_totals import add_rows, check_totals, sums_by_key, update_totals
from analytics.rollup_years import check_year, refresh_years
from core.fiscal import FiscalYear
from core.locks import advisory_locks
from orders.spend import SpendFilter, months_of, rebates_earned_by, spend_by

Bucket = tuple[int, dt.date]  # (district id, first day of the month)
Key = tuple[dt.date, int, int, Optional[int]]  # (month, district, agreement, category)
BUCKET_DIMS = ("month", "member", "agreement", "category", "state", "vendor")
SPEND = ("spend", "units", "lines", "orders", "orders_first")
SAVINGS = ("s_lines", "quantity", "paid", "rebate", "list_value", "alone_value", "vs_list", "vs_alone", "vs_prior",
           "prior_paid", "prior_value", "saving_lines", "saving_lines_fy_first", "saving_lines_first", "prior_lines",
           "prior_lines_fy_first", "prior_lines_first")
FIGURES = SPEND + ("earned",) + SAVINGS
ZERO = Decimal("0.00")
NULLABLE = {"vs_prior", "prior_value"}
CHUNK = 2000


def _blank(month: dt.date, district_id: int, agreement_id: int, category_id, state: str, vendor_id: int) -> dict:
    row = dict(month=month, fiscal_year=FiscalYear.of(month).ends_in, district_id=district_id, state=state,
               agreement_id=agreement_id, vendor_id=vendor_id, category_id=category_id)
    for name in FIGURES:
        row[name] = None if name in NULLABLE else (ZERO if name in _MONEY else 0)
    return row


_MONEY = {"spend", "earned", "paid", "rebate", "list_value", "alone_value", "vs_list", "vs_alone", "vs_prior",
          "prior_paid", "prior_value"}


def _in_buckets(buckets: Iterable[Bucket]) -> Q:
    """Rows (of LineSaving or MonthRollup) of these (district, month) buckets: one arm per month
    with its districts as a list (see `orders.spend.months_of`)."""
    pairs = Q(pk__in=[])
    for month, district_ids in months_of(buckets):
        pairs |= Q(district_id__in=district_ids, month=month)
    return pairs


def _savings_rows(buckets: Optional[Iterable[Bucket]], fiscal_year: Optional[FiscalYear] = None,
                  agreement_ids: Optional[tuple[int, ...]] = None):
    rows = LineSaving.objects.all()
    if buckets is not None:
        rows = rows.filter(_in_buckets(buckets))
    if agreement_ids is not None:
        rows = rows.filter(agreement_id__in=agreement_ids)
    if fiscal_year is not None:
        rows = rows.filter(month__gte=fiscal_year.start, month__lte=fiscal_year.end)
    earlier = LineSaving.objects.filter(order_line_id=OuterRef("order_line_id"), month__lt=OuterRef("month"))
    known = Q(prior_value__isnull=False)
    rows = rows.annotate(fy_first=~Exists(earlier.filter(fiscal_year=OuterRef("fiscal_year"))),
                         first=~Exists(earlier))
    line = "order_line_id"
    return (rows.values("month", "district_id", "agreement_id", "category_id", "district__state", "vendor_id")
            .annotate(**{f"a_{name}": aggregate for name, aggregate in dict(
                s_lines=Count("pk", filter=Q(kind=LineSaving.Kind.PURCHASE)), quantity=Sum("quantity"),
                paid=Sum("paid"), rebate=Sum("rebate"), list_value=Sum("list_value"),
                alone_value=Sum("alone_value"), vs_list=Sum("vs_list"), vs_alone=Sum("vs_alone"),
                vs_prior=Sum("vs_prior"), prior_paid=Sum("paid", filter=known), prior_value=Sum("prior_value"),
                saving_lines=Count(line, distinct=True),
                saving_lines_fy_first=Count(line, distinct=True, filter=Q(fy_first=True)),
                saving_lines_first=Count(line, distinct=True, filter=Q(first=True)),
                prior_lines=Count(line, distinct=True, filter=known),
                prior_lines_fy_first=Count(line, distinct=True, filter=known & Q(fy_first=True)),
                prior_lines_first=Count(line, distinct=True, filter=known & Q(first=True))).items()})
            .order_by())


def compute(buckets: Optional[Iterable[Bucket]] = None, *, fiscal_year: Optional[FiscalYear] = None,
            agreement_ids: Optional[tuple[int, ...]] = None) -> dict[Key, dict]:
    """The rollup rows of these buckets (None: every bucket), by key, from the source rows;
    `fiscal_year`: only the months of that fiscal year; `agreement_ids`: only those agreements' rows."""
    if buckets is not None:
        buckets = tuple(sorted(set(buckets)))
        if not buckets:
            return {}
    if fiscal_year is not None:
        f = SpendFilter(buckets=buckets, since=fiscal_year.start, until=fiscal_year.end, agreement_ids=agreement_ids)
    else:
        f = SpendFilter(buckets=buckets, agreement_ids=agreement_ids)
    found: dict[Key, dict] = {}

    def row(month, district_id, agreement_id, category_id, state, vendor_id) -> dict:
        key = (month, district_id, agreement_id, category_id)
        if key not in found:
            found[key] = _blank(month, district_id, agreement_id, category_id, state, vendor_id)
        return found[key]

    for r in spend_by(f, BUCKET_DIMS, first_orders=True):
        target = row(r["month"], r["district_id"], r["agreement_id"], r["category_id"], r["state"], r["vendor_id"])
        for name in SPEND:
            target[name] = r[name] or 0
    for r in rebates_earned_by(f, BUCKET_DIMS):
        row(r["month"], r["district_id"], r["agreement_id"], r["category_id"], r["state"], r["vendor_id"])[
            "earned"] = r["earned"]
    for r in _savings_rows(buckets, fiscal_year, agreement_ids):
        target = row(r["month"], r["district_id"], r["agreement_id"], r["category_id"], r["district__state"],
                     r["vendor_id"])
        for name in SAVINGS:
            value = r[f"a_{name}"]
            target[name] = value if value is not None or name in NULLABLE else target[name]
    for values in found.values():
        for name in _MONEY - NULLABLE:
            values[name] = Decimal(values[name]).quantize(Decimal("0.01"))
        for name in NULLABLE:
            if values[name] is not None:
                values[name] = Decimal(values[name]).quantize(Decimal("0.01"))
    return found


def _stored(buckets: Optional[Iterable[Bucket]] = None, fiscal_year: Optional[FiscalYear] = None
            ) -> dict[Key, dict]:
    rows = MonthRollup.objects.all()
    if buckets is not None:
        rows = rows.filter(_in_buckets(buckets))
    if fiscal_year is not None:
        rows = rows.filter(month__gte=fiscal_year.start, month__lte=fiscal_year.end)
    fields = ("month", "fiscal_year", "district_id", "state", "agreement_id", "vendor_id", "category_id") + FIGURES
    return {(r["month"], r["district_id"], r["agreement_id"], r["category_id"]): r for r in rows.values(*fields)}


def _in(buckets: tuple[Bucket, ...], agreement_ids: Optional[tuple[int, ...]] = None):
    """The monthly rows of these buckets (of these agreements only, when given)."""
    rows = MonthRollup.objects.filter(_in_buckets(buckets))
    return rows if agreement_ids is None else rows.filter(agreement_id__in=agreement_ids)


def _write(buckets: Optional[tuple[Bucket, ...]], rows: Iterable[dict],
           agreement_ids: Optional[tuple[int, ...]] = None) -> None:
    if buckets is not None:
        for start in range(0, len(buckets), 200):
            _in(buckets[start:start + 200], agreement_ids).delete()
    else:
        MonthRollup.objects.all().delete()
    MonthRollup.objects.bulk_create([MonthRollup(**r) for r in rows], batch_size=CHUNK)


@transaction.atomic
def refresh_buckets(buckets: Iterable[Bucket], *, agreement_ids: Optional[Iterable[int]] = None) -> int:
    """Recompute these (district, month) buckets from the source rows (DELETE + INSERT, in the
    caller's transaction); `agreement_ids`: only the rows of these agreements (the ones whose
    source rows changed: a true-up on one agreement rewrites that agreement's rows of a thousand
    districts' months, not every agreement's). Idempotent. Returns the number of rows written."""
    agreement_ids = None if agreement_ids is None else tuple(sorted(set(agreement_ids)))
    buckets = tuple(sorted(set(buckets)))
    if not buckets:
        return 0
    # Two transactions may rewrite one district's month at once (its own order, and a true-up from
    # another district's order on a shared agreement): each first locks the district's fiscal year
    # (its monthly and yearly rows), so the second waits for the first to commit and then sums what
    # the first wrote (a statement sees what was committed before it began), instead of summing
    # without it or colliding on the rows' unique key.
    advisory_locks("analytics.monthrollup", sorted({(d, FiscalYear.of(month).ends_in) for d, month in buckets}))
    rows = []
    for start in range(0, len(buckets), 200):  # keeps each query's OR list short
        rows.extend(compute(buckets[start:start + 200], agreement_ids=agreement_ids).values())
    before = {}  # the consortium's (month, vendor, category) figures of the rows removed, then written
    for start in range(0, len(buckets), 200):
        sums_by_key(before, _in(buckets[start:start + 200], agreement_ids))
    _write(buckets, rows, agreement_ids)
    refresh_years({(district_id, FiscalYear.of(month).ends_in) for district_id, month in buckets})
    update_totals(before, add_rows({}, rows))
    return len(rows)


@dataclass
class RollupReport:
    rows: int = 0
    problems: list[str] = field(default_factory=list)
    buckets: set = field(default_factory=set)
    fixed: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def _comparable(values: dict) -> tuple:
    return tuple(values[name] for name in ("fiscal_year", "state", "vendor_id") + FIGURES)


def fiscal_years() -> list[FiscalYear]:
    """Every fiscal year from the earliest month with a source row (a counted order's pricing, a
    rebate entry, a savings row) or a rollup row (monthly or yearly) to the latest: the years a full check covers."""
    from django.db.models import Max, Min

    from core.clock import date_of
    from orders.models import Order, RebateEntry

    days = []
    for qs, name in ((Order.objects.filter(priced_at__isnull=False), "priced_at"),
                     (RebateEntry.objects.all(), "created_at"), (LineSaving.objects.all(), "month"),
                     (MonthRollup.objects.all(), "month")):
        bounds = qs.aggregate(low=Min(name), high=Max(name))
        for value in bounds.values():
            if value is not None:
                days.append(date_of(value) if isinstance(value, dt.datetime) else value)
    for value in YearRollup.objects.aggregate(low=Min("fiscal_year"), high=Max("fiscal_year")).values():
        if value is not None:
            days.append(FiscalYear.named(value).start)
    if not days:
        return []
    years, last = [FiscalYear.of(min(days))], FiscalYear.of(max(days))
    while years[-1] < last:
        years.append(years[-1].next())
    return years


def check(*, repair: bool = False, fiscal_year: Optional[FiscalYear] = None, progress=None) -> RollupReport:
    """Compare every stored row with a fresh computation; list the rows (and so the buckets) that
    differ. `repair`: rewrite the buckets that differ. One fiscal year at a time, each in its own
    transaction: `fiscal_year` for that year alone, else every year of `fiscal_years()` in turn.
    `progress(fiscal_year, year_report)` is called after each year."""
    report = RollupReport()
    for year in ([fiscal_year] if fiscal_year is not None else fiscal_years()):
        one = _check_year(year, repair=repair)
        report.rows += one.rows
        report.problems.extend(one.problems)
        report.buckets |= one.buckets
        report.fixed += one.fixed
        if progress is not None:
            progress(year, one)
    return report


def _check_year(fiscal_year: FiscalYear, *, repair: bool) -> RollupReport:
    report = RollupReport()
    with transaction.atomic():
        fresh, stored = compute(fiscal_year=fiscal_year), _stored(fiscal_year=fiscal_year)
        report.rows = len(fresh)
        for key in sorted(set(fresh) | set(stored), key=lambda k: (k[0], k[1], k[2], k[3] or 0)):
            month, district_id, agreement_id, category_id = key
            where = f"{month:%Y-%m} district {district_id} agreement {agreement_id} category {category_id or '-'}"
            if key not in stored:
                report.problems.append(f"{where}: missing")
            elif key not in fresh:
                report.problems.append(f"{where}: should not be there")
            elif _comparable(fresh[key]) != _comparable(stored[key]):
                names = [n for n in ("fiscal_year", "state", "vendor_id") + FIGURES
                         if fresh[key][n] != stored[key][n]]
                report.problems.append(f"{where}: differs ({', '.join(names)})")
            else:
                continue
            report.buckets.add((district_id, month))
        if repair and report.buckets:
            buckets = tuple(sorted(report.buckets))
            _write(buckets, [values for key, values in fresh.items() if (key[1], key[0]) in report.buckets])
            report.fixed = len(buckets)
        # The yearly rows, against the sums of the (repaired) monthly rows; a district-year whose
        # monthly buckets differ is listed above already (and repaired with them).
        broken = {(district_id, fiscal_year.ends_in) for district_id, _ in report.buckets}
        report.problems.extend(problem for problem, pair in check_year(fiscal_year.ends_in, repair=repair)
                               if repair or pair not in broken)
        if repair or not report.buckets:  # (the consortium's months, against the monthly rows: once those are right)
            report.problems.extend(check_totals(fiscal_year.ends_in, repair=repair))
    return report
