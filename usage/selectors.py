"""Reading licence usage: a district's licences bought vs used per product and fiscal year, and the
consortium's renewal list (agreements ending within 180 days, with utilisation and price trend).

The method (said on the pages):
- Bought: units on the district's orders that count (priced, not cancelled or rejected), by the
  day they were priced: in the fiscal year (district page) or in the 12 months to today (renewal
  list: annual licences in force now), under any agreement (district) or the agreement (renewals).
- Used: licences used as reported, or active users when only they were reported. "Latest" is the
  last month reported in the period, "peak" the highest month.
- Utilisation: latest used / bought, as a whole percent rounded half up; none when nothing was
  bought or no usage was reported. A product whose latest or peak month is above the licences
  bought is flagged "above licences bought" (stored as reported: licences bought before joining or
  elsewhere, or a typo to correct by importing the month again; figures over ten times both the
  licences bought and the enrolment are refused at import, `usage.services`). On the renewal list, bought by the districts that reported
  (a district that did not report is unknown, not unused).
- Price trend: the first-tier unit price on each version of the agreement's schedule, first to
  last, as a percent change rounded half up to one decimal.

Everything is computed on read from indexed tables (usage is at most one row per district, product
and month; bought units are summed per agreement or district over a date range), so a late order,
a cancellation, an amendment or a re-import shows at once; nothing precomputed can go stale.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Optional

from catalog.selectors import products_by_ids
from contracts.selectors.participation import RENEWAL_WINDOW_DAYS
from contracts.selectors.price_history import PricePoint, schedule_price_history
from contracts.selectors.worklists import agreements_ending
from core import clock
from core.fiscal import FiscalYear
from orders.bought import units_bought
from usage.models import UsageImport, UsageRecord

# Product families sold as licences or subscriptions (devices and services are not "used" seats).
LICENCE_KINDS = ("software", "content")
# How many fiscal years back a district may look.
FISCAL_YEARS_BACK = 4


def percent(used: Optional[int], bought: int) -> Optional[int]:
    """used / bought as a whole percent, rounded half up; None without both figures."""
    if used is None or not bought:
        return None
    return int((Decimal(used) * 100 / Decimal(bought)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass
class Figures:
    """A product's usage over a period: the last month reported and the highest."""
    latest_month: Optional[dt.date] = None
    latest_used: Optional[int] = None
    peak_month: Optional[dt.date] = None
    peak_used: Optional[int] = None
    months: int = 0

    def add(self, month: dt.date, used: int) -> None:
        self.months += 1
        if self.latest_month is None or month > self.latest_month:
            self.latest_month, self.latest_used = month, used
        if self.peak_used is None or used > self.peak_used:
            self.peak_month, self.peak_used = month, used


@dataclass
class ProductUse:
    product: object
    bought: int
    figures: Figures

    @property
    def utilisation(self) -> Optional[int]:
        return percent(self.figures.latest_used, self.bought)

    @property
    def above_bought(self) -> bool:
        """More used (latest or peak month) than the licences bought through the consortium."""
        return self.figures.peak_used is not None and self.figures.peak_used > self.bought

    @property
    def unused(self) -> Optional[int]:
        if self.figures.latest_used is None or not self.bought:
            return None
        return max(self.bought - self.figures.latest_used, 0)


def _figures(records) -> dict[tuple[int, int], Figures]:
    """{(district id, product id): Figures} from UsageRecord rows."""
    found: dict[tuple[int, int], Figures] = {}
    for district_id, product_id, month, users, licences in records.values_list(
            "district_id", "product_id", "month", "active_users", "licences_used"):
        found.setdefault((district_id, product_id), Figures()).add(month, licences if licences is not None else users)
    return found


def _worst_first(utilisation: Optional[int], name: str) -> tuple:
    return (utilisation is None, utilisation if utilisation is not None else 0, name.lower())


def fiscal_year_choices(today: Optional[dt.date] = None) -> list[FiscalYear]:
    current = FiscalYear.of(today or clock.today())
    years = [current]
    for _ in range(FISCAL_YEARS_BACK):
        years.append(years[-1].previous())
    return years


def bought_vs_used(*, district, fiscal_year: FiscalYear) -> list[ProductUse]:
    """Per product: licences the district bought in the fiscal year and what it used (latest
    and peak month reported in it); licence products bought, and any product with usage. Worst
    used first, then products without usage reported."""
    bought: dict[int, int] = {}
    for row in units_bought(since=fiscal_year.start, until=fiscal_year.end, district_ids=[district.pk],
                            product_kinds=LICENCE_KINDS):
        bought[row.product_id] = bought.get(row.product_id, 0) + row.units
    records = UsageRecord.objects.filter(district=district, month__gte=fiscal_year.start, month__lte=fiscal_year.end)
    figures = {product_id: f for (_, product_id), f in _figures(records).items()}
    products = products_by_ids(set(bought) | set(figures))
    rows = [ProductUse(products[pid], bought.get(pid, 0), figures.get(pid, Figures())) for pid in products]
    return sorted(rows, key=lambda r: _worst_first(r.utilisation, r.product.name))


