"""Submitting a report and reconciling it with the quarter's orders: match, reported but not
ordered, ordered but not reported, price and quantity mismatches, order-number matching, the
schedule-price check, and what is outside the quarter."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from orders.services import order_cancel
from reports.models import ReconciliationItem, SalesReport
from reports.services import sales_report_submit
from reports.tests.conftest import after, line, place

K = ReconciliationItem.Kind


def submit(cast, quarter, lines, user=None):
    return sales_report_submit(agreement=cast.agreement, quarter=quarter, lines=lines,
                               actor=cast.actor(user or cast.vendor_user_a))


def findings(report) -> list[tuple]:
    return sorted((i.kind, i.district.name, i.product.name.split()[-1], i.reported_quantity, i.ordered_quantity)
                  for i in report.items.filter(version__number=report.current_version))


def kinds(report) -> dict[str, int]:
    out: dict[str, int] = {}
    for item in report.items.filter(version__number=report.current_version):
        out[item.kind] = out.get(item.kind, 0) + 1
    return out


def test_everything_matches(cast, quarter, clock):
    place(cast, "a", [(cast.device, 10), (cast.licence, 100)])
    place(cast, "b", [(cast.device, 5)])
    after(clock, quarter)
    report = submit(cast, quarter, [
        line("Alpha Unified", cast.device.name, 6, "300.00", "1800.00"),   # one shipment ...
        line("CA-0100001", str(cast.device.pk), 4, "300.00", "1,200.00"),   # ... and the rest, by state id
        line(str(cast.district_a.pk), cast.licence.name, 100, "$30.00"),    # EdPool id, amount computed
        line("beta unified", cast.device.name.upper(), 5, "300"),           # names in any case
    ])
    assert kinds(report) == {K.MATCHED: 3}
    assert not report.items.filter(state="open").exists()
    version = report.current
    assert (version.line_count, version.total_quantity, version.total_amount) == (4, 115, Decimal("7500.00"))
    device_a = report.items.get(district=cast.district_a, product=cast.device)
    assert device_a.report_lines == "1, 2" and device_a.reported_amount == device_a.ordered_amount == Decimal("3000.00")


def test_reported_but_not_ordered(cast, quarter, clock):
    after(clock, quarter)
    report = submit(cast, quarter, [line("Beta Unified", cast.device.name, 2, "300.00", "600.00")])
    assert findings(report) == [(K.REPORTED_NOT_ORDERED, "Beta Unified", "11", 2, 0)]
    item = report.items.get()
    assert item.state == "open" and "no matching order" in item.detail


def test_reported_not_ordered_above_the_schedule_price_is_also_a_price_mismatch(cast, quarter, clock):
    after(clock, quarter)
    report = submit(cast, quarter, [line("Beta Unified", cast.device.name, 2, "300.01"),
                                    line("Beta Unified", cast.device.name, 1, "250.00")])
    assert kinds(report) == {K.REPORTED_NOT_ORDERED: 1, K.PRICE_MISMATCH: 1}
    price = report.items.get(kind=K.PRICE_MISMATCH)
    assert (price.report_lines, price.reported_unit_price, price.expected_unit_price) == (
        "1", Decimal("300.01"), Decimal("300.00"))


def test_ordered_but_not_reported(cast, quarter, clock):
    a = place(cast, "a", [(cast.device, 10)])
    b = place(cast, "b", [(cast.licence, 7)])
    after(clock, quarter)
    report = submit(cast, quarter, [line("Alpha Unified", cast.device.name, 10, "300.00")])
    assert findings(report) == [(K.MATCHED, "Alpha Unified", "11", 10, 10),
                                (K.ORDERED_NOT_REPORTED, "Beta Unified", "Management", 0, 7)]
    missing = report.items.get(kind=K.ORDERED_NOT_REPORTED)
    assert missing.order_numbers == b.number and missing.ordered_amount == Decimal("210.00")
    assert a.number not in missing.order_numbers


def test_price_mismatch_against_the_order_price(cast, quarter, clock):
    place(cast, "a", [(cast.device, 10)])
    after(clock, quarter)
    report = submit(cast, quarter, [line("Alpha Unified", cast.device.name, 10, "295.00", "2950.00")])
    item = report.items.get()
    assert item.kind == K.PRICE_MISMATCH and item.state == "open"
    assert (item.reported_amount, item.ordered_amount, item.expected_unit_price) == (
        Decimal("2950.00"), Decimal("3000.00"), Decimal("300.00"))


def test_quantity_mismatch(cast, quarter, clock):
    place(cast, "a", [(cast.device, 10)])
    after(clock, quarter)
    report = submit(cast, quarter, [line("Alpha Unified", cast.device.name, 12, "300.00")])
    assert findings(report) == [(K.QUANTITY_MISMATCH, "Alpha Unified", "11", 12, 10)]


def test_order_numbers_match_order_by_order(cast, quarter, clock):
    first = place(cast, "a", [(cast.device, 10)])
    second = place(cast, "a", [(cast.device, 20)])
    after(clock, quarter)
    report = submit(cast, quarter, [
        line("Alpha Unified", cast.device.name, 10, "300.00", order_number=first.number),
        line("Alpha Unified", cast.device.name, 19, "300.00", order_number=second.number.lower()),
    ])
    items = {i.order_id: i for i in report.items.all()}
    assert items[first.pk].kind == K.MATCHED
    assert items[second.pk].kind == K.QUANTITY_MISMATCH and items[second.pk].ordered_quantity == 20
    # Without the numbers the quarter's lines are summed: one mismatch of 29 against 30.
    report = submit(cast, quarter, [line("Alpha Unified", cast.device.name, 10, "300.00"),
                                    line("Alpha Unified", cast.device.name, 19, "300.00")])
    assert findings(report) == [(K.QUANTITY_MISMATCH, "Alpha Unified", "11", 29, 30)]


def test_an_unknown_order_number_falls_back_to_district_and_product(cast, quarter, clock):
    order = place(cast, "a", [(cast.device, 10)])
    after(clock, quarter)
    report = submit(cast, quarter, [line("Alpha Unified", cast.device.name, 10, "300.00", order_number="PO-TYPO")])
    item = report.items.get()
    assert item.kind == K.MATCHED and item.order_numbers == order.number and "PO-TYPO" in item.detail


def test_an_order_number_of_another_district_does_not_match(cast, quarter, clock):
    order = place(cast, "a", [(cast.device, 10)])
    after(clock, quarter)
    report = submit(cast, quarter, [line("Beta Unified", cast.device.name, 10, "300.00", order_number=order.number)])
    assert kinds(report) == {K.REPORTED_NOT_ORDERED: 1, K.ORDERED_NOT_REPORTED: 1}


def test_cancelled_orders_and_other_quarters_are_left_out(cast, quarter, clock):
    cancelled = place(cast, "a", [(cast.device, 10)])
    order_cancel(order=cancelled, reason="Changed plans", actor=cast.actor(cast.buyer_a))
    after(clock, quarter)
    place(cast, "b", [(cast.device, 3)])  # the next quarter
    after(clock, quarter, days=2)
    report = submit(cast, quarter, [])
    assert report.current.line_count == 0 and not report.items.exists()  # a report of no sales


def test_only_the_agreements_vendor_reports(cast, quarter, clock):
    after(clock, quarter)
    for user in (cast.vendor_user_b, cast.staff, cast.buyer_a):
        with pytest.raises(PermissionDenied):
            submit(cast, quarter, [], user=user)
    assert not SalesReport.objects.exists()


def test_a_quarter_is_reported_after_it_ends_and_within_the_term(cast, quarter, clock):
    with pytest.raises(ValidationError) as exc:
        submit(cast, quarter, [])
    assert "report it from the day after" in str(exc.value)
    after(clock, quarter)
    with pytest.raises(ValidationError) as exc:
        submit(cast, quarter.previous(), [])
    assert "not in" in str(exc.value)
    assert not SalesReport.objects.exists()


def test_line_errors_are_named_and_nothing_is_saved(cast, quarter, clock):
    after(clock, quarter)
    with pytest.raises(ValidationError) as exc:
        submit(cast, quarter, [
            line("Alpha Unified", cast.device.name, 10, "300.00"),
            line("Nowhere Unified", "Not a product", 0, "abc"),
            line("Alpha Unified", cast.device.name, 3, "300.00", "899.00"),
            line("Alpha Unified", cast.device.name, 3, "300.001"),
        ])
    errors = exc.value.message_dict
    assert set(errors) == {"lines[2].district", "lines[2].product", "lines[2].quantity", "lines[2].unit_price",
                           "lines[3].amount", "lines[4].unit_price"}
    assert "3 x $300.00 = $900.00" in errors["lines[3].amount"][0]
    assert not SalesReport.objects.exists()


def test_a_district_named_twice_must_be_named_by_its_id(cast, quarter, clock):
    from members.services import DistrictRecord, district_upsert
    from tests.cast import SYSTEM

    district_upsert(record=DistrictRecord(name="Alpha Unified", state="OR", state_leaid="OR-999"), actor=SYSTEM)
    after(clock, quarter)
    with pytest.raises(ValidationError) as exc:
        submit(cast, quarter, [line("Alpha Unified", cast.device.name, 1, "300.00")])
    assert "2 districts are named" in exc.value.message_dict["lines[1].district"][0]
    report = submit(cast, quarter, [line("CA-0100001", cast.device.name, 1, "300.00")])
    assert report.current.lines.get().district == cast.district_a


def test_the_schedule_check_uses_the_volume_when_the_quarter_began(cast, quarter, clock):
    """Orders in an earlier quarter moved the line to the second tier: a sale outside EdPool in
    the next quarter may cost at most the second tier's price."""
    place(cast, "a", [(cast.device, 1000)])
    next_quarter = quarter.next()
    after(clock, next_quarter)
    report = submit(cast, next_quarter, [line("Beta Unified", cast.device.name, 1, "300.00")])
    price = report.items.get(kind=K.PRICE_MISMATCH)
    assert price.expected_unit_price == Decimal("290.00")
    assert (clock.today() - next_quarter.end) == dt.timedelta(days=1)


def test_an_order_awaiting_its_approver_is_not_a_sale_yet(cast, quarter, clock):
    """Such an order is not priced (nothing counted): reconciling its quarter leaves it out rather
    than failing on its missing price, and reports it once approved."""
    from orders.services import order_approve
    from tests.fixtures.orders import low_limit

    low_limit(cast.district_a, "100.00")
    waiting = place(cast, "a", [(cast.device, 10)])
    assert waiting.state == "awaiting_approval"
    after(clock, quarter)
    report = submit(cast, quarter, [])
    assert report.current.line_count == 0 and not report.items.exists()
    order_approve(order=waiting, actor=cast.actor(cast.approver_a))
    report = submit(cast, quarter, [])
    assert kinds(report) == {K.ORDERED_NOT_REPORTED: 1}
