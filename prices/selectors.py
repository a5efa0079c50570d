"""Reading outside prices, the pool's price beside them, the products where an outside price
beats the pool's, and consolidation opportunities.

Who sees what: consortium staff and every member district's people see the outside prices
recorded (members see what other members were offered: that is the point); vendors do not.

Scale: nothing here scans order lines. The pool's price comes from the consortium volume kept per
agreement line (`contracts.LineVolume`, updated by the order services as orders count, are
cancelled or amended) and the schedule in force; outside prices and survey answers are small
tables (one row per price seen, one answer per member and need). So the pages stay right after
late orders, cancellations and amendments without a precomputed copy of their own.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Optional

from django.db.models import QuerySet

from accounts.acting import READERS, Actor, acts_as
from catalog.choices import PRODUCT_FAMILIES
from catalog.models import Product
from contracts.selectors.catalog import CatalogItem, catalog_items, entries_in_force
from core import clock
from orders.selectors import districts_per_line
from prices import consolidation
from prices.models import OutsidePrice
from surveys.selectors import declared_current_purchases

# An outside price counts against the pool's for this long after it was seen.
RECENT_DAYS = 730
KINDS = dict(PRODUCT_FAMILIES)
PLURAL = {"device": "devices", "service": "services"}


def may_read(actor: Optional[Actor]) -> bool:
    return acts_as(actor, READERS)


def outside_prices(*, product_id: Optional[int] = None, district=None) -> QuerySet[OutsidePrice]:
    """Outside prices not withdrawn, latest seen first."""
    rows = OutsidePrice.objects.filter(withdrawn_at__isnull=True).select_related(
        "product__vendor", "district__organisation", "recorded_by")
    if product_id is not None:
        rows = rows.filter(product_id=product_id)
    if district is not None:
        rows = rows.filter(district=district)
    return rows


def outside_price_get(*, outside_price_id: int) -> OutsidePrice:
    from django.http import Http404

    row = outside_prices().filter(pk=outside_price_id).first()
    if row is None:
        raise Http404("No such outside price.")
    return row


def recent_since() -> dt.date:
    return clock.today() - dt.timedelta(days=RECENT_DAYS)


def pool_offers(product_ids) -> dict[int, list[CatalogItem]]:
    """{product id: the agreements in force offering it, each at the tier the consortium's volume
    reaches now}, in a fixed number of queries."""
    entries = list(entries_in_force().filter(product_id__in=list(product_ids)).select_related(
        "product__category", "product__vendor", "version__agreement__vendor"))
    out: dict[int, list[CatalogItem]] = defaultdict(list)
    for item in catalog_items(entries):
        out[item.product.pk].append(item)
    return dict(out)


def catalog_products():
    """Active products on an agreement in force: the choices of "which catalog product"."""
    ids = entries_in_force().values("product_id")
    return Product.objects.filter(pk__in=ids, active=True).select_related("vendor").order_by("name")


def pool_price_of(product_id: int) -> Optional[Decimal]:
    """The lowest price the pool offers the product today (None when no agreement does)."""
    items = pool_offers([product_id]).get(product_id, [])
    return min((i.position.unit_price for i in items), default=None)


@dataclass(frozen=True)
class Compared:
    row: OutsidePrice
    pool_price: Optional[Decimal]
    recent: bool

    @property
    def difference(self) -> Optional[Decimal]:
        """Outside price minus the pool's best price now: negative when the outside one is lower."""
        return None if self.pool_price is None else self.row.unit_price - self.pool_price

    @property
    def percent(self) -> Optional[Decimal]:
        if self.pool_price in (None, Decimal(0)):
            return None
        return (self.difference * 100 / self.pool_price).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def beats_pool(self) -> bool:
        return self.difference is not None and self.difference < 0


@dataclass
class ProductComparison:
    product: Product
    offers: list[CatalogItem]
    outside: list[Compared]

    @property
    def best_pool_price(self) -> Optional[Decimal]:
        return min((i.position.unit_price for i in self.offers), default=None)

    @property
    def beaten(self) -> list[Compared]:
        return [c for c in self.outside if c.beats_pool and c.recent]


def product_comparison(product: Product) -> ProductComparison:
    offers = pool_offers([product.pk]).get(product.pk, [])
    best = min((i.position.unit_price for i in offers), default=None)
    since = recent_since()
    return ProductComparison(product=product, offers=offers, outside=[
        Compared(row=row, pool_price=best, recent=row.seen_on >= since)
        for row in outside_prices(product_id=product.pk)])


# A price under a third or over three times the median of a product's recent outside prices is an
# outlier: left out of the renegotiation list's median (and counted).
OUTLIER_FACTOR = Decimal(3)


