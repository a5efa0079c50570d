"""Tier selection at every boundary, true-up rebates across several crossings, cancellation
across a boundary, and the replay that must agree with the ledger."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from contracts.models import LineVolume
from orders.models import OrderLine, RebateEntry
from orders.selectors import rebate_statement, rebates_recompute
from orders.services import order_cancel, order_create, order_submit, settlement_record


def place(cast, quantity, district="a", product=None):
    buyer = cast.buyer_a if district == "a" else cast.buyer_b
    d = cast.district_a if district == "a" else cast.district_b
    order = order_create(district=d, agreement=cast.agreement, lines=[(product or cast.device, quantity)],
                         actor=cast.actor(buyer))
    return order_submit(order=order, actor=cast.actor(buyer))


def price(order) -> Decimal:
    return order.lines.get().unit_price


def owed(district) -> Decimal:
    rows = rebate_statement(district=district)
    return sum((r.outstanding for r in rows), Decimal(0))


@pytest.mark.parametrize("quantity, expected", [(1, "300.00"), (999, "300.00"), (1000, "290.00"),
                                                (4999, "290.00"), (5000, "280.00")])
def test_an_order_alone_is_priced_at_the_tier_it_reaches(cast, joined, quantity, expected):
    order = place(cast, quantity)
    assert price(order) == Decimal(expected)
    assert order.total == Decimal(expected) * quantity


def test_the_boundary_exactly_and_one_below(cast, joined):
    first = place(cast, 998)
    second = place(cast, 1, district="b")  # volume 999: still the first tier
    assert price(second) == Decimal("300.00") and not RebateEntry.objects.exists()
    third = place(cast, 1)                 # volume 1000: exactly the second tier
    assert price(third) == Decimal("290.00")
    credits = {e.order_line.order_id: e.amount for e in RebateEntry.objects.all()}
    assert credits == {first.pk: Decimal("9980.00"), second.pk: Decimal("10.00")}


def test_several_crossings_pay_the_difference_once(cast, joined):
    first = place(cast, 800)                                  # 300.00
    place(cast, 400, district="b")                            # volume 1200 -> 290: first owed 8,000
    assert owed(cast.district_a) == Decimal("8000.00")
    big = place(cast, 3800, district="b")                     # volume 5000 -> 280 for everyone
    assert price(big) == Decimal("280.00")
    # first: (300 - 280) x 800 = 16,000 in all; second (b, 400 at 290): 10 x 400 = 4,000.
    assert owed(cast.district_a) == Decimal("16000.00")
    assert owed(cast.district_b) == Decimal("4000.00")
    assert RebateEntry.objects.filter(order_line__order=first).count() == 2
    assert rebates_recompute().ok


def test_cancellation_across_a_boundary(cast, joined):
    place(cast, 600)                              # 300, owed 6,000 once B crosses the tier
    crossing = place(cast, 600, district="b")     # volume 1200 -> 290; early owed 6,000
    order_cancel(order=crossing, reason="Budget cut", actor=cast.actor(cast.buyer_b))
    assert LineVolume.objects.get(agreement=cast.agreement, line_reference="CB").quantity == 600
    # Policy: the earlier buyer keeps what it earned; the next order is priced at the tier the
    # volume is at now (600 + 100 = 700: the first tier again).
    assert owed(cast.district_a) == Decimal("6000.00")
    later = place(cast, 100, district="b")
    assert price(later) == Decimal("300.00")
    # A cancelled order's own true-ups are reversed: it paid nothing.
    again = place(cast, 500)                      # volume 1200 -> 290: later (b) owed 1,000, early no more
    assert owed(cast.district_b) == Decimal("1000.00")
    order_cancel(order=later, reason="Wrong product", actor=cast.actor(cast.buyer_b))
    assert owed(cast.district_b) == Decimal("0.00")
    assert RebateEntry.objects.filter(kind="reversal").count() == 1
    assert price(again) == Decimal("290.00")
    report = rebates_recompute()
    assert report.ok, report.differences
    call_command("rebates", "recompute", "--check")


def test_recompute_check_notices_a_tampered_ledger(cast, joined):
    place(cast, 800)
    place(cast, 400, district="b")
    RebateEntry.objects.filter(kind="true_up").update(amount=Decimal("1.00"))
    with pytest.raises(CommandError, match="differs"):
        call_command("rebates", "recompute", "--check")
    OrderLine.objects.filter(unit_price=Decimal("290.00")).update(unit_price=Decimal("289.00"))
    assert any("stored price" in d for d in rebates_recompute().differences)


def test_recompute_check_notices_an_order_whose_state_changed_without_its_events(cast, joined):
    from orders.models import Order, VolumeEvent

    counted = place(cast, 800)
    draft = order_create(district=cast.district_b, agreement=cast.agreement, lines=[(cast.device, 5)],
                         actor=cast.actor(cast.buyer_b))
    cancelled = place(cast, 50, district="b")
    order_cancel(order=cancelled, reason="Duplicate", actor=cast.actor(cast.buyer_b))
    assert rebates_recompute().ok, rebates_recompute().differences
    # Cancelled behind the ledger's back: no CANCEL event, so it still counts in the volume.
    Order.objects.filter(pk=counted.pk).update(state="cancelled")
    assert any(f"order {counted.pk} (cancelled)" in d for d in rebates_recompute().differences)
    Order.objects.filter(pk=counted.pk).update(state="submitted")
    # Placed without ever being priced into the volume.
    Order.objects.filter(pk=draft.pk).update(state="submitted", submitted_at=counted.submitted_at,
                                            priced_at=counted.submitted_at)
    differences = rebates_recompute().differences
    assert any(f"order {draft.pk} (submitted) line CB: volume events none" in d for d in differences)
    Order.objects.filter(pk=draft.pk).update(state="draft", submitted_at=None, priced_at=None)
    assert rebates_recompute().ok
    # An event whose quantity is not the order's.
    VolumeEvent.objects.filter(order=counted).update(delta=799)
    assert any("order +799" in d for d in rebates_recompute().differences)


def test_an_expired_agreement_takes_no_orders(cast, joined, clock):
    import datetime as dt

    clock.set(clock.now().replace(year=cast.agreement.end_date.year) + dt.timedelta(days=400))
    assert cast.agreement.effective_state() == "expired"
    with pytest.raises(ValidationError, match="not in force"):
        order_create(district=cast.district_a, agreement=cast.agreement, lines=[(cast.device, 1)],
                     actor=cast.actor(cast.buyer_a))


def test_refusals_with_reasons(cast, joined, agreements):
    other = agreements[cast.vendor_b.pk]
    with pytest.raises(ValidationError, match="has not joined"):
        order_create(district=cast.district_a, agreement=other, lines=[(cast.device, 1)], actor=cast.actor(cast.buyer_a))
    from tests.helpers import make_product
    stray = make_product(cast.vendor_a, "Not on the schedule")
    with pytest.raises(ValidationError) as exc:
        order_create(district=cast.district_a, agreement=cast.agreement, lines=[(stray, 1), (cast.device, 0)],
                     actor=cast.actor(cast.buyer_a))
    assert "lines[1].product" in exc.value.message_dict and "lines[2].quantity" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        order_create(district=cast.district_a, agreement=cast.agreement, lines=[(cast.device, 1)],
                     actor=cast.actor(cast.buyer_b))


def test_settlement_reduces_what_is_owed(cast, joined):
    place(cast, 800)
    place(cast, 400, district="b")
    with pytest.raises(ValidationError, match="Only \\$8,000.00 is owed"):
        settlement_record(agreement=cast.agreement, district=cast.district_a, amount="9000", method="credit_note",
                          reference="CN-1", actor=cast.actor(cast.vendor_user_a))
    with pytest.raises(PermissionDenied):
        settlement_record(agreement=cast.agreement, district=cast.district_a, amount="10", method="payment",
                          reference="x", actor=cast.actor(cast.buyer_a))
    settlement_record(agreement=cast.agreement, district=cast.district_a, amount="8000", method="credit_note",
                      reference="CN-1", actor=cast.actor(cast.vendor_user_a))
    assert owed(cast.district_a) == Decimal("0.00")
    assert rebate_statement(vendor=cast.vendor_a)[0].settled == Decimal("8000.00")
    assert rebates_recompute().ok


def test_a_number_taken_meanwhile_is_skipped(cast, joined):
    """Two drafts created at the same moment pick the same number; the second takes the next."""
    from django.utils import timezone

    from orders.models import Order
    from orders.services.drafts import _next_number

    taken = _next_number(cast.district_a)
    Order.objects.create(number=taken, district=cast.district_b, agreement=cast.agreement,
                         created_by=cast.buyer_b, created_at=timezone.now())
    order = order_create(district=cast.district_a, agreement=cast.agreement, lines=[(cast.device, 1)],
                         actor=cast.actor(cast.buyer_a))
    assert order.number != taken and order.number.startswith(taken.rsplit("-", 1)[0])


def test_recompute_check_notices_changed_billing_fields(cast, joined):
    """A line amount, an order total or a settlement changed by $100 behind the ledger's back."""
    from orders.models import Order, Settlement

    first = place(cast, 800)
    place(cast, 400, district="b")
    settlement_record(agreement=cast.agreement, district=cast.district_a, amount=Decimal("100.00"),
                      method="payment", reference="CHK-1", actor=cast.actor(cast.staff))
    assert rebates_recompute().ok, rebates_recompute().differences
    line = first.lines.get()
    OrderLine.objects.filter(pk=line.pk).update(amount=line.amount + 100)
    assert any(f"order line {line.pk}: stored amount" in d for d in rebates_recompute().differences)
    OrderLine.objects.filter(pk=line.pk).update(amount=line.amount)
    Order.objects.filter(pk=first.pk).update(total=first.total + 100)
    assert any(f"order {first.pk}: stored total" in d for d in rebates_recompute().differences)
    with pytest.raises(CommandError, match="differs"):
        call_command("rebates", "recompute", "--check")
    Order.objects.filter(pk=first.pk).update(total=first.total)
    Settlement.objects.update(amount=Decimal("200.00"))
    assert any("settlement" in d for d in rebates_recompute().differences)
    Settlement.objects.update(amount=Decimal("100.00"))
    assert rebates_recompute().ok


def test_a_settlement_entered_twice_is_refused(cast, joined):
    place(cast, 800)
    place(cast, 400, district="b")
    record = dict(agreement=cast.agreement, district=cast.district_a, amount=Decimal("1.00"), method="payment",
                  reference="dbl-click", actor=cast.actor(cast.staff))
    settlement_record(**record)
    with pytest.raises(ValidationError, match="already recorded"):
        settlement_record(**{**record, "reference": "DBL-CLICK "})
    from orders.models import Settlement

    assert Settlement.objects.count() == 1
