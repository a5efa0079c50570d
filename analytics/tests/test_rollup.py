"""The monthly rollup gives the same answers as the line-based computation (savings per line,
spend and rebates from the order lines) through true-ups, cancellations, a late order carrying a
back-dated pricing moment, both sides of a fiscal year's edge and prior prices; `edpool rollup
check|rebuild` finds and repairs a wrong bucket."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, Q, Sum

from analytics import spend_rollup
from analytics.models import LineSaving, MonthRollup
from analytics.rollup import check
from analytics.savings_selectors import (DIMENSIONS, savings_by, savings_by_fiscal_year, savings_by_month,
                                         savings_totals)
from core import clock
from core.fiscal import FiscalYear
from orders import spend as by_lines
from orders.models import Order
from orders.services import order_cancel, order_create, order_submit

pytestmark = pytest.mark.django_db

# The line-based sums the savings selectors made before the rollup (the reference).
REFERENCE = dict(
    lines=Count("pk", filter=Q(kind=LineSaving.Kind.PURCHASE)), quantity=Sum("quantity"), paid=Sum("paid"),
    rebate=Sum("rebate"), list_value=Sum("list_value"), alone_value=Sum("alone_value"), vs_list=Sum("vs_list"),
    vs_alone=Sum("vs_alone"), vs_prior=Sum("vs_prior"), saving_lines=Count("order_line_id", distinct=True),
    prior_lines=Count("order_line_id", filter=Q(prior_value__isnull=False), distinct=True),
    prior_paid=Sum("paid", filter=Q(prior_value__isnull=False)), prior_value=Sum("prior_value"))


SUMS = {f"r_{name}": aggregate for name, aggregate in REFERENCE.items()}


def _t(totals) -> dict:
    return {name: getattr(totals, name) for name in REFERENCE}


def _ref(values: dict) -> dict:
    out = {}
    for name in REFERENCE:
        v = values.get(f"r_{name}")
        out[name] = v if v is not None or name == "vs_prior" else (0 if name in ("lines", "quantity",
                                                                                   "saving_lines", "prior_lines")
                                                                   else Decimal(0))
    return out


def assert_same_savings():
    years = [None] + [FiscalYear.named(y) for y in LineSaving.objects.values_list("fiscal_year", flat=True).distinct()]
    districts = [None] + list(LineSaving.objects.values_list("district_id", flat=True).distinct())
    for fy in years:
        for district_id in districts:
            rows = LineSaving.objects.all()
            if fy:
                rows = rows.filter(fiscal_year=fy.ends_in)
            if district_id:
                rows = rows.filter(district_id=district_id)
            assert _t(savings_totals(fiscal_year=fy, district_id=district_id)) == _ref(rows.aggregate(**SUMS))
            for dim, (fields, _) in DIMENSIONS.items():
                got = {r.key: _t(r.totals) for r in savings_by(dim, fiscal_year=fy, district_id=district_id)}
                want = {v[fields[0]]: _ref(v) for v in rows.values(fields[0]).annotate(**SUMS).order_by()}
                assert got == want, (dim, fy, district_id)
            if fy:
                got = {r.key: _t(r.totals) for r in savings_by_month(fiscal_year=fy, district_id=district_id)
                       if r.totals.saving_lines}
                want = {v["month"]: _ref(v) for v in rows.values("month").annotate(**SUMS).order_by()}
                assert got == want
        got = {r.key: _t(r.totals) for r in savings_by_fiscal_year(district_id=fy and None)}
        want = {v["fiscal_year"]: _ref(v) for v in LineSaving.objects.values("fiscal_year").annotate(**SUMS)
                .order_by()}
        assert got == want


GROUPINGS = [(), ("category",), ("vendor",), ("state",), ("month",), ("district", "state"), ("category", "vendor")]


def _key(rows: list[dict]) -> list:
    return sorted((tuple(sorted((k, str(v)) for k, v in r.items())) for r in rows))


def assert_same_spend(cast):
    years = {FiscalYear.of(o.priced_at.astimezone(ZoneInfo(settings.TIME_ZONE)))
             for o in Order.objects.exclude(priced_at=None)}
    for fy in years:
        for extra in ({}, {"district_ids": (cast.district_a.pk,)}, {"category_id": cast.device.category_id},
                      {"state": cast.district_b.state}):
            f = by_lines.SpendFilter(since=fy.start, until=fy.end, **extra)
            for by in GROUPINGS:
                assert _key(spend_rollup.spend_by(f, by)) == _key(by_lines.spend_by(f, by)), (fy, extra, by)
                if "district" in by:  # (rebates are never grouped by district's name: RebateEntry has one)
                    continue
                earned = [r for r in by_lines.rebates_earned_by(f, by) if r["earned"] or not by]
                assert _key(spend_rollup.rebates_earned_by(f, by)) == _key(earned), (fy, extra, by)
            assert spend_rollup.spending_districts(f) == by_lines.spending_districts(f)
            for by in ("category", "state", ("category", "vendor")):
                assert spend_rollup.spending_districts(f, by) == by_lines.spending_districts(f, by)
            assert (sorted(spend_rollup.spending_district_ids(f, category_ids=[cast.device.category_id]))
                    == sorted(by_lines.spending_district_ids(f, category_ids=[cast.device.category_id])))


def place(cast, lines, district="a"):
    buyer = cast.buyer_a if district == "a" else cast.buyer_b
    d = cast.district_a if district == "a" else cast.district_b
    order = order_create(district=d, agreement=cast.agreement, lines=lines, actor=cast.actor(buyer))
    return order_submit(order=order, actor=cast.actor(buyer))


def backdate(order, moment):
    """A late order entered with the moment it was really priced (the hook recomputes its rows)."""
    order.priced_at = moment
    order.save(update_fields=["priced_at"])


def test_rollup_answers_like_the_lines_through_true_ups_cancellations_late_orders_and_fy_edges(cast, joined):
    tz = ZoneInfo(settings.TIME_ZONE)
    fy = FiscalYear.of(clock.today())
    place(cast, [(cast.device, 800), (cast.licence, 50)])       # two categories in one order
    assert_same_savings()
    assert_same_spend(cast)
    place(cast, [(cast.device, 400)], district="b")              # the volume crosses a tier: A earns a true-up
    late = place(cast, [(cast.licence, 7)], district="b")
    backdate(late, dt.datetime.combine(fy.start - dt.timedelta(days=1), dt.time(23, 59), tzinfo=tz))  # 30 June
    edge = place(cast, [(cast.device, 3), (cast.licence, 2)])
    backdate(edge, dt.datetime.combine(fy.start, dt.time(0, 0), tzinfo=tz))                           # 1 July
    cancelled = place(cast, [(cast.device, 600)], district="b")
    order_cancel(order=cancelled, reason="Budget cut", actor=cast.actor(cast.buyer_b))
    assert MonthRollup.objects.filter(fiscal_year=fy.ends_in - 1).exists()
    assert_same_savings()
    assert_same_spend(cast)
    assert check().ok


def test_check_lists_a_wrong_bucket_and_rebuild_rewrites_it(cast, joined):
    place(cast, [(cast.device, 10)])
    row = MonthRollup.objects.get()
    MonthRollup.objects.filter(pk=row.pk).update(spend=Decimal("1.00"))
    MonthRollup.objects.create(month=row.month.replace(year=row.month.year - 3), fiscal_year=row.fiscal_year - 3,
                               district_id=row.district_id, state=row.state, agreement_id=row.agreement_id,
                               vendor_id=row.vendor_id, category_id=row.category_id, vs_list=0, vs_alone=0)
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("rollup", "check", stdout=out)
    assert "differs (spend)" in out.getvalue() and "should not be there" in out.getvalue()
    assert "2 district-month buckets" in out.getvalue()
    assert MonthRollup.objects.get(pk=row.pk).spend == Decimal("1.00")  # check changes nothing
    call_command("rollup", "rebuild", stdout=io.StringIO())
    assert check().ok and MonthRollup.objects.count() == 1
    call_command("rollup", "check", stdout=io.StringIO())  # passes: no exception


def test_rollup_check_and_rebuild_go_one_fiscal_year_at_a_time(cast, joined, monkeypatch):
    from analytics import rollup
    from analytics.management.commands.rollup import parse_fiscal_year

    tz = ZoneInfo(settings.TIME_ZONE)
    fy = FiscalYear.of(clock.today())
    place(cast, [(cast.device, 10)])
    old = place(cast, [(cast.licence, 4)], district="b")
    backdate(old, dt.datetime.combine(fy.start - dt.timedelta(days=1), dt.time(12, 0), tzinfo=tz))  # 30 June
    assert rollup.check().ok
    now_row = MonthRollup.objects.get(fiscal_year=fy.ends_in)
    old_row = MonthRollup.objects.get(fiscal_year=fy.ends_in - 1)
    MonthRollup.objects.filter(pk__in=[now_row.pk, old_row.pk]).update(spend=Decimal("1.00"))
    label = f"{fy.ends_in - 2}-{str(fy.ends_in - 1)[-2:]}"  # the previous fiscal year, as "2025-26"
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("rollup", "check", "--fiscal-year", label, stdout=out)
    assert "1 differing rows in 1 district-month buckets" in out.getvalue()
    call_command("rollup", "rebuild", "--fiscal-year", label, stdout=io.StringIO())
    assert MonthRollup.objects.get(pk=now_row.pk).spend == Decimal("1.00")  # the other year is untouched
    assert rollup.check(fiscal_year=fy.previous()).ok and not rollup.check().ok
    # Each year in its own transaction: a failure in one year keeps the years already rewritten.
    MonthRollup.objects.filter(pk__in=[now_row.pk, old_row.pk]).update(spend=Decimal("1.00"))
    real_write = rollup._write

    def failing(buckets, rows):
        if any(month >= fy.start for _, month in buckets):
            raise RuntimeError("crash in the current year")
        real_write(buckets, rows)

    monkeypatch.setattr(rollup, "_write", failing)
    with pytest.raises(RuntimeError):
        rollup.check(repair=True)
    assert rollup.check(fiscal_year=fy.previous()).ok and not rollup.check(fiscal_year=fy).ok
    monkeypatch.setattr(rollup, "_write", real_write)
    out = io.StringIO()
    call_command("rollup", "rebuild", stdout=out)
    assert f"{fy.label}: " in out.getvalue() and f"{fy.previous().label}: " in out.getvalue()
    assert rollup.check().ok and rollup.check().rows == 2
    # The ways to name a year, and what is refused.
    assert parse_fiscal_year(str(fy.ends_in)) == parse_fiscal_year(f"FY {fy.ends_in - 1}-{fy.ends_in}") == fy
    for bad in ("2025-27", "20x6", "2026\x00", "", "-26", "99999", "2025-2025", "1800"):
        with pytest.raises(CommandError):
            parse_fiscal_year(bad)


@pytest.mark.postgres
@pytest.mark.parametrize(("rounds", "back", "expected"), [
    (1, 0, {(0, 0): 2, (1, 0): 2}),
    (2, 1, {(0, 0): 1, (-1, 0): 1, (0, 1): 1, (-1, 1): 1}),  # copies moved back a month, districts remapped
])
def test_the_benchs_shifted_rollup_equals_the_rollup_of_its_copies(cast, joined, rounds, back, expected):
    """`edpool bench rollup` builds the rollup of its copies from the seed's, shifted: it must be
    what `edpool rollup check` computes from the copied lines (and the check must be able to fail)."""
    from django.db import connection

    from bench.rollup_data import _multiply, _shifted_rollup, _shifts
    from conftest import require_or_skip

    require_or_skip(connection.vendor == "postgresql", "PostgreSQL (set DATABASE_URL=postgres://...)")
    place(cast, [(cast.device, 800), (cast.licence, 50)])
    place(cast, [(cast.device, 400)], district="b")  # a true-up for the first order
    assert check().ok
    seed_lines = Order.objects.aggregate(n=Count("lines"))["n"]
    shifts = _shifts(3, 2, rounds, back)
    assert shifts == expected
    _shifted_rollup(shifts)
    with connection.cursor() as cursor:  # (the test's transaction: fire the deferred FK checks before ALTER TABLE)
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    _multiply(3, 2, 2, rounds, back)
    assert Order.objects.aggregate(n=Count("lines"))["n"] == 4 * seed_lines
    seed_order = Order.objects.order_by("pk").first()
    moved = Order.objects.get(number=f"{seed_order.number}-2")  # copy 2: round 1 when rounds = 2
    assert (moved.district_id != seed_order.district_id) == (rounds > 1)
    assert check().ok
    assert MonthRollup.objects.aggregate(n=Sum("s_lines"))["n"] == 4 * seed_lines
    MonthRollup.objects.filter(pk=MonthRollup.objects.first().pk).update(units=10**6)
    assert not check().ok


def test_the_consortium_months_move_by_the_difference_of_the_rows_rewritten(cast, joined):
    """analytics.rollup_totals.update_totals: a key's row moves by what the rewritten monthly rows
    changed; it goes when no district's row has the key any more; a prior-price figure that may have
    become unknown again is summed afresh. Checked against the sums (check_totals) each time."""
    from analytics.models import MonthRollupTotal
    from analytics.rollup_totals import add_rows, check_totals, rebuild_totals, sums_by_key, update_totals

    fy = FiscalYear.of(clock.today())
    month, agreement = fy.start, cast.agreement
    key = dict(month=month, fiscal_year=fy.ends_in, agreement_id=agreement.pk, vendor_id=agreement.vendor_id,
               category_id=cast.device.category_id)

    def row(district, **figures):
        return MonthRollup.objects.create(district_id=district.pk, state=district.state, **key,
                                          **{"vs_list": 0, "vs_alone": 0, **figures})

    def rewrite(district, **figures):
        """Replace the district's row of the key (none: remove it), as refresh_buckets does."""
        rows = MonthRollup.objects.filter(district_id=district.pk, month=month)
        before = sums_by_key({}, rows)
        rows.delete()
        after = [] if figures.get("gone") else [row(district, **figures)]
        update_totals(before, add_rows({}, [{f.name if not f.is_relation else f.attname: getattr(r, f.attname)
                                             for f in MonthRollup._meta.concrete_fields} for r in after]))
        assert check_totals(fy.ends_in) == []

    row(cast.district_a, spend=Decimal("100.00"), lines=2, vs_prior=Decimal("5.00"), prior_value=Decimal("50.00"))
    row(cast.district_b, spend=Decimal("40.00"), lines=1)
    rebuild_totals()
    assert check_totals(fy.ends_in) == []
    rewrite(cast.district_b, spend=Decimal("45.50"), lines=2, vs_prior=Decimal("1.25"), prior_value=Decimal("9.00"))
    total = MonthRollupTotal.objects.get()
    assert (total.spend, total.lines, total.vs_prior) == (Decimal("145.50"), 4, Decimal("6.25"))
    rewrite(cast.district_a, spend=Decimal("10.00"), lines=1)  # A's known prior price goes: summed afresh
    assert MonthRollupTotal.objects.get().vs_prior == Decimal("1.25")
    rewrite(cast.district_b, spend=Decimal("45.50"), lines=2)  # and B's: unknown again, not $0
    assert MonthRollupTotal.objects.get().vs_prior is None
    rewrite(cast.district_b, gone=True)  # A still has the key
    assert MonthRollupTotal.objects.get().spend == Decimal("10.00")
    rewrite(cast.district_a, gone=True)  # nobody has: the row goes
    assert not MonthRollupTotal.objects.exists()
    rewrite(cast.district_a, spend=Decimal("7.00"), lines=1)  # a new key: a new row
    assert MonthRollupTotal.objects.get().spend == Decimal("7.00")
