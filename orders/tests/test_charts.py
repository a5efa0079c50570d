"""The district's orders page draws its spend by vendor and by month (orders that count only) and
its rebates earned against settled."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from orders.charts import _month_starts
from orders.services import order_cancel, order_create, order_submit, settlement_record
from tests.chart_pages import chart_on, has_chart
from tests.helpers import login


def place(cast, quantity, district="a"):
    buyer = cast.buyer_a if district == "a" else cast.buyer_b
    d = cast.district_a if district == "a" else cast.district_b
    order = order_create(district=d, agreement=cast.agreement, lines=[(cast.device, quantity)],
                         actor=cast.actor(buyer))
    return order_submit(order=order, actor=cast.actor(buyer))


def test_spend_and_rebates_on_the_district_orders_page(client, cast, joined, clock):
    login(client, cast.buyer_a)
    page = client.get("/my/orders/").content.decode()
    assert not has_chart(page, "spend-vendor") and not has_chart(page, "rebates")  # nothing yet

    place(cast, 800)                                   # $300.00 x 800 = $240,000.00
    cancelled = place(cast, 10)                        # cancelled: does not count
    order_cancel(order=cancelled, reason="duplicate", actor=cast.actor(cast.buyer_a))
    place(cast, 400, district="b")                     # volume 1,200: A earns (300 - 290) x 800
    draft = order_create(district=cast.district_a, agreement=cast.agreement, lines=[(cast.device, 5)],
                         actor=cast.actor(cast.buyer_a))  # a draft: does not count
    assert draft.state == "draft"
    settlement_record(agreement=cast.agreement, district=cast.district_a, amount="3000.00",
                      method="credit_note", reference="CN-1", actor=cast.actor(cast.vendor_user_a))
    page = client.get("/my/orders/").content.decode()
    name, vendor = cast.district_a.name, cast.vendor_a.legal_name

    by_vendor = chart_on(page, "spend-vendor")
    assert by_vendor.summary == f"{name} has spent $240,000.00, all with {vendor}."
    assert by_vendor.headers == ["Vendor", "Spend"] and by_vendor.rows == [[vendor, "$240,000.00"]]
    assert "$240,000.00" in by_vendor.texts

    today = clock.today()
    by_month = chart_on(page, "spend-month")
    assert by_month.summary == (f"{name} spent $240,000.00 in the last 12 months; the most in "
                                f"{today:%B} {today.year}, $240,000.00.")
    assert by_month.headers == ["Month", "Spend"] and len(by_month.rows) == 12
    assert by_month.rows[-1] == [f"{today:%b} {today:%y}", "$240,000.00"]
    assert all(row[1] == "$0.00" for row in by_month.rows[:-1])

    rebates = chart_on(page, "rebates")
    assert rebates.summary == f"$8,000.00 in rebates earned, $3,000.00 settled: $5,000.00 still owed to {name}."
    assert rebates.headers == ["Agreement", "Earned", "Settled"]
    assert rebates.rows == [[cast.agreement.number, "$8,000.00", "$3,000.00"]]
    earned, settled = rebates.bars("height")
    assert earned == pytest.approx(settled * 8 / 3, abs=0.5)  # drawn to scale, side by side


def test_the_last_twelve_months_cross_the_new_year():
    starts = _month_starts(dt.date(2026, 3, 15), 12)
    assert starts[0] == dt.date(2025, 4, 1) and starts[-1] == dt.date(2026, 3, 1) and len(set(starts)) == 12


def test_spend_by_month_leaves_out_older_orders():
    from orders.charts import spend_by_month_chart

    spend = [("V", dt.date(2025, 1, 31), Decimal("5.00")), ("V", dt.date(2026, 2, 1), Decimal("7.00"))]
    chart = spend_by_month_chart(spend, who="D", today=dt.date(2026, 3, 1))
    assert chart.rows[-2] == ("Feb 26", "$7.00") and "spent $7.00 in the last 12 months" in chart.summary
    assert spend_by_month_chart(spend[:1], who="D", today=dt.date(2026, 3, 1)) is None


def test_spend_by_vendor_names_the_largest_share():
    from orders.charts import spend_by_vendor_chart

    day = dt.date(2026, 3, 1)
    chart = spend_by_vendor_chart([("Small", day, Decimal("250.00")), ("Big", day, Decimal("600.00")),
                                   ("Big", day, Decimal("150.00"))], who="D")
    assert chart.summary == "D has spent $1,000.00 with 2 vendors; the most with Big, $750.00 (75%)."
    assert chart.rows == (("Big", "$750.00"), ("Small", "$250.00"))
    assert spend_by_vendor_chart([], who="D") is None
