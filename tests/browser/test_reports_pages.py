"""Sales report pages in a real browser with axe-core: the vendor's quarters, the report form
(with row errors), a CSV upload with errors, the report and its reconciliation; staff resolve
the mismatch, issue the invoice and record payment; invoices and overdue reports."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import axe_violations, login, visit
from tests.cast import PASSWORD

pytestmark = pytest.mark.browser


def check(page, problems: dict, label: str) -> None:
    found = axe_violations(page)
    if found:
        problems[label] = found


@pytest.fixture
def reports_pages_world(cast, clock, joined):  # noqa: F811
    """Orders by districts A and B this quarter; the clock one day past the report's due date
    (vendor B's report is overdue)."""
    from django.utils import timezone

    from reports.quarters import Quarter
    from reports.tests.conftest import moment, place

    cast.order = place(cast, "a", [(cast.device, 10)])
    place(cast, "b", [(cast.licence, 5)])
    cast.quarter = Quarter.of(timezone.localdate())
    clock.set(moment(cast.quarter.due + dt.timedelta(days=1)))
    return cast


def test_sales_report_pages_are_accessible(reports_pages_world, live_server, page):
    # the database fixtures come first (see test_accessibility.py)
    c = reports_pages_world
    base = live_server.url
    problems: dict[str, list[str]] = {}
    q = c.quarter
    submit_url = f"{base}/vendor/sales-reports/{c.agreement.pk}/{q.year}-q{q.number}/"

    login(page, base, "sales@vendor-a.example", PASSWORD)
    visit(page, base + "/vendor/sales-reports/", problems)
    assert "Overdue" in page.content()
    visit(page, submit_url, problems)

    # A CSV with a bad row: the error names the line and field.
    page.set_input_files("#id_file", files=[{"name": "q.csv", "mimeType": "text/csv",
                                             "buffer": b"district,product,quantity,unit_price\nNowhere,1,2,3\n"}])
    page.click("text=Upload the report")
    page.wait_for_load_state()
    expect(page.locator(".error-summary")).to_be_visible()
    assert "line 2, district" in page.content()
    check(page, problems, "CSV upload with errors")

    # The form, first with a row error, then corrected (one price mismatch remains).
    page.goto(submit_url)
    page.fill("#id_district_1", "Alpha Unified")
    page.select_option("#id_product_1", str(c.device.pk))
    page.fill("#id_quantity_1", "10")
    page.fill("#id_unit_price_1", "295.00")
    page.fill("#id_order_number_1", c.order.number)
    page.fill("#id_district_2", "Nowhere Unified")
    page.select_option("#id_product_2", str(c.licence.pk))
    page.fill("#id_quantity_2", "5")
    page.fill("#id_unit_price_2", "30.00")
    page.click("text=Submit the report")
    page.wait_for_load_state()
    expect(page.locator("#id_district_2_error")).to_be_visible()
    check(page, problems, "report form with errors")
    page.fill("#id_district_2", "Beta Unified")
    page.click("text=Submit the report")
    page.wait_for_url("**/sales-reports/*/")
    assert "Price mismatch" in page.content() and "after the due date" in page.content()
    check(page, problems, "report (vendor)")
    report_url = page.url
    visit(page, base + "/invoices/", problems)

    login(page, base, "staff@example.org", PASSWORD)
    for path in ["/sales-reports/", "/sales-reports/?open=1", "/sales-reports/overdue/"]:
        visit(page, base + path, problems)
    assert "Vendor B LLC" in page.content() and "Vendor A, Inc." not in page.content()  # A reported, late
    page.goto(report_url)
    check(page, problems, "report with an open item (staff)")
    page.click("#reconciliation button:text-is(\"Resolve\")")  # empty note: an error
    page.wait_for_load_state()
    expect(page.locator(".error-summary")).to_be_visible()
    check(page, problems, "resolve with errors")
    page.fill("#reconciliation textarea", "The district agreed a discount.")
    page.click("#reconciliation button:text-is(\"Resolve\")")
    page.wait_for_load_state()
    page.click("text=Issue the invoice")
    page.wait_for_url("**/invoice/")
    check(page, problems, "confirm (issue the invoice)")
    page.click("main form[method=post] button[type=submit]")
    page.wait_for_load_state()
    assert "Record the payment" in page.content()
    check(page, problems, "invoiced report")
    page.fill("#id_payment_reference", "ACH-1001")
    page.click("text=Record payment")
    page.wait_for_load_state()
    assert "ACH-1001" in page.content()
    visit(page, base + "/invoices/", problems)
    assert "Paid" in page.content()

    assert not problems, "\n".join(f"{url}:\n  " + "\n  ".join(v) for url, v in problems.items())