@dataclass(frozen=True)
class Renegotiation:
    """An agreement offering a product above the median of its recent outside prices (outliers
    left out): a signal for its renewal."""

    item: CatalogItem
    best_outside: OutsidePrice  # the lowest price counted
    outside_count: int  # prices counted below the pool's
    median: Decimal  # of the prices counted
    counted: int  # prices the median is of
    outliers: int  # prices left out

    @property
    def agreement(self):
        return self.item.agreement

    @property
    def pool_price(self) -> Decimal:
        return self.item.position.unit_price

    @property
    def gap(self) -> Decimal:
        return self.pool_price - self.median

    @property
    def gap_percent(self) -> Decimal:
        return (self.gap * 100 / self.pool_price).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def median_price(prices: list[Decimal]) -> Decimal:
    """The median, to the cent (half up) when it falls between two prices."""
    ordered = sorted(prices)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return ((ordered[middle - 1] + ordered[middle]) / 2).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def without_outliers(rows: list[OutsidePrice]) -> tuple[list[OutsidePrice], int]:
    """The prices within OUTLIER_FACTOR of the median of all of them, and how many were left out."""
    middle = median_price([r.unit_price for r in rows])
    kept = [r for r in rows if middle / OUTLIER_FACTOR <= r.unit_price <= middle * OUTLIER_FACTOR]
    return kept, len(rows) - len(kept)


def renegotiation_list() -> list[Renegotiation]:
    """Every (product, agreement in force) whose price at the current tier is above the median of
    the product's outside prices seen in the last RECENT_DAYS days (outliers left out, see
    OUTLIER_FACTOR), the agreement ending soonest first. One price far below the others (a typo)
    does not put a product on the list; a product with a single price is listed with its count (1),
    for staff to weigh."""
    recent = list(outside_prices().filter(product__isnull=False, seen_on__gte=recent_since()))
    by_product: dict[int, list[OutsidePrice]] = defaultdict(list)
    for row in recent:
        by_product[row.product_id].append(row)
    offers = pool_offers(by_product)
    rows = []
    for product_id, items in offers.items():
        kept, outliers = without_outliers(by_product[product_id])
        middle = median_price([r.unit_price for r in kept])
        lowest = min(kept, key=lambda r: (r.unit_price, -r.seen_on.toordinal(), r.pk))
        for item in items:
            if middle < item.position.unit_price:
                below = [r for r in kept if r.unit_price < item.position.unit_price]
                rows.append(Renegotiation(item=item, best_outside=lowest, outside_count=len(below), median=middle,
                                          counted=len(kept), outliers=outliers))
    far = dt.date.max
    return sorted(rows, key=lambda r: (r.agreement.end_date or far, r.agreement.number, r.item.product.name))


@dataclass
class Consolidation:
    opportunities: list[consolidation.Opportunity] = field(default_factory=list)
    method: str = consolidation.METHOD
    method_points: list[str] = field(default_factory=lambda: list(consolidation.METHOD_POINTS))

    @property
    def total_saving(self) -> Decimal:
        return sum((o.saving for o in self.opportunities), Decimal(0))


def consolidation_opportunities() -> Consolidation:
    """Per category and kind of product (devices, software ...) on an agreement in force: the
    split-across-agreements opportunity and the bought-outside-the-pool one (see
    `prices.consolidation`), largest saving first."""
    entries = list(entries_in_force().select_related("product__category", "version__agreement__vendor"))
    items = catalog_items(entries)
    buyers = districts_per_line(agreement_ids={i.agreement.pk for i in items})
    lines: dict[tuple[int, str], list[consolidation.Line]] = defaultdict(list)
    names: dict[int, str] = {}
    pool_buyers: dict[tuple[int, str], set[int]] = defaultdict(set)
    for item in items:
        category = item.product.category
        key = (category.pk, item.product.kind)
        names[category.pk] = category.name
        who = buyers.get((item.agreement.pk, item.entry.line_reference), set())
        pool_buyers[key] |= who
        lines[key].append(consolidation.Line(
            agreement_id=item.agreement.pk, agreement_number=item.agreement.number,
            vendor=item.agreement.vendor.legal_name, end_date=item.agreement.end_date,
            line_reference=item.entry.line_reference, product_id=item.product.pk,
            product_name=item.product.name, tiers=item.entry.tiers, volume=item.volume, buyers=len(who)))
    declared: dict[tuple[int, str], list[consolidation.Declared]] = defaultdict(list)
    for row in declared_current_purchases():
        key = (row.category_id, row.kind)
        if key in lines and row.district_id not in pool_buyers[key]:
            declared[key].append(consolidation.Declared(
                district_id=row.district_id, district=row.district, quantity=row.quantity,
                unit_price=row.unit_price, current_product=row.current_product, source=row.survey))
    kinds_per_category: dict[int, int] = defaultdict(int)
    for category_id, _ in lines:
        kinds_per_category[category_id] += 1
    found = []
    for key, category_lines in lines.items():
        category_lines.sort(key=lambda line: (line.agreement_number, line.line_reference))
        name = names[key[0]]
        if kinds_per_category[key[0]] > 1:
            name = f"{name} ({PLURAL.get(key[1], KINDS.get(key[1], key[1]).lower())})"
        split = consolidation.split_opportunity(name, category_lines)
        outside = consolidation.outside_opportunity(name, category_lines, declared.get(key, []))
        found += [o for o in (split, outside) if o is not None]
    found.sort(key=lambda o: (-o.saving, o.category, o.kind))
    return Consolidation(opportunities=found)