def usage_months(*, district, fiscal_year: FiscalYear) -> list[UsageRecord]:
    return list(UsageRecord.objects.filter(district=district, month__gte=fiscal_year.start,
                                           month__lte=fiscal_year.end)
                .select_related("product").order_by("-month", "product__name"))


def imports_of(district, limit: int = 10) -> list[UsageImport]:
    return list(UsageImport.objects.filter(district=district).select_related("created_by")[:limit])


def products_bought_by(district, *, since: dt.date, until: dt.date) -> list:
    """The licence products the district bought in the period, by name: for the CSV template."""
    ids = {row.product_id for row in units_bought(since=since, until=until, district_ids=[district.pk],
                                                  product_kinds=LICENCE_KINDS)}
    return sorted(products_by_ids(ids).values(), key=lambda p: (p.name.lower(), p.pk))


@dataclass
class RenewalLine:
    product: object
    bought: int
    buying_districts: int
    reporting_districts: int
    bought_reporting: int  # bought by the districts that reported usage
    used: Optional[int]  # the sum of each buying district's latest month reported
    peak: Optional[int]  # the sum of each buying district's peak month
    prices: list[PricePoint]

    @property
    def utilisation(self) -> Optional[int]:
        """Used / bought by the districts that reported (a district that did not report is
        unknown, not unused)."""
        return percent(self.used, self.bought_reporting)

    @property
    def above_bought(self) -> bool:
        """More used than bought by the districts that reported: a figure to check."""
        return self.used is not None and self.used > self.bought_reporting

    @property
    def price_change(self) -> Optional[Decimal]:
        """Percent change of the first-tier price from the first schedule version to the last."""
        if len(self.prices) < 2 or not self.prices[0].first_tier_price:
            return None
        first, last = self.prices[0].first_tier_price, self.prices[-1].first_tier_price
        return ((last - first) * 100 / first).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def price_now(self) -> Optional[Decimal]:
        return self.prices[-1].first_tier_price if self.prices else None


@dataclass
class RenewalAgreement:
    agreement: object
    days_left: int
    lines: list[RenewalLine] = field(default_factory=list)

    @property
    def worst(self) -> Optional[int]:
        known = [line.utilisation for line in self.lines if line.utilisation is not None]
        return min(known) if known else None


def renewal_window(today: dt.date) -> tuple[dt.date, dt.date]:
    """The 12 months to today: annual licences bought in them are the ones in force now."""
    return today - dt.timedelta(days=364), today


def renewal_list(*, today: Optional[dt.date] = None, within_days: int = RENEWAL_WINDOW_DAYS) -> list[RenewalAgreement]:
    """Every agreement in force ending within `within_days` (contracts' worklist), each with its
    licence products: bought in the 12 months to today, used by the districts that bought them,
    utilisation and price history. Worst-used agreements first (by their worst product), those
    with no utilisation known last; within one, worst-used products first."""
    today = today or clock.today()
    agreements = agreements_ending(within_days=within_days, today=today)
    if not agreements:
        return []
    ids = [a.pk for a in agreements]
    since, until = renewal_window(today)
    bought = units_bought(since=since, until=until, agreement_ids=ids)
    history = schedule_price_history(ids)
    latest_version: dict[int, int] = {}
    for (agreement_id, _), points in history.items():
        latest_version[agreement_id] = max(latest_version.get(agreement_id, 0), points[-1].version)
    by_line: dict[tuple[int, int], dict[int, int]] = {}  # (agreement, product) -> {district: units}
    for row in bought:
        units = by_line.setdefault((row.agreement_id, row.product_id), {})
        units[row.district_id] = units.get(row.district_id, 0) + row.units
    on_schedule = {key for key, points in history.items() if points[-1].version == latest_version[key[0]]}
    products = products_by_ids({pid for _, pid in set(by_line) | on_schedule})
    records = UsageRecord.objects.filter(
        product_id__in=list(products), month__gte=since.replace(day=1), month__lte=until,
        district_id__in={d for units in by_line.values() for d in units})
    figures = _figures(records)
    result = []
    for agreement in agreements:
        entry = RenewalAgreement(agreement, (agreement.end_date - today).days)
        keys = {k for k in set(by_line) | on_schedule if k[0] == agreement.pk}
        for key in keys:
            product = products[key[1]]
            units = by_line.get(key, {})
            reporting = [d for d in units if (d, key[1]) in figures]
            reported = [figures[(d, key[1])] for d in reporting]
            if product.kind not in LICENCE_KINDS and not reported:
                continue
            entry.lines.append(RenewalLine(
                product=product, bought=sum(units.values()), buying_districts=len(units),
                reporting_districts=len(reported), bought_reporting=sum(units[d] for d in reporting),
                used=sum(f.latest_used for f in reported) if reported else None,
                peak=sum(f.peak_used for f in reported) if reported else None,
                prices=history.get(key, [])))
        entry.lines.sort(key=lambda line: _worst_first(line.utilisation, line.product.name))
        result.append(entry)
    result.sort(key=lambda e: (e.worst is None, e.worst if e.worst is not None else 0,
                               e.agreement.end_date, e.agreement.number))
    return result
