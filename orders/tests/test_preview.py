"""A draft order shows each line's price now and the total before it is submitted: a preview at
the pooled volume with the order's own units, nothing counted."""

from __future__ import annotations

from decimal import Decimal

from contracts.selectors.volumes import line_volume
from orders.models import RebateEntry, VolumeEvent
from orders.preview import order_preview
from orders.services import order_create, order_submit
from tests.helpers import login


def draft(cast, quantities):
    return order_create(district=cast.district_a, agreement=cast.agreement,
                        lines=[(product, q) for product, q in quantities], actor=cast.actor(cast.buyer_a))


def test_a_draft_shows_each_line_price_now_and_the_total(cast, joined, client):
    place_b = order_create(district=cast.district_b, agreement=cast.agreement, lines=[(cast.device, 990)],
                           actor=cast.actor(cast.buyer_b))
    order_submit(order=place_b, actor=cast.actor(cast.buyer_b))  # pool at 990 devices
    order = draft(cast, [(cast.device, 10), (cast.licence, 3)])
    preview = order_preview(order)
    device, licence = preview.lines
    # 990 + 10 reaches the 1,000+ tier: $290.00 for every unit of this order.
    assert device.unit_price == Decimal("290.00") and device.amount == Decimal("2900.00")
    assert device.volume_after == 1000
    assert preview.total == device.amount + licence.amount and preview.quote_credit == 0
    events = VolumeEvent.objects.count()
    login(client, cast.buyer_a)
    page = client.get(f"/orders/{order.pk}/").content.decode()
    assert "What this order would cost if submitted now" in page
    assert "$290.00" in page and "$2,900.00" in page and f"{preview.total:,.2f}" in page
    # Only a preview: nothing priced or counted.
    order.refresh_from_db()
    assert line_volume(cast.agreement, "CB") == 990 and VolumeEvent.objects.count() == events
    assert not RebateEntry.objects.exists() and all(l.unit_price is None for l in order.lines.all())
    placed = order_submit(order=order, actor=cast.actor(cast.buyer_a))
    assert placed.total == preview.total
    assert "What this order would cost" not in client.get(f"/orders/{order.pk}/").content.decode()


def test_the_preview_shows_the_quote_credit(cast, quoted, client):
    order = draft(cast, [(cast.device, 10)])
    preview = order_preview(order)
    assert preview.pooled_total == Decimal("3000.00") and preview.quote_credit == Decimal("100.00")
    assert preview.total == Decimal("2900.00")
    login(client, cast.buyer_a)
    page = client.get(f"/orders/{order.pk}/").content.decode()
    assert "Quote credit" in page and "-$100.00" in page and "$2,900.00" in page
    assert order_submit(order=order, actor=cast.actor(cast.buyer_a)).total == preview.total
