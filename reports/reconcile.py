"""Reconciling a vendor's quarterly sales report with the members' orders, and the fee on it.
Pure functions over plain data; `reports.services` loads the data and stores the findings.

Matching rule
1. A reported line naming an EdPool order number is matched to that order's lines of the same
   product, when the order is the reported district's, under the agreement and placed in the
   quarter. Several reported lines naming the same order and product are summed.
   A number that names no such order is noted and the line is matched as in 2.
2. Every other reported line is grouped by (district, product) and compared with the quarter's
   order lines of that district and product not already claimed in 1, quantities and amounts
   summed over the quarter (a vendor may report one line per shipment, per order or per quarter).
3. Each group gives one finding:
   - matched: same quantity and same amount (to the cent);
   - quantity mismatch: both sides have the group, the quantities differ;
   - price mismatch: same quantity, different amount (the reported price is not the order price);
   - reported, not ordered: no order line in EdPool for the group (a sale made outside EdPool's
     ordering); its price is also checked against the schedule: a reported unit price above the
     highest price the schedule allowed in the quarter (the tier the consortium's pooled volume on
     the line had reached when the quarter began, under any schedule version in force during the
     quarter) gives a second finding, a price mismatch against the schedule;
   - ordered, not reported: order lines (placed, not cancelled) the report does not cover.
   Everything but `matched` is an item for consortium staff to resolve with a note.

Fee rule
The administrative fee for an agreement and quarter is the agreement's rate times the reported
sales of the current report version: every reported line's amount (matched, mismatched, and
reported-not-ordered lines, the latter counted once staff have resolved them). It is invoiced only
when no item is open. Orders the vendor did not report add nothing until the vendor reports them
in a corrected version. The fee is computed on the quarter's total, in exact decimals, rounded
once to the cent, half up (0.25% of $1,002.00 is $2.505, invoiced as $2.51).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Callable, Iterable, Optional

from core.number_format import money
from core.money import cents

MATCHED = "matched"
QUANTITY_MISMATCH = "quantity_mismatch"
PRICE_MISMATCH = "price_mismatch"
REPORTED_NOT_ORDERED = "reported_not_ordered"
ORDERED_NOT_REPORTED = "ordered_not_reported"


@dataclass(frozen=True)
class Reported:
    position: int
    district_id: int
    product_id: int
    quantity: int
    unit_price: Decimal
    amount: Decimal
    order_number: str = ""


@dataclass(frozen=True)
class Ordered:
    line_id: int
    order_id: int
    order_number: str
    district_id: int
    product_id: int
    quantity: int
    unit_price: Decimal
    amount: Decimal


@dataclass
class Finding:
    kind: str
    district_id: int
    product_id: int
    order_id: Optional[int] = None
    positions: list[int] = field(default_factory=list)
    order_numbers: list[str] = field(default_factory=list)
    reported_quantity: int = 0
    reported_amount: Decimal = Decimal("0.00")
    ordered_quantity: int = 0
    ordered_amount: Decimal = Decimal("0.00")
    reported_unit_price: Optional[Decimal] = None
    expected_unit_price: Optional[Decimal] = None
    detail: str = ""


@dataclass
class _Group:
    district_id: int
    product_id: int
    order_id: Optional[int] = None
    reported: list[Reported] = field(default_factory=list)
    ordered: list[Ordered] = field(default_factory=list)
    unknown_numbers: list[str] = field(default_factory=list)


def _one_price(prices: Iterable[Decimal]) -> Optional[Decimal]:
    distinct = set(prices)
    return distinct.pop() if len(distinct) == 1 else None


def _money(value: Decimal) -> str:
    return money(value)


def reconcile(reported: Iterable[Reported], ordered: Iterable[Ordered],
              ceiling: Callable[[int], Optional[Decimal]]) -> list[Finding]:
    """The findings of one report against the quarter's order lines. `ceiling(product_id)` is
    the highest unit price the schedule allows for a product (None when it cannot say)."""
    groups: dict[tuple, _Group] = {}
    by_order_product: dict[tuple[str, int, int], list[Ordered]] = defaultdict(list)
    for line in ordered:
        by_order_product[(line.order_number.strip().lower(), line.district_id, line.product_id)].append(line)
    claimed: set[int] = set()

    def group(key: tuple, district_id: int, product_id: int, order_id: Optional[int] = None) -> _Group:
        if key not in groups:
            groups[key] = _Group(district_id, product_id, order_id)
        return groups[key]

    leftovers: list[tuple[Reported, str]] = []
    for line in sorted(reported, key=lambda r: r.position):
        number = line.order_number.strip()
        if number:
            lines = by_order_product.get((number.lower(), line.district_id, line.product_id))
            if lines:
                g = group(("order", lines[0].order_id, line.product_id), line.district_id, line.product_id,
                          lines[0].order_id)
                g.reported.append(line)
                if not g.ordered:
                    g.ordered.extend(lines)
                    claimed.update(o.line_id for o in lines)
                continue
        leftovers.append((line, number))
    for line, number in leftovers:
        g = group(("dp", line.district_id, line.product_id), line.district_id, line.product_id)
        g.reported.append(line)
        if number and number not in g.unknown_numbers:
            g.unknown_numbers.append(number)
    for line in ordered:
        if line.line_id not in claimed:
            group(("dp", line.district_id, line.product_id), line.district_id, line.product_id).ordered.append(line)

    findings = []
    for g in groups.values():
        findings.extend(_judge(g, ceiling))
    order = {MATCHED: 5, QUANTITY_MISMATCH: 1, PRICE_MISMATCH: 2, REPORTED_NOT_ORDERED: 3, ORDERED_NOT_REPORTED: 4}
    findings.sort(key=lambda f: (order[f.kind], min(f.positions) if f.positions else 10**9,
                                 f.district_id, f.product_id))
    return findings


def _judge(g: _Group, ceiling: Callable[[int], Optional[Decimal]]) -> list[Finding]:
    base = Finding(kind=MATCHED, district_id=g.district_id, product_id=g.product_id, order_id=g.order_id,
                   positions=[r.position for r in g.reported],
                   order_numbers=sorted({o.order_number for o in g.ordered}),
                   reported_quantity=sum(r.quantity for r in g.reported),
                   reported_amount=sum((r.amount for r in g.reported), Decimal("0.00")),
                   ordered_quantity=sum(o.quantity for o in g.ordered),
                   ordered_amount=sum((o.amount for o in g.ordered), Decimal("0.00")),
                   reported_unit_price=_one_price(r.unit_price for r in g.reported))
    notes = []
    if g.unknown_numbers:
        notes.append("Order number(s) not found for this district and product in the quarter: "
                     + ", ".join(g.unknown_numbers) + ".")
    if g.reported and g.ordered:
        base.expected_unit_price = _one_price(o.unit_price for o in g.ordered)
        if base.reported_quantity != base.ordered_quantity:
            base.kind = QUANTITY_MISMATCH
            notes.insert(0, f"Reported {base.reported_quantity} units ({_money(base.reported_amount)}); "
                            f"ordered {base.ordered_quantity} ({_money(base.ordered_amount)}).")
        elif base.reported_amount != base.ordered_amount:
            base.kind = PRICE_MISMATCH
            notes.insert(0, f"Same quantity, but reported {_money(base.reported_amount)} against "
                            f"{_money(base.ordered_amount)} at the order price"
                            + (f" of {_money(base.expected_unit_price)} a unit." if base.expected_unit_price
                               is not None else "s."))
        base.detail = " ".join(notes)
        return [base]
    if g.ordered:
        base.kind = ORDERED_NOT_REPORTED
        notes.insert(0, f"Orders {', '.join(base.order_numbers)} ({base.ordered_quantity} units, "
                        f"{_money(base.ordered_amount)}) are not in the report.")
        base.detail = " ".join(notes)
        return [base]
    base.kind = REPORTED_NOT_ORDERED
    notes.insert(0, f"Reported {base.reported_quantity} units ({_money(base.reported_amount)}) with no "
                    f"matching order in EdPool this quarter.")
    base.detail = " ".join(notes)
    findings = [base]
    limit = ceiling(g.product_id)
    above = [r for r in g.reported if limit is not None and r.unit_price > limit]
    if above:
        findings.append(Finding(
            kind=PRICE_MISMATCH, district_id=g.district_id, product_id=g.product_id,
            positions=[r.position for r in above], reported_quantity=sum(r.quantity for r in above),
            reported_amount=sum((r.amount for r in above), Decimal("0.00")),
            reported_unit_price=max(r.unit_price for r in above), expected_unit_price=limit,
            detail=f"Reported at up to {_money(max(r.unit_price for r in above))} a unit, above the "
                   f"schedule's {_money(limit)}, the highest price it allowed in the quarter."))
    return findings


def admin_fee(sales: Decimal, rate: Decimal) -> Decimal:
    """The fee on a quarter's reported sales: exact product, rounded once to the cent, half up."""
    return cents(Decimal(sales) * Decimal(rate))
