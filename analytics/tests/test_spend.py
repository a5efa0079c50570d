"""Spend by category, vendor, month and state; concentration; per student; who sees what; exports; API."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from analytics.spend import hhi, hhi_level, share_percent, spend_report
from analytics.spend_exports import CURRENCY
from core.clock import today as clock_today
from core.fiscal import FiscalYear
from orders.models import Order
from orders.services import order_cancel, order_create, order_submit
from tests.chart_pages import chart_on, has_chart
from tests.helpers import login, token

pytestmark = pytest.mark.django_db


def place(cast, quantity, district="a"):
    buyer = cast.buyer_a if district == "a" else cast.buyer_b
    d = cast.district_a if district == "a" else cast.district_b
    order = order_create(district=d, agreement=cast.agreement, lines=[(cast.device, quantity)],
                         actor=cast.actor(buyer))
    return order_submit(order=order, actor=cast.actor(buyer))


@pytest.fixture
def bought(cast, joined, clock):
    """A: 800 devices at $300.00 ($240,000.00); a cancelled order and a draft that do not count;
    B: 400 at $290.00 ($116,000.00): the volume crosses 1,000, A earns (300 - 290) x 800 = $8,000."""
    place(cast, 800)
    cancelled = place(cast, 10)
    order_cancel(order=cancelled, reason="duplicate", actor=cast.actor(cast.buyer_a))
    place(cast, 400, district="b")
    order_create(district=cast.district_a, agreement=cast.agreement, lines=[(cast.device, 5)],
                 actor=cast.actor(cast.buyer_a))
    return cast


def test_hhi_and_shares_are_exact_and_rounded_half_up():
    assert hhi([Decimal(100)]) == 10000
    assert hhi([Decimal(1), Decimal(1)]) == 5000
    assert hhi([Decimal(95), Decimal(5)]) == 9050
    assert hhi([Decimal(1)] * 3) == 3333  # 3 x 33.33...^2 = 3,333.33
    assert hhi([]) == 0 and hhi([Decimal(0)]) == 0
    assert [hhi_level(n) for n in (999, 1000, 1800, 1801)] == [
        "unconcentrated", "moderately concentrated", "moderately concentrated", "highly concentrated"]
    assert share_percent(Decimal(1), Decimal(3)) == Decimal("33.3")
    assert share_percent(Decimal("0.0005"), Decimal(1)) == Decimal("0.1")  # 0.05% -> half up
    assert share_percent(Decimal(5), Decimal(0)) == Decimal("0.0")


def test_staff_see_counted_spend_by_every_dimension(bought, clock):
    cast = bought
    r = spend_report(actor=cast.actor(cast.staff))
    assert r.scope == "consortium"
    assert r.total == Decimal("356000.00")   # 240,000 + 116,000: not the cancelled order nor the draft
    assert r.orders == 2 and r.units == 1200 and r.buying_districts == 2
    assert r.earned == Decimal("8000.00")
    assert r.total == sum(Order.objects.filter(state="submitted").values_list("total", flat=True), Decimal(0))
    assert [(x.label, x.spend, x.share) for x in r.by_vendor] == [
        (cast.vendor_a.legal_name, Decimal("356000.00"), Decimal("100.0"))]
    assert [(x.label, x.spend) for x in r.by_state] == [(cast.district_a.state, Decimal("356000.00"))]
    assert len(r.by_month) == 12 and sum(x.spend for x in r.by_month) == r.total
    this_month = next(x for x in r.by_month if x.spend)
    assert this_month.key == clock.today().replace(day=1) and this_month.earned == Decimal("8000.00")
    [c] = r.concentration
    assert (c.vendors, c.top_share, c.hhi, c.level) == (1, Decimal("100.0"), 10000, "highly concentrated")
    assert "had all of the" in c.words
    by_district = {d.district_id: d for d in r.districts}
    a = by_district[cast.district_a.pk]
    assert a.spend == Decimal("240000.00") and a.students == cast.district_a.enrollment
    assert a.per_student == (Decimal("240000.00") / cast.district_a.enrollment).quantize(Decimal("0.01"))
    assert r.per_student.students > 0 and r.per_student.value is not None


def test_a_quote_credit_is_taken_off_spend(cast, awarded, agreements, general_offer, clock):
    """District A joined after vendor A quoted $2,900.00 for 10 devices, below the schedule's $3,000.00."""
    from contracts.selectors.agreements import current_schedule
    from tests.fixtures.orders import join

    cast.agreement = agreements[cast.vendor_a.pk]
    join(cast, cast.district_a, cast.buyer_a, cast.agreement, awarded, quote_total=Decimal("2900.00"))
    cast.device = next(e.product for e in current_schedule(cast.agreement).entries.select_related("product")
                       if e.line_reference == "CB")
    order = order_create(district=cast.district_a, agreement=cast.agreement, lines=[(cast.device, 10)],
                         actor=cast.actor(cast.buyer_a))
    order = order_submit(order=order, actor=cast.actor(cast.buyer_a))
    assert order.quote_credit > 0
    r = spend_report(actor=cast.actor(cast.staff))
    assert r.total == order.total == Decimal("2900.00")


