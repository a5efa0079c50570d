"""Savings per order line against three baselines, kept in the LineSaving table.

The method (also shown on the public method page, analytics/templates/analytics/savings_method.html):
- Which lines: order lines of orders priced and counted (submitted within the approval limit, or
  approved), not cancelled nor rejected. A cancelled order's lines leave the table.
- Paid: the line's pooled amount less its share of any quote credit.
- Against the vendor's list price: list price x quantity - paid.
- Against buying alone: the price the district would have paid on its own, the tier of the
  agreement line's schedule reached by the line's own quantity (core.tiers: below the first
  breakpoint the first tier), x quantity - paid.
- Against the price paid before: the price per unit the district stated when joining the
  agreement for that product (contracts.PriorPrice) or, failing that, the latest "price paid
  now" it declared in a survey for the product's category and family (a device's price is never
  a licence's), x quantity - paid. A line with
  neither has no such figure: "not known", never $0.
- True-up rebates (true-ups less reversals, orders.RebateEntry) add to every baseline's saving
  of the line, in the month (and fiscal year) they were earned.
- Money: Decimal; each product of a price and a quantity is rounded to the cent ROUND_HALF_UP
  (core.money.cents) before it is added; sums are exact. Figures against different baselines
  are never added together.

Storage: one LineSaving row per line and month (the purchase; the rebates earned that month).
`refresh_line_savings` recomputes a set of lines' rows from the orders app; the Order post-save
hook (analytics.apps) calls it for every line an order's pricing or cancellation touches, in the
same transaction. `rebuild`/`check` (manage.py savings) recompute or compare every row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Callable, Iterable, Optional

from django.db import transaction

from analytics.models import LineSaving
from analytics.rollup import refresh_buckets
from contracts.selectors.participation import prior_prices_stated
from core.clock import date_of
from core.fiscal import FiscalYear
from core.money import cents
from core.tiers import unit_price_at
from orders.selectors import (agreements_of_lines, counted_lines_for_savings, earned_rebates_by_line, line_ids_after,
                              lines_touched_by_order, spend_buckets_of_lines)
from surveys.selectors import current_prices_declared

ZERO = Decimal(0)
# Compared between a stored row and a fresh computation (everything but the id).
FIELDS = ("order_line_id", "kind", "fiscal_year", "month", "district_id", "state", "agreement_id", "vendor_id",
          "category_id", "product_id", "quantity", "paid", "rebate", "list_value", "alone_value", "prior_value",
          "prior_unit_price", "prior_source", "vs_list", "vs_alone", "vs_prior")
CHUNK = 2000


@dataclass(frozen=True)
class Prior:
    unit_price: Decimal
    source: str  # LineSaving.PriorSource


def _month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _priors(lines) -> dict[tuple[int, int], Prior]:
    """The price paid before for each (district id, product id) among the lines."""
    districts = {line.order.district_id for line in lines}
    stated = prior_prices_stated(district_ids=districts, product_ids={line.product_id for line in lines})
    declared = current_prices_declared(district_ids=districts)
    found: dict[tuple[int, int], Prior] = {}
    for line in lines:
        key = (line.order.district_id, line.product_id)
        if key in stated:
            found[key] = Prior(stated[key].unit_price, LineSaving.PriorSource.JOIN)
        elif (line.order.district_id, line.product.category_id, line.product.kind) in declared:
            found[key] = Prior(declared[(line.order.district_id, line.product.category_id,
                                         line.product.kind)].unit_price, LineSaving.PriorSource.SURVEY)
    return found


def compute_rows(lines) -> list[LineSaving]:
    """The LineSaving rows the lines (counted, priced; from orders.selectors) should have."""
    lines = list(lines)
    if not lines:
        return []
    priors = _priors(lines)
    rebates = earned_rebates_by_line([line.pk for line in lines])
    rows = []
    for line in lines:
        order, district = line.order, line.order.district
        prior = priors.get((district.pk, line.product_id))
        dims = dict(order_line_id=line.pk, district_id=district.pk, state=district.state,
                    agreement_id=order.agreement_id, vendor_id=order.agreement.vendor_id,
                    category_id=line.product.category_id, product_id=line.product_id,
                    prior_unit_price=prior.unit_price if prior else None,
                    prior_source=prior.source if prior else LineSaving.PriorSource.NONE)
        priced_on = date_of(order.priced_at)
        paid = line.amount - line.quote_credit
        list_value = cents(line.list_price * line.quantity)
        alone_value = cents(unit_price_at(line.entry.tiers, line.quantity) * line.quantity)
        prior_value = cents(prior.unit_price * line.quantity) if prior else None
        rows.append(LineSaving(
            kind=LineSaving.Kind.PURCHASE, fiscal_year=FiscalYear.of(priced_on).ends_in, month=_month(priced_on),
            quantity=line.quantity, paid=paid, rebate=ZERO, list_value=list_value, alone_value=alone_value,
            prior_value=prior_value, vs_list=list_value - paid, vs_alone=alone_value - paid,
            vs_prior=None if prior_value is None else prior_value - paid, **dims))
        by_month: dict[dt.date, Decimal] = {}
        for at, amount in rebates.get(line.pk, []):
            month = _month(date_of(at))
            by_month[month] = by_month.get(month, ZERO) + amount
        for month, earned in sorted(by_month.items()):
            if earned == 0:
                continue
            rows.append(LineSaving(
                kind=LineSaving.Kind.REBATE, fiscal_year=FiscalYear.of(month).ends_in, month=month,
                quantity=0, paid=ZERO, rebate=earned, list_value=ZERO, alone_value=ZERO,
                prior_value=ZERO if prior else None, vs_list=earned, vs_alone=earned,
                vs_prior=earned if prior else None, **dims))
    return rows


@transaction.atomic
def refresh_line_savings(line_ids: Iterable[int], *, order_id: Optional[int] = None) -> int:
    """Recompute the rows of these order lines (any state: a line no longer counted loses its
    rows), then, in the same transaction, every monthly rollup bucket (district x month) their
    old rows, new rows, orders and rebate entries fall in (analytics.rollup). Derived data,
    rebuilt from the orders' own records: no audit event of its own (the order's events record
    what changed). Returns the number of rows written."""
    ids = sorted(set(line_ids))
    if not ids and order_id is None:
        return 0
    rows = compute_rows(counted_lines_for_savings(line_ids=ids)) if ids else []
    old = LineSaving.objects.filter(order_line_id__in=ids)
    buckets = set(old.values_list("district_id", "month").distinct())
    buckets |= {(row.district_id, row.month) for row in rows}
    buckets |= spend_buckets_of_lines(ids, order_id=order_id)
    agreements = (set(old.values_list("agreement_id", flat=True).distinct()) | {row.agreement_id for row in rows}
                  | agreements_of_lines(ids, order_id=order_id))
    old.delete()
    LineSaving.objects.bulk_create(rows, batch_size=CHUNK)
    refresh_buckets(buckets, agreement_ids=agreements)
    return len(rows)


def refresh_for_order(order_id: int) -> int:
    """After an order is priced, approved or cancelled: its lines and the earlier lines its
    volume events wrote true-ups or reversals for (and the rollup's buckets they touch)."""
    return refresh_line_savings(lines_touched_by_order(order_id), order_id=order_id)


def _key(row: LineSaving) -> tuple:
    return (row.order_line_id, row.kind, row.month)


def _values(row: LineSaving) -> tuple:
    return tuple(getattr(row, f) for f in FIELDS)


@dataclass
class CheckReport:
    lines: int = 0
    rows: int = 0
    problems: list[str] = field(default_factory=list)
    fixed: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def rebuild(*, check_only: bool = False, progress: Optional[Callable[[int], None]] = None) -> CheckReport:
    """Walk every order line in chunks: recompute its rows and compare them with those stored.
    `check_only`: report the differences (missing, extra, different rows) and change nothing;
    otherwise rewrite the chunks that differ."""
    report = CheckReport()
    after = 0
    while True:
        ids = line_ids_after(after, CHUNK)
        if not ids:
            break
        after = ids[-1]
        report.lines += len(ids)
        fresh = {_key(r): r for r in compute_rows(counted_lines_for_savings(line_ids=ids))}
        stored = {_key(r): r for r in LineSaving.objects.filter(order_line_id__in=ids)}
        report.rows += len(fresh)
        differ = []
        for key in sorted(set(fresh) | set(stored), key=str):
            if key not in stored:
                differ.append(f"line {key[0]} {key[1]} {key[2]:%Y-%m}: missing")
            elif key not in fresh:
                differ.append(f"line {key[0]} {key[1]} {key[2]:%Y-%m}: should not be there")
            elif _values(fresh[key]) != _values(stored[key]):
                differ.append(f"line {key[0]} {key[1]} {key[2]:%Y-%m}: differs")
        if differ:
            report.problems.extend(differ)
            if not check_only:
                refresh_line_savings(ids)  # the lines' rows and their rollup buckets
                report.fixed += len(differ)
        if progress:
            progress(report.lines)
    return report
