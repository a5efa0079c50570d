"""Every chart in a real browser: the agreement's tier progress, the district's spend and rebates,
the solicitation timeline, the tabulation's evaluated prices and the award plan against the share
cap. axe-core finds no serious or critical issue on their pages, at desktop width and at 375 px;
each chart is saved as var/screenshots/chart-<name>.png (and -375.png) for a person to look at."""

from __future__ import annotations

from pathlib import Path

import pytest

from contracts.selectors.agreements import current_schedule
from orders.services import order_create, order_submit, settlement_record
from sourcing.services.awards import award_plan_compute
from sourcing.tests.test_bulk_award import bulk  # noqa: F401 (the bulk-buy scene, a fixture)
from tests.browser.helpers import axe_violations, login
from tests.cast import PASSWORD

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def place(cast, buyer, district, quantity):
    order = order_create(district=district, agreement=cast.agreement, lines=[(cast.device, quantity)],
                         actor=cast.actor(buyer))
    return order_submit(order=order, actor=cast.actor(buyer))


def test_every_chart_reads_well_and_passes_axe(cast, joined, awarded, request, live_server, page, settings):
    settings.AWARD_ENGINE_TIME_LIMIT_SECONDS = 5
    place(cast, cast.buyer_a, cast.district_a, 800)
    place(cast, cast.buyer_b, cast.district_b, 400)  # crosses 1,000: district A earns a rebate
    settlement_record(agreement=cast.agreement, district=cast.district_a, amount="3000.00",
                      method="credit_note", reference="CN-1", actor=cast.actor(cast.vendor_user_a))
    bulk_buy = request.getfixturevalue("bulk")
    award_plan_compute(solicitation=bulk_buy, actor=cast.actor(cast.staff))
    device_entry = current_schedule(cast.agreement).entries.get(line_reference="CB")

    base = live_server.url
    visits = [  # (who, path, [(chart key, screenshot name)])
        (None, f"/agreements/{cast.agreement.pk}/", [(f"tiers-{device_entry.pk}", "tier-progress")]),
        (None, f"/solicitations/{awarded.pk}/", [(f"timeline-{awarded.pk}", "timeline")]),
        (None, f"/solicitations/{awarded.pk}/tabulation/", [("evaluated-prices", "evaluated-prices")]),
        (cast.buyer_a, "/my/orders/", [("spend-vendor", "spend-by-vendor"), ("spend-month", "spend-by-month"),
                                       ("rebates", "rebates")]),
        (cast.staff, f"/solicitations/{bulk_buy.pk}/manage/", [("plan-spend", "award-plan-share-cap"),
                                                           (f"timeline-{bulk_buy.pk}", "timeline-manage")]),
    ]
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems: dict[str, list[str]] = {}
    for width, suffix in ((1280, ""), (375, "-375")):
        page.set_viewport_size({"width": width, "height": 900})
        for who, path, charts in visits:
            if who is None:
                page.context.clear_cookies()
            else:
                login(page, base, who.email, PASSWORD)
            response = page.goto(base + path)
            assert response is not None and response.status == 200, path
            for key, name in charts:
                figure = page.locator(f"figure#{key}")
                assert figure.locator("svg[role=img]").is_visible()
                summary = figure.locator("figcaption .muted").inner_text()
                assert summary and summary in figure.locator("svg desc").text_content()
                # The picture fits its box: no page-wide horizontal scroll because of it.
                box = figure.bounding_box()
                assert box["width"] <= width, f"{name} is {box['width']} px wide at {width} px"
                figure.locator("details summary").click()  # the figures as a table
                assert figure.locator("table tbody tr").count() >= 1
                figure.screenshot(path=str(SHOTS / f"chart-{name}{suffix}.png"))
            found = axe_violations(page)
            if found:
                problems[f"{path} at {width} px"] = found
    assert not problems, problems
