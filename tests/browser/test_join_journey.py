"""A district buyer in a real browser: search the catalog -> product -> mini-competition -> quote
-> choose -> join the agreement (adopting the DPA general offer), with axe on every page."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tests.browser.helpers import axe_violations, login
from tests.cast import PASSWORD

pytestmark = pytest.mark.browser


def check(page, problems: dict, label: str) -> None:
    found = axe_violations(page)
    if found:
        problems[label] = found


def test_search_product_compete_join(cast, clock, awarded, agreements, general_offer,  # noqa: F811
                                     live_server, page):
    base = live_server.url
    problems: dict[str, list[str]] = {}
    login(page, base, "buyer-a@example.org", PASSWORD)
    page.goto(base + "/catalog/?q=management")
    check(page, problems, "catalog")
    assert "May Alpha Unified use it?" in page.content()
    page.click("text=Vendor A, Inc. Management")
    page.wait_for_load_state()
    check(page, problems, "product")
    assert "Can Alpha Unified buy this?" in page.content()
    page.click("text=Join MA-")
    page.wait_for_load_state()
    check(page, problems, "join (needs a mini-competition)")
    page.click("text=Start a mini-competition")
    page.wait_for_load_state()
    check(page, problems, "mini-competition form")
    page.fill("#q-1", "800")
    page.fill("#q-2", "800")
    page.click("text=Compare the vendors")
    page.wait_for_url("**/mini-competitions/**")
    check(page, problems, "mini-competition")
    competition_url = page.url
    page.select_option("#qa", label="Vendor A, Inc.")
    page.click("text=Request the quote")
    page.wait_for_load_state()

    login(page, base, "sales@vendor-a.example", PASSWORD)
    page.goto(base + "/vendor/contracts/")
    check(page, problems, "vendor contracts")
    page.locator("input[name=quote_total]").first.fill("250000")
    page.locator("textarea[name=implementation_plan]").first.fill("Deliver in July, train in August")
    page.click("text=Send the quote")
    page.wait_for_load_state()

    login(page, base, "buyer-a@example.org", PASSWORD)
    page.goto(competition_url)
    page.select_option("#id_agreement", label=f"Vendor A, Inc. ({agreements[cast.vendor_a.pk].number})")
    page.fill("#id_reasons", "Lowest price for our quantities")
    page.click("text=Record the choice")
    page.wait_for_load_state()
    page.click(f"text=Join {agreements[cast.vendor_a.pk].number}")
    page.wait_for_load_state()
    check(page, problems, "join form")
    assert "adopts the vendor" in page.content()
    page.fill("#id_estimated_value", "20000")
    # California asks for the board's finding of best interest (PCC 20118): recorded with the join.
    page.fill("#id_board_finding_on", timezone.localdate().isoformat())
    page.fill("#id_board_finding_reference", "Resolution 2026-17")
    for box in page.locator("input[type=checkbox][name^=step_]").all():
        box.check()
    page.click("text=Prepare the participation agreement")
    page.wait_for_url("**/my/agreements/")
    assert "Adopted general offer" in page.content()
    from contracts.models import ParticipationAgreement

    assert ParticipationAgreement.objects.get().board_finding_reference == "Resolution 2026-17"
    check(page, problems, "dashboard")
    assert not problems, "\n".join(f"{k}:\n  " + "\n  ".join(v) for k, v in problems.items())