def test_fiscal_years_split_by_the_priced_day(bought, clock):
    cast = bought
    this = FiscalYear.of(clock.today())
    assert spend_report(actor=cast.actor(cast.staff), fiscal_year=this.previous().ends_in).total == 0
    assert spend_report(actor=cast.actor(cast.staff), fiscal_year=this.ends_in).total == Decimal("356000.00")
    with pytest.raises(ValidationError):
        spend_report(actor=cast.actor(cast.staff), fiscal_year="20x7")


def test_a_district_sees_its_own_figures_and_no_one_elses(bought):
    cast = bought
    r = spend_report(actor=cast.actor(cast.buyer_a))
    assert r.scope == "district" and r.total == Decimal("240000.00") and r.earned == Decimal("8000.00")
    assert r.districts == [] and r.by_state == [] and r.concentration == []
    assert r.per_student.students == cast.district_a.enrollment
    # Only two members bought: the consortium's totals would reveal B's spend.
    assert r.consortium.shown is False and r.consortium.total == 0
    b = spend_report(actor=cast.actor(cast.approver_b))
    assert b.total == Decimal("116000.00") and b.earned == 0
    with pytest.raises(PermissionDenied):
        spend_report(actor=cast.actor(cast.buyer_a), district_id=cast.district_b.pk)
    with pytest.raises(PermissionDenied):
        spend_report(actor=cast.actor(cast.buyer_a), state="NY" if cast.district_a.state != "NY" else "TX")
    assert spend_report(actor=cast.actor(cast.buyer_a), district_id=cast.district_a.pk).total == Decimal("240000.00")
    for user in (cast.vendor_user_a, cast.evaluator):
        with pytest.raises(PermissionDenied):
            spend_report(actor=cast.actor(user))
    with pytest.raises(PermissionDenied):
        spend_report(actor=None)


def test_unknown_filters_are_refused_by_name(bought):
    cast = bought
    with pytest.raises(ValidationError) as exc:
        spend_report(actor=cast.actor(cast.staff), category_id=999999, vendor_id=999999, district_id=999999,
                     state="C1")
    assert set(exc.value.message_dict) == {"category", "vendor", "district", "state"}


