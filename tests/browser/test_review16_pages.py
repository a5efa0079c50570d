"""Issue 16 review leftovers in a real browser with axe-core: the licence usage page with a figure
above licences bought (flagged), a refused fiscal year, the board statement with dates as people
write them, the renegotiation list by median outside price and the home page's savings line.
Screenshots in var/screenshots/review16-*.png."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings

from tests.browser.helpers import axe_violations, login
from tests.cast import PASSWORD

pytestmark = pytest.mark.browser


def _check(page, problems: dict, name: str) -> None:
    found = axe_violations(page)
    if found:
        problems[name] = found
    shots = Path(settings.VAR_DIR) / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / f"review16-{name}.png"), full_page=True)


def test_usage_statement_and_prices_pages(joined, live_server, page):
    from django.core.cache import cache

    from core import clock
    from core.fiscal import FiscalYear
    from orders.services import order_create, order_submit
    from prices.services import outside_price_record
    from usage.services import usage_import

    c, base = joined, live_server.url
    problems: dict[str, list[str]] = {}
    c.district_a.enrollment = 100
    c.district_a.save(update_fields=["enrollment"])
    for district, buyer, product, units in ((c.district_a, c.buyer_a, c.licence, 50),
                                            (c.district_a, c.buyer_a, c.device, 30)):
        order = order_create(district=district, agreement=c.agreement, lines=[(product, units)], actor=c.actor(buyer))
        order_submit(order=order, actor=c.actor(buyer))
    month = clock.today().replace(day=1)
    usage_import(district=c.district_a, source="api", actor=c.actor(c.buyer_a), rows=[
        {"product": c.licence.pk, "month": f"{month:%Y-%m}", "licences_used": 80}])
    seen = clock.today() - dt.timedelta(days=5)
    for price, source in (("250.00", "State contract A"), ("255.00", "Cooperative B"), ("30.00", "Typo quote")):
        outside_price_record(description="Device", unit_price=price, quantity=10, seen_on=seen,
                             source_kind="vendor_quote", source_name=source, product_id=c.device.pk,
                             confirm_far=True, actor=c.actor(c.staff))
    cache.clear()
    fy = FiscalYear.of(clock.today())

    page.goto(base + "/")
    assert "students of the 1 member district that bought" in page.content()
    _check(page, problems, "home")

    login(page, base, c.buyer_a.email, PASSWORD)
    page.goto(base + "/usage/")
    assert "above licences bought" in page.content() and "160%" in page.content()
    _check(page, problems, "usage")
    response = page.goto(base + f"/usage/?fy={fy.ends_in + 1}")
    assert response.status == 400 and "has not started" in page.content()
    _check(page, problems, "fiscal-year-refused")
    page.goto(base + f"/savings/statement/{c.district_a.pk}/{fy.ends_in}/")
    assert f"{fy.start:%B} 1, {fy.start.year}" in page.content()
    _check(page, problems, "statement")

    page.context.clear_cookies()
    login(page, base, c.staff.email, PASSWORD)
    page.goto(base + "/prices/renegotiate/")
    text = page.content()
    assert "Median outside price" in text and "1 outlier left out" in text
    _check(page, problems, "renegotiate")
    page.goto(base + "/usage/renewals/")
    _check(page, problems, "renewals")
    assert not problems, problems
