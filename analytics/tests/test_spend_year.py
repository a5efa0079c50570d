"""The spend report and the savings dashboard read the year's rollup once and sum in Python
(analytics.spend_year, savings_selectors.dashboard_figures): the same answers as the query per
breakdown they replace (analytics.spend_rollup; savings_totals, savings_by, savings_by_month) on
varied data (districts in two states, two vendors, three categories, several months, a
cancellation, a true-up, rebate rows without a category, savings-only rows), and a bounded
number of queries, one of them on the rollup."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings

from analytics import spend, spend_rollup
from analytics.models import MonthRollup, YearRollup
from analytics.rollup_totals import rebuild_totals
from analytics.rollup_years import rebuild_years
from analytics.savings_selectors import (DIMENSIONS, dashboard_figures, savings_by, savings_by_month,
                                         savings_totals)
from analytics.spend_year import YearRows
from catalog.models import Category
from core import clock as core_clock
from core.fiscal import FiscalYear
from orders.services import order_cancel, order_create, order_submit
from orders.spend import SpendFilter

pytestmark = pytest.mark.django_db

GROUPINGS = [(), ("category",), ("vendor",), ("state",), ("month",), ("district", "state"), ("category", "vendor"),
             ("member",), ("member", "category", "vendor")]


def _place(cast, district, buyer, lines, priced=None):
    order = order_submit(order=order_create(district=district, agreement=cast.agreement, lines=lines,
                                            actor=cast.actor(buyer)), actor=cast.actor(buyer))
    if priced is not None:  # a late order carrying the moment it was really priced
        order.priced_at = priced
        order.save(update_fields=["priced_at"])
    return order


@pytest.fixture
def varied(cast, joined, agreements):
    """Orders through the services (A and B in CA, a third member in NV; two categories; three
    months; a cancellation; a true-up for A), then rollup rows of vendor B's agreement written
    directly for two more districts (a third category, other months, rebates without a category,
    a reversal, rows of savings alone)."""
    from accounts.services import role_assign
    from tests.cast import _active_membership, _district, _user
    from tests.fixtures.orders import join

    tz = ZoneInfo(settings.TIME_ZONE)
    fy = FiscalYear.of(core_clock.today())
    third = _district("Third Unified", "0199999", 5000)
    _active_membership(third, core_clock.today())
    user = _user("buyer-third@example.org", "Third Buyer")
    role_assign(user=user, organisation=third.organisation, role="district_buyer", actor=cast.actor(cast.staff))
    join(cast, third, user, cast.agreement, cast.agreement.solicitation)
    third.approval_limit = Decimal("10000000.00")
    third.state = "NV"  # (after joining: NV's privacy law would ask for an agreement the fixture has not)
    third.save(update_fields=["approval_limit", "state"])
    cast.third, cast.buyer_third = third, user

    first_month = dt.datetime.combine(fy.start + dt.timedelta(days=3), dt.time(10), tzinfo=tz)
    _place(cast, cast.district_a, cast.buyer_a, [(cast.device, 800), (cast.licence, 50)], priced=first_month)
    _place(cast, third, user, [(cast.device, 30)], priced=first_month)
    _place(cast, cast.district_b, cast.buyer_b, [(cast.device, 400)])          # a true-up for A
    _place(cast, third, user, [(cast.licence, 7), (cast.device, 3)])
    cancelled = _place(cast, cast.district_b, cast.buyer_b, [(cast.device, 600)])
    order_cancel(order=cancelled, reason="Budget cut", actor=cast.actor(cast.buyer_b))
    _place(cast, cast.district_b, cast.buyer_b, [(cast.licence, 4)],
           priced=dt.datetime.combine(fy.start - dt.timedelta(days=1), dt.time(23, 59), tzinfo=tz))

    other = agreements[cast.vendor_b.pk]
    furniture = Category.objects.create(code="furniture-test", name="Furniture (test)")
    delta, echo = _district("Delta Unified", "0199998", 800), _district("Echo Unified", "0199997", 0)
    type(echo).objects.filter(pk=echo.pk).update(state="NV", enrollment=None)
    for district in (delta, echo):
        _active_membership(district, core_clock.today())
    months = [fy.start, dt.date(fy.start.year, fy.start.month + 1, 1), dt.date(fy.end.year, fy.end.month, 1)]

    def row(month, district, state, category, **figures):
        MonthRollup.objects.create(month=month, fiscal_year=fy.ends_in, district=district, state=state,
                                   agreement=other, vendor=cast.vendor_b, category=category,
                                   **{"vs_list": 0, "vs_alone": 0, **figures})

    row(months[0], delta, "CA", furniture, spend=Decimal("1200.10"), units=12, lines=2, orders=1, orders_first=1,
        earned=Decimal("15.05"), s_lines=2, quantity=12, paid=Decimal("1200.10"), list_value=Decimal("1500.00"),
        alone_value=Decimal("1300.00"), vs_list=Decimal("299.90"), vs_alone=Decimal("99.90"),
        saving_lines=2, saving_lines_fy_first=2, saving_lines_first=2)
    row(months[1], delta, "CA", furniture, spend=Decimal("0.35"), units=1, lines=1, orders=1, orders_first=0,
        s_lines=1, quantity=1, paid=Decimal("0.35"), list_value=Decimal("0.50"), vs_list=Decimal("0.15"),
        vs_prior=Decimal("0.05"), prior_paid=Decimal("0.35"), prior_value=Decimal("0.40"), saving_lines=1,
        saving_lines_fy_first=1, saving_lines_first=1, prior_lines=1, prior_lines_fy_first=1,
        prior_lines_first=1)
    row(months[1], delta, "CA", cast.device.category, spend=Decimal("999.99"), units=3, lines=1, orders=1,
        orders_first=1, earned=Decimal("-4.00"))                               # a reversal
    row(months[2], delta, "CA", None, earned=Decimal("7.77"))                 # rebates without a line
    row(months[2], echo, "NV", furniture, spend=Decimal("310.00"), units=31, lines=3, orders=2, orders_first=2,
        saving_lines=3, saving_lines_fy_first=0, saving_lines_first=0, s_lines=3, quantity=31,
        paid=Decimal("310.00"), list_value=Decimal("400.00"), vs_list=Decimal("90.00"))
    row(months[0], echo, "NV", cast.licence.category, saving_lines=1, saving_lines_fy_first=1, rebate=Decimal("2.50"))
    cast.delta, cast.echo, cast.furniture, cast.other = delta, echo, furniture, other
    rebuild_years()  # the yearly and consortium rows of the monthly rows written here (refresh_buckets' own step)
    rebuild_totals()
    return cast


def _filters(cast) -> list[dict]:
    device = cast.device.category_id
    return [{}, {"state": "CA"}, {"state": "NV"}, {"category_id": device}, {"category_id": cast.furniture.pk},
            {"vendor_id": cast.vendor_b.pk}, {"district_id": cast.delta.pk}, {"district_id": cast.third.pk},
            {"state": "CA", "category_id": device, "vendor_id": cast.vendor_a.pk}]


def _old_report(monkeypatch, **kwargs):
    """The report as it was computed before: one query per breakdown (analytics.spend_rollup)."""
    with monkeypatch.context() as m:
        m.setattr(spend, "_year_rows", lambda fy, f, own: spend_rollup)
        m.setattr(spend, "_consortium_rows", lambda fy: spend_rollup)
        return spend.spend_report(**kwargs)


def _sorted(rows: list[dict]) -> list:
    return sorted(tuple(sorted((k, str(v)) for k, v in r.items())) for r in rows)


def test_the_spend_report_gives_the_answers_of_a_query_per_breakdown(varied, monkeypatch):
    cast = varied
    fy = FiscalYear.of(core_clock.today())
    staff = cast.actor(cast.staff)
    for year, filters in ((fy.ends_in, _filters(cast)), (fy.ends_in - 1, [{}])):
        for kwargs in filters:
            new = spend.spend_report(actor=staff, fiscal_year=year, **kwargs)
            assert new == _old_report(monkeypatch, actor=staff, fiscal_year=year, **kwargs), (year, kwargs)
        for buyer, kwargs in ((cast.buyer_a, {}), (cast.buyer_third, {"category_id": cast.device.category_id}),
                              (cast.buyer_b, {"vendor_id": cast.vendor_b.pk})):
            new = spend.spend_report(actor=cast.actor(buyer), fiscal_year=year, **kwargs)
            assert new == _old_report(monkeypatch, actor=cast.actor(buyer), fiscal_year=year, **kwargs)
    report = spend.spend_report(actor=staff)
    assert {line.label for line in report.by_state} == {"CA", "NV"} and len(report.by_vendor) == 2
    assert report.earned != 0 and report.buying_districts == 5 and report.consortium is None
    assert spend.spend_report(actor=cast.actor(cast.buyer_a)).consortium.shown

    # Every grouping and filter of the functions it replaces, not only those the report asks for.
    whole = SpendFilter(since=fy.start, until=fy.end)
    for kwargs in ({}, {"state": "NV"}, {"category_id": cast.furniture.pk}, {"vendor_id": cast.vendor_a.pk},
                   {"district_ids": (cast.delta.pk, cast.district_a.pk)}):
        f = SpendFilter(since=fy.start, until=fy.end, **kwargs)
        for rows in (YearRows.load(fy, months=f), YearRows.load(fy, SpendFilter(**kwargs))):
            for by in GROUPINGS:
                assert _sorted(rows.spend_by(f, by)) == _sorted(spend_rollup.spend_by(f, by)), (f, by)
                assert (_sorted(rows.rebates_earned_by(f, by))
                        == _sorted(spend_rollup.rebates_earned_by(f, by))), (f, by)
            for by in ("", "category", "state", ("category", "vendor"), "member"):
                assert rows.spending_districts(f, by) == spend_rollup.spending_districts(f, by), (f, by)
            for ids in (None, [cast.furniture.pk], [cast.device.category_id, cast.licence.category_id]):
                assert (sorted(rows.spending_district_ids(f, category_ids=ids))
                        == sorted(spend_rollup.spending_district_ids(f, category_ids=ids)))
    everything = YearRows.load(fy)
    for by in GROUPINGS:  # the whole year of every district, as a district user's consortium view reads it
        assert _sorted(everything.spend_by(whole, by)) == _sorted(spend_rollup.spend_by(whole, by))


def _rollup_queries(ctx) -> int:
    """The queries that read a rollup (the monthly rows, or the yearly ones for a whole year's sums)."""
    return sum(any(m._meta.db_table in q["sql"] for m in (MonthRollup, YearRollup)) for q in ctx.captured_queries)


def test_the_spend_report_reads_the_rollup_once_and_no_more(varied, django_assert_max_num_queries):
    cast = varied
    staff, buyer = cast.actor(cast.staff), cast.actor(cast.buyer_a)
    with django_assert_max_num_queries(4) as ctx:  # the rows, then category, vendor and district names
        spend.spend_report(actor=staff)
    assert _rollup_queries(ctx) == 1
    with django_assert_max_num_queries(7) as ctx:  # and the filters' own look-ups
        spend.spend_report(actor=staff, category_id=cast.furniture.pk, vendor_id=cast.vendor_b.pk)
    assert _rollup_queries(ctx) == 1
    with django_assert_max_num_queries(8) as ctx:  # a district: its own figures, then the consortium's
        fresh = spend.spend_report(actor=buyer)
    assert _rollup_queries(ctx) == 2
    spend.spend_report(actor=buyer, kept=True)
    with django_assert_max_num_queries(8) as ctx:  # the page: the consortium's figures kept a minute
        kept = spend.spend_report(actor=buyer, kept=True)
    assert _rollup_queries(ctx) == 1 and kept.as_of is not None and replace(kept, as_of=None) == fresh

    # What was not read is refused, not answered from too few rows.
    fy = FiscalYear.of(core_clock.today())
    narrowed = YearRows.load(fy, SpendFilter(state="CA"))
    assert narrowed.spend_by(SpendFilter(state="CA"))[0]["spend"] == spend_rollup.spend_by(SpendFilter(
        since=fy.start, until=fy.end, state="CA"))[0]["spend"]
    for f in (SpendFilter(), SpendFilter(state="NV"), SpendFilter(state="CA", since=fy.start - dt.timedelta(days=31)),
              SpendFilter(state="CA", until=fy.start + dt.timedelta(days=30)),
              SpendFilter(state="CA", buckets=((varied.delta.pk, fy.start),))):
        with pytest.raises(ValueError):
            narrowed.spend_by(f)
    for by in (("product",), ("month", "category")):
        with pytest.raises(ValueError):
            narrowed.spend_by(SpendFilter(state="CA"), by)
    with pytest.raises(ValueError):  # months were read for the scope (CA), not for one vendor in it
        narrowed.spend_by(SpendFilter(state="CA", vendor_id=varied.vendor_b.pk), ("month",))


def _figures(totals) -> dict:
    return dict(vars(totals))


def test_the_savings_dashboard_reads_the_year_once_with_the_same_answers(varied, django_assert_max_num_queries):
    cast = varied
    fy = FiscalYear.of(core_clock.today())
    for year in (fy, FiscalYear.named(fy.ends_in - 1)):
        for district_id in (None, cast.district_a.pk, cast.delta.pk, cast.echo.pk):
            for dimension in DIMENSIONS:
                if district_id is None:
                    with django_assert_max_num_queries(1):
                        got = dashboard_figures(dimension, fiscal_year=year)
                else:
                    with django_assert_max_num_queries(2):
                        got = dashboard_figures(dimension, fiscal_year=year, district_id=district_id)
                assert _figures(got.pool) == _figures(savings_totals(fiscal_year=year))
                if district_id is None:
                    assert got.own is None
                else:
                    assert _figures(got.own) == _figures(savings_totals(fiscal_year=year, district_id=district_id))
                want = savings_by(dimension, fiscal_year=year, district_id=district_id)
                assert [(r.key, r.label, _figures(r.totals)) for r in got.rows] == [
                    (r.key, r.label, _figures(r.totals)) for r in want], (year, district_id, dimension)
                want = savings_by_month(fiscal_year=year, district_id=district_id)
                assert [(r.key, r.label, _figures(r.totals)) for r in got.months] == [
                    (r.key, r.label, _figures(r.totals)) for r in want]
    figures = dashboard_figures("member", fiscal_year=fy)
    assert figures.pool.vs_prior == Decimal("0.05") and len(figures.rows) >= 4