def test_the_page_shows_charts_tables_and_the_method(client, bought):
    cast = bought
    login(client, cast.staff)
    response = client.get("/analytics/spend/")
    assert response.status_code == 200
    page = response.content.decode()
    for key in ("spend-month", "spend-category", "spend-vendor", "spend-state", "spend-concentration"):
        assert has_chart(page, key), key
    vendor = chart_on(page, "spend-vendor")
    assert vendor.rows == [[cast.vendor_a.legal_name, "$356,000.00"]]
    assert "How these figures are counted" in page and "ROUND_HALF_UP" in page
    assert cast.district_b.name in page  # staff see every member
    # one district chosen: the page names it, and the downloads keep the filters (found by a review:
    # the links once carried a Python dict and the file was the whole consortium's)
    fy = FiscalYear.of(clock_today()).ends_in
    one = client.get(f"/analytics/spend/?fy={fy}&district={cast.district_b.pk}").content.decode()
    assert f"{cast.district_b.name} spent" in one and "The consortium spent" not in one
    assert f'/analytics/spend.csv?fy={fy}&amp;district={cast.district_b.pk}"' in one
    assert f'/analytics/spend.xlsx?fy={fy}&amp;district={cast.district_b.pk}"' in one
    login(client, cast.buyer_a)
    page = client.get("/analytics/spend/").content.decode()
    assert "$240,000.00" in page and "$356,000.00" not in page and "$116,000.00" not in page
    assert cast.district_b.name not in page
    assert client.get(f"/analytics/spend/?district={cast.district_b.pk}").status_code == 403
    login(client, cast.vendor_user_a)
    assert client.get("/analytics/spend/").status_code == 403


@pytest.mark.parametrize("query", ["fy=abc", "fy=99999", "state=C%00", "state=California", "category=-1",
                                   "vendor=99999999999999999999999", "district=0x10",
                                   "district=99999999999999999999999", "category=999999"])
def test_hostile_filters_get_a_clear_error(client, bought, query):
    login(client, bought.staff)
    response = client.get(f"/analytics/spend/?{query}")
    assert response.status_code == 400
    if "%00" not in query:  # NUL bytes are refused for the whole site before the view (core.middleware)
        assert "There is a problem with the filters" in response.content.decode()
    assert client.get(f"/analytics/spend.csv?{query}").status_code == 400


