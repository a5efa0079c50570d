"""The agreement page draws each schedule line's pooled volume against its volume tiers."""

from __future__ import annotations

import pytest

from contracts.selectors.agreements import current_schedule
from orders.services import order_create, order_submit
from tests.chart_pages import chart_on


def test_tier_progress_on_each_agreement_line(client, cast, joined):
    buyer = cast.actor(cast.buyer_a)
    order = order_create(district=cast.district_a, agreement=cast.agreement, lines=[(cast.device, 1200)],
                         actor=buyer)
    order_submit(order=order, actor=buyer)
    entries = {e.line_reference: e for e in current_schedule(cast.agreement).entries.all()}
    page = client.get(f"/agreements/{cast.agreement.pk}/").content.decode()  # public

    devices = chart_on(page, f"tiers-{entries['CB'].pk}")
    assert devices.title == f"CB: {cast.device.name}, tier progress"
    assert devices.summary == ("Pooled volume 1,200 of 5,000 for the next tier at $280.00: 3,800 more "
                               "devices to go; $290.00 now.")
    assert devices.headers == ["", "Quantity"]
    assert devices.rows == [["Pooled volume", "1,200"], ["$300.00 each", "1 (reached)"],
                            ["$290.00 each", "1,000 (reached)"], ["$280.00 each", "5,000"]]
    assert "Pooled volume: 1,200" in devices.texts and "5,000: $280.00 each" in devices.texts
    # The scale ends at 6,000 (5,000 and a margin, rounded): 1,200 fills a fifth of the 620 wide bar.
    filled = [r for r in devices.svg.iter("{http://www.w3.org/2000/svg}rect")][1]
    assert float(filled.get("width")) == pytest.approx(124.0)

    licences = chart_on(page, f"tiers-{entries['LIC'].pk}")
    assert licences.summary == ("Pooled volume 0 of 1,000 for the next tier at $28.00: 1,000 more "
                                "licences to go; $30.00 now.")


def test_the_best_tier_reached_says_so(client, cast, joined):
    buyer = cast.actor(cast.buyer_a)
    order = order_create(district=cast.district_a, agreement=cast.agreement, lines=[(cast.device, 5000)],
                         actor=buyer)
    order_submit(order=order, actor=buyer)
    entry = current_schedule(cast.agreement).entries.get(line_reference="CB")
    chart = chart_on(client.get(f"/agreements/{cast.agreement.pk}/").content.decode(), f"tiers-{entry.pk}")
    assert chart.summary == "Pooled volume 5,000: the best tier (5,000+) is reached, at $280.00."
    assert chart.rows[-1] == ["$280.00 each", "5,000 (reached)"]
