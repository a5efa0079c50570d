"""The board-ready annual statement of one member for one fiscal year: what it bought through
the consortium, what it saved against each baseline (never added across baselines), the
rebates earned and settled, and the agreements in force with their renewal dates.

Everything comes from the savings table (indexed by member and fiscal year), the rebate ledger
(indexed by member) and the member's participations: a handful of queries whatever the size of
the order history."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Optional

from django.utils import timezone

from analytics.savings_selectors import BASELINES, RollupRow, Totals, savings_by, savings_totals
from contracts.selectors.participation import participations_in_force
from core.fiscal import FiscalYear
from orders.selectors import rebate_ledger_in_period

ZERO = Decimal(0)


@dataclass
class AgreementInForce:
    number: str
    title: str
    vendor: str
    end_date: Optional[dt.date]
    renewals_left: int
    earned: Decimal = ZERO
    settled: Decimal = ZERO


@dataclass
class Statement:
    district: object
    fiscal_year: FiscalYear
    as_of: dt.date  # the fiscal year's last day, or today while it runs
    complete: bool  # the fiscal year has ended
    totals: Totals
    by_agreement: list[RollupRow]
    by_category: list[RollupRow]
    rebates_earned: Decimal
    rebates_settled: Decimal
    agreements: list[AgreementInForce] = field(default_factory=list)
    baselines: list = field(default_factory=lambda: BASELINES)

    @property
    def rebates_outstanding(self) -> Decimal:
        return self.rebates_earned - self.rebates_settled


def _aware(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def member_statement(*, district, fiscal_year: FiscalYear) -> Statement:
    today = timezone.localdate()
    as_of = min(today, fiscal_year.end)
    ledger = rebate_ledger_in_period(district=district, start=_aware(fiscal_year.start),
                                     end=_aware(fiscal_year.end + dt.timedelta(days=1)))
    agreements = []
    for p in participations_in_force(district, as_of):
        a = p.agreement
        money = ledger.get(a.pk, {})
        agreements.append(AgreementInForce(a.number, a.title, a.vendor.organisation.name, a.end_date,
                                           a.renewals_left, money.get("earned", ZERO), money.get("settled", ZERO)))
    return Statement(
        district=district, fiscal_year=fiscal_year, as_of=as_of, complete=today > fiscal_year.end,
        totals=savings_totals(fiscal_year=fiscal_year, district_id=district.pk),
        by_agreement=savings_by("agreement", fiscal_year=fiscal_year, district_id=district.pk),
        by_category=savings_by("category", fiscal_year=fiscal_year, district_id=district.pk),
        rebates_earned=sum((m["earned"] for m in ledger.values()), ZERO),
        rebates_settled=sum((m["settled"] for m in ledger.values()), ZERO),
        agreements=agreements)
