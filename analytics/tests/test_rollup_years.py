"""The yearly rollup (analytics.YearRollup) and the consortium's months (analytics.MonthRollupTotal)
stay the sums of the monthly rollup through orders, true-ups, cancellations and late orders
back-dated across the fiscal year's edge, and `edpool rollup check|rebuild` find and repair a
wrong row of either."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Sum

from analytics.models import MonthRollup, MonthRollupTotal, YearRollup
from analytics.rollup import check
from analytics.rollup_years import FIGURES, KEYS
from analytics.tests.test_rollup import backdate, place
from core import clock
from core.fiscal import FiscalYear
from orders.services import order_cancel

pytestmark = pytest.mark.django_db


def assert_yearly_is_the_sum_of_the_monthly():
    want = {tuple(v[k] for k in KEYS): {n: v[f"m_{n}"] for n in FIGURES}
            for v in MonthRollup.objects.values(*KEYS).annotate(**{f"m_{n}": Sum(n) for n in FIGURES}).order_by()}
    got = {tuple(v[k] for k in KEYS): {n: v[n] for n in FIGURES} for v in YearRollup.objects.values(*KEYS, *FIGURES)}
    assert got == want
    for row in YearRollup.objects.all():
        month = MonthRollup.objects.filter(fiscal_year=row.fiscal_year, district_id=row.district_id,
                                           agreement_id=row.agreement_id, category_id=row.category_id).first()
        assert (row.state, row.vendor_id) == (month.state, month.vendor_id)
    keys = ("month", "fiscal_year", "vendor_id", "category_id")
    want = {tuple(v[k] for k in keys): {n: v[f"m_{n}"] for n in FIGURES}
            for v in MonthRollup.objects.values(*keys).annotate(**{f"m_{n}": Sum(n) for n in FIGURES}).order_by()}
    got = {tuple(v[k] for k in keys): {n: v[n] for n in FIGURES}
           for v in MonthRollupTotal.objects.values(*keys, *FIGURES)}
    assert got == want


def test_the_yearly_rollup_is_the_sum_of_the_monthly_through_every_change(cast, joined):
    tz = ZoneInfo(settings.TIME_ZONE)
    fy = FiscalYear.of(clock.today())
    place(cast, [(cast.device, 800), (cast.licence, 50)])
    assert YearRollup.objects.count() == 2 and MonthRollupTotal.objects.count() == 2
    assert_yearly_is_the_sum_of_the_monthly()
    place(cast, [(cast.device, 400)], district="b")  # crosses a tier: district A earns a true-up
    assert YearRollup.objects.filter(district_id=cast.district_a.pk).aggregate(e=Sum("earned"))["e"] > 0
    assert_yearly_is_the_sum_of_the_monthly()
    late = place(cast, [(cast.licence, 7)], district="b")
    backdate(late, dt.datetime.combine(fy.start - dt.timedelta(days=1), dt.time(23, 59), tzinfo=tz))  # 30 June
    assert YearRollup.objects.filter(fiscal_year=fy.ends_in - 1, district_id=cast.district_b.pk).exists()
    assert_yearly_is_the_sum_of_the_monthly()
    edge = place(cast, [(cast.device, 3), (cast.licence, 2)])
    backdate(edge, dt.datetime.combine(fy.start, dt.time(0, 0), tzinfo=tz))  # 1 July: the new year
    assert_yearly_is_the_sum_of_the_monthly()
    backdate(edge, dt.datetime.combine(fy.start - dt.timedelta(days=1), dt.time(12, 0), tzinfo=tz))  # moved back
    assert YearRollup.objects.filter(fiscal_year=fy.ends_in - 1, district_id=cast.district_a.pk).exists()
    assert_yearly_is_the_sum_of_the_monthly()
    cancelled = place(cast, [(cast.device, 600)], district="b")
    before = YearRollup.objects.get(fiscal_year=fy.ends_in, district_id=cast.district_b.pk,
                                    category_id=cast.device.category_id).spend
    order_cancel(order=cancelled, reason="Budget cut", actor=cast.actor(cast.buyer_b))
    assert YearRollup.objects.get(fiscal_year=fy.ends_in, district_id=cast.district_b.pk,
                                  category_id=cast.device.category_id).spend < before
    assert_yearly_is_the_sum_of_the_monthly()
    assert check().ok


def test_check_finds_a_wrong_yearly_row_and_rebuild_repairs_it(cast, joined):
    place(cast, [(cast.device, 10), (cast.licence, 2)])
    row = YearRollup.objects.order_by("category_id").first()
    YearRollup.objects.filter(pk=row.pk).update(spend=Decimal("1.00"))
    YearRollup.objects.exclude(pk=row.pk).delete()
    YearRollup.objects.create(fiscal_year=row.fiscal_year - 2, district_id=row.district_id, state=row.state,
                              agreement_id=row.agreement_id, vendor_id=row.vendor_id, category_id=row.category_id)
    report = check(fiscal_year=FiscalYear.named(row.fiscal_year))
    assert not report.ok and not report.buckets  # the monthly rows are right
    assert any("(yearly row): differs (spend)" in p for p in report.problems)
    assert any("(yearly row): missing" in p for p in report.problems)
    assert not check(fiscal_year=FiscalYear.named(row.fiscal_year - 2)).ok  # a row with no monthly rows
    assert any(f"FY {row.fiscal_year - 2} " in p and "should not be there" in p for p in check().problems)
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("rollup", "check", "--fiscal-year", FiscalYear.named(row.fiscal_year).label, stdout=out)
    assert "differs (spend)" in out.getvalue()
    assert YearRollup.objects.get(pk=row.pk).spend == Decimal("1.00")  # check changes nothing
    call_command("rollup", "rebuild", "--fiscal-year", FiscalYear.named(row.fiscal_year).label, stdout=io.StringIO())
    call_command("rollup", "rebuild", "--fiscal-year", FiscalYear.named(row.fiscal_year - 2).label,
                 stdout=io.StringIO())
    assert check(fiscal_year=FiscalYear.named(row.fiscal_year)).ok
    assert check(fiscal_year=FiscalYear.named(row.fiscal_year - 2)).ok
    assert YearRollup.objects.count() == 2
    assert_yearly_is_the_sum_of_the_monthly()


def test_check_finds_a_wrong_consortium_month_row_and_rebuild_repairs_it(cast, joined):
    place(cast, [(cast.device, 10), (cast.licence, 2)])
    place(cast, [(cast.device, 5)], district="b")
    fy = FiscalYear.named(MonthRollupTotal.objects.first().fiscal_year)
    row = MonthRollupTotal.objects.get(category_id=cast.device.category_id)
    assert row.lines == MonthRollup.objects.filter(category_id=cast.device.category_id).aggregate(n=Sum("lines"))["n"]
    MonthRollupTotal.objects.filter(pk=row.pk).update(vs_list=Decimal("0.01"))
    report = check(fiscal_year=fy)
    assert [p for p in report.problems if "(consortium month row): differs (vs_list)" in p]
    MonthRollupTotal.objects.exclude(pk=row.pk).delete()
    assert any("(consortium month row): missing" in p for p in check(fiscal_year=fy).problems)
    check(repair=True, fiscal_year=fy)
    assert check(fiscal_year=fy).ok
    assert_yearly_is_the_sum_of_the_monthly()