def test_csv_and_xlsx_keep_money_exact(client, bought):
    from openpyxl import load_workbook

    login(client, bought.staff)
    response = client.get("/analytics/spend.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert ["spend", "356000.00"] in rows
    response = client.get("/analytics/spend.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert {"Summary", "By category", "By vendor", "By month", "By state", "Concentration",
            "Per student"} <= set(book.sheetnames)
    cell = book["By vendor"]["B2"]
    assert cell.value == 356000 and cell.number_format == CURRENCY
    login(client, bought.buyer_a)
    book = load_workbook(io.BytesIO(client.get("/analytics/spend.xlsx").content))
    assert "Per student" not in book.sheetnames and "By state" not in book.sheetnames
    assert client.get(f"/analytics/spend.xlsx?district={bought.district_b.pk}").status_code == 403


def test_the_api(client, bought):
    cast = bought
    response = client.get("/api/v1/analytics/spend", **token(cast.staff))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["spend"] == "356000.00" and body["rebates_earned"] == "8000.00" and body["scope"] == "consortium"
    assert body["concentration"][0]["hhi"] == 10000 and len(body["by_month"]) == 12
    response = client.get("/api/v1/analytics/spend", **token(cast.buyer_a))
    assert response.status_code == 200 and response.json()["spend"] == "240000.00"
    assert response.json()["consortium"]["shown"] is False and response.json()["districts"] == []
    assert client.get(f"/api/v1/analytics/spend?district={cast.district_b.pk}",
                      **token(cast.buyer_a)).status_code == 403
    assert client.get("/api/v1/analytics/spend?category=999999", **token(cast.staff)).status_code == 422
    assert client.get("/api/v1/analytics/spend?fy=123", **token(cast.staff)).status_code == 422
    assert client.get("/api/v1/analytics/spend?state=CAL", **token(cast.staff)).status_code == 422
    assert client.get("/api/v1/analytics/spend", **token(cast.vendor_user_a)).status_code == 403
    assert client.get("/api/v1/analytics/spend").status_code == 401


def test_a_district_sees_consortium_totals_only_where_no_member_can_be_singled_out(bought, clock):
    """A third district buys: the consortium's totals appear for district users, but the top
    vendor's exact share stays back while a vendor sold to fewer than three members."""
    from accounts.services import role_assign
    from tests.cast import _active_membership, _district, _user
    from tests.fixtures.orders import join

    cast = bought
    third = _district("Third Unified", "0199999", 5000)
    _active_membership(third, clock.today())
    user = _user("buyer-third@example.org", "Third Buyer")
    role_assign(user=user, organisation=third.organisation, role="district_buyer", actor=cast.actor(cast.staff))
    join(cast, third, user, cast.agreement, cast.agreement.solicitation)
    third.approval_limit = Decimal("10000000.00")
    third.save(update_fields=["approval_limit"])
    buyer = cast.actor(user)
    order = order_create(district=third, agreement=cast.agreement, lines=[(cast.device, 10)], actor=buyer)
    order_submit(order=order, actor=buyer)

    r = spend_report(actor=cast.actor(cast.buyer_a))
    c = r.consortium
    assert c.shown and c.districts == 3 and c.total == Decimal("358900.00")  # + 10 x $290.00
    assert [line.label for line in c.by_category] == [cast.device.category.name]
    [k] = c.concentration
    assert k.vendors == 1 and k.hhi is not None  # vendor A sold to all three: nothing to single out
    assert r.districts == [] and r.by_state == []
    # The consortium's figures are the same whatever the district user's filters: filtered totals
    # could be subtracted from one another (a category's total less the same category with one
    # vendor) to single out a member (found by a review).
    device_category = cast.device.category_id
    for kwargs in ({"category_id": device_category}, {"vendor_id": cast.vendor_b.pk},
                   {"category_id": device_category, "vendor_id": cast.vendor_a.pk}):
        filtered = spend_report(actor=cast.actor(cast.buyer_a), **kwargs).consortium
        assert (filtered.total, filtered.districts, filtered.by_category) == (c.total, c.districts, c.by_category)


def test_the_fiscal_year_turns_at_local_midnight(cast, joined, clock):
    """An order priced at 23:59:59 on 30 June (Pacific) is in the year ending then; one priced a
    second later is in the next, whatever the UTC date."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    from django.conf import settings

    tz = ZoneInfo(settings.TIME_ZONE)
    year = FiscalYear.of(clock.today()).ends_in + 1
    clock.set(dt.datetime(year, 6, 30, 23, 59, 59, tzinfo=tz))
    place(cast, 1)
    clock.set(dt.datetime(year, 7, 1, 0, 0, 0, tzinfo=tz))
    place(cast, 2)
    staff = cast.actor(cast.staff)
    assert spend_report(actor=staff, fiscal_year=year).total == Decimal("300.00")
    assert spend_report(actor=staff, fiscal_year=year + 1).total == Decimal("600.00")
    june = spend_report(actor=staff, fiscal_year=year).by_month[-1]
    assert june.key == dt.date(year, 6, 1) and june.spend == Decimal("300.00")


def test_staff_choose_a_member_district_by_typing_its_name(client, bought):
    """The staff's district filter is a search field (13,000 members at the national shape): a
    unique match is taken, an ambiguous or unknown one is a clear error, a link's id still works."""
    cast = bought
    login(client, cast.staff)
    page = client.get("/analytics/spend/").content.decode()
    assert 'type="search" name="district"' in page and '<select id="district"' not in page
    typed = client.get("/analytics/spend/", {"district": cast.district_b.name})
    assert typed.status_code == 200 and f"{cast.district_b.name} spent" in typed.content.decode()
    assert cast.district_b.name in typed.content.decode().split('name="district"')[1][:400]  # shown as chosen
    unknown = client.get("/analytics/spend/", {"district": "Nowhere Unified"})
    assert unknown.status_code == 400 and "No district matches" in unknown.content.decode()
    assert client.get("/analytics/spend.csv", {"district": "Nowhere Unified"}).status_code == 400
    long = client.get("/analytics/spend/", {"district": "a" * 100_000})  # refused before any search
    assert long.status_code == 400 and "Type at most 200 characters" in long.content.decode()
