"""A quote accepted in a mini-competition carries into the order placed from it (orders.quotes):
the order with the quoted quantities pays at most the quote, the difference shown; an order with
other quantities is priced at pooled prices and says line by line why."""

from __future__ import annotations

from decimal import Decimal

from orders.quotes import quote_comparison
from orders.selectors import rebates_recompute
from orders.services import order_create, order_submit
from tests.helpers import confirm_page, login


def place(cast, quantity, district="a"):
    buyer = cast.buyer_a if district == "a" else cast.buyer_b
    d = cast.district_a if district == "a" else cast.district_b
    order = order_create(district=d, agreement=cast.agreement, lines=[(cast.device, quantity)],
                         actor=cast.actor(buyer))
    return order_submit(order=order, actor=cast.actor(buyer))


def test_the_order_with_the_quoted_quantities_is_billed_at_the_quote(cast, quoted, client):
    order = place(cast, 10)
    line = order.lines.get()
    assert line.unit_price == Decimal("300.00") and line.amount == Decimal("3000.00")  # pooled
    assert order.total == Decimal("2900.00") and order.quote_credit == Decimal("100.00")
    assert order.quote.quote_total == Decimal("2900.00")
    assert rebates_recompute().differences == []  # the replay knows the credit
    login(client, cast.buyer_a)
    page = client.get(f"/orders/{order.pk}/").content.decode()
    assert "Quote credit" in page and "$100.00" in page and "$2,900.00" in page


def test_a_second_order_or_other_quantities_pay_pooled_prices_and_say_why(cast, quoted, client):
    other = place(cast, 8)
    assert other.total == Decimal("2400.00") and other.quote is None and other.quote_credit == 0
    comparison = quote_comparison(other)
    assert not comparison.applies and "quantities differ" in comparison.reason
    assert [(d.line_reference, d.quoted, d.ordered) for d in comparison.differences] == [("CB", 10, 8)]
    login(client, cast.buyer_a)
    page = client.get(f"/orders/{other.pk}/").content.decode()
    assert "quantities differ" in page and "<td>CB</td><td class=\"num\">10</td><td class=\"num\">8</td>" in page
    first = place(cast, 10)
    assert first.total == Decimal("2900.00")
    second = place(cast, 10)
    assert second.total == Decimal("3000.00") and second.quote is None
    assert f"already used by order {first.number}" in quote_comparison(second).reason


def test_a_pooled_price_below_the_quote_is_what_the_district_pays(cast, quoted):
    place(cast, 1000, district="a")  # the pool reaches the $290.00 tier
    order = place(cast, 10, district="b")  # B's quote is the schedule's $3,000.00 at joining
    assert order.quote is not None and order.quote.quote_total == Decimal("3000.00")
    assert order.total == Decimal("2900.00") and order.quote_credit == 0


def test_cancelling_an_order_is_confirmed_and_gives_the_quote_back(cast, quoted, client):
    first = place(cast, 10)
    login(client, cast.buyer_a)
    url = f"/orders/{first.pk}/cancel/"
    page, confirm = confirm_page(client, url, {"reason": "Wrong school"})
    text = page.content.decode()
    assert "leave the consortium" in text and "$2,900.00" in text and "Wrong school" in text
    assert client.post(url, {"reason": "Wrong school"}).status_code == 409  # one click: nothing done
    first.refresh_from_db()
    assert first.state != "cancelled"
    client.post(url, {"reason": "Wrong school", "confirm": confirm})
    client.post(url, {"reason": "Wrong school", "confirm": confirm})  # a double click: refused
    first.refresh_from_db()
    assert first.state == "cancelled"
    assert place(cast, 10).total == Decimal("2900.00")  # the quote is free again


def test_true_ups_on_a_quote_billed_order_stop_at_the_best_price_reached(cast, quoted):
    """Decided for issue 13: the quote's credit counts against later true-ups, so the district
    ends up paying the best pooled price reached, never less (no double discount)."""
    order = place(cast, 10)  # pooled $3,000.00, billed $2,900.00: $100.00 credited up front
    line = order.lines.get()
    assert line.quote_credit == Decimal("100.00")
    place(cast, 1000, district="b")  # the pool reaches $290.00: 10 x $10.00 owed, already credited
    assert not line.rebates.filter(kind="true_up").exists()
    place(cast, 4000, district="b")  # $280.00: 10 x $20.00 owed, $100.00 of it credited already
    credited = sum(e.amount for e in line.rebates.filter(kind="true_up"))
    assert credited == Decimal("100.00")
    assert order.total - credited == Decimal("2800.00")  # = 10 x the best price reached
    assert rebates_recompute().differences == []


def test_a_plain_order_still_gets_its_whole_true_up(cast, quoted):
    order = place(cast, 10, district="b")  # B joined at the schedule price: no credit
    place(cast, 5000, district="a")
    line = order.lines.get()
    assert line.quote_credit == 0
    assert sum(e.amount for e in line.rebates.filter(kind="true_up")) == Decimal("200.00")
    assert rebates_recompute().differences == []
