"""The whole sourcing journey in a real browser, with axe-core on every page:
draft -> publish -> bid -> (deadline) open -> declaration and scores -> consensus -> award notice
-> protest -> decision -> final."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.browser.helpers import axe_violations, login
from tests.cast import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def displays(cast):
    from catalog.services import category_ensure
    from tests.cast import SYSTEM

    return category_ensure(code="displays", name="Interactive displays", actor=SYSTEM)


def check(page, problems: dict, label: str) -> None:
    found = axe_violations(page)
    if found:
        problems[label] = found


def test_sourcing_journey(cast, displays, clock, live_server, page):
    base = live_server.url
    problems: dict[str, list[str]] = {}
    now = timezone.localtime(clock.now())

    # Staff draft and publish.
    login(page, base, "staff@example.org", PASSWORD)
    page.goto(base + "/solicitations/new/")
    check(page, problems, "new solicitation")
    page.fill("#id_title", "Interactive displays 2027")
    page.select_option("#id_category", str(displays.pk))
    page.fill("#id_questions_deadline", (now + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_bid_deadline", (now + dt.timedelta(days=5)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_score_threshold", "50")
    page.fill("#id_lines-0-reference", "D75")
    page.fill("#id_lines-0-description", "75-inch display")
    page.fill("#id_lines-0-unit", "display")
    page.fill("#id_lines-0-estimated_quantity", "500")
    page.fill("#id_reqs-0-text", "Will sign the state DPA")
    page.click("main button[type=submit]")
    page.wait_for_url("**/manage/")
    check(page, problems, "manage (draft)")
    page.click("text=Publish: open for bids")
    page.wait_for_url("**/publish/**")
    check(page, problems, "confirm (publish)")
    page.click("main form[method=post] button[type=submit]")
    page.wait_for_url("**/manage/")
    assert "is published" in page.content()
    solicitation_url = page.url.replace("manage/", "")
    page.fill("textarea[name=summary]", "Clarified installation hours")
    check(page, problems, "manage (published)")

    # Vendor A bids.
    login(page, base, "sales@vendor-a.example", PASSWORD)
    page.goto(solicitation_url)
    check(page, problems, "solicitation (vendor)")
    page.click("text=Submit a bid")
    check(page, problems, "bid form")
    page.fill("#id_l1-t1-min", "1")
    page.fill("#id_l1-t1-price", "2400.00")
    page.fill("#id_l1-t2-min", "300")
    page.fill("#id_l1-t2-price", "2300.00")
    page.check("#id_attest-will-sign-the-state-dpa_0")
    page.click("text=Submit my bid")
    page.wait_for_load_state()
    assert "Bid received" in page.content() and "download receipt" in page.content()
    check(page, problems, "bid submitted")

    # Staff seat the evaluator before opening; the declaration opens at the deadline, when the
    # bidders are known.
    login(page, base, "staff@example.org", PASSWORD)
    page.goto(solicitation_url + "manage/")
    page.select_option("#id_assignment", label="Eve Evaluator (Alpha Unified)")
    page.click("text=Seat the evaluator")
    page.wait_for_load_state()
    assert "2400" not in page.content()  # sealed, even for staff
    login(page, base, "evaluator@example.org", PASSWORD)
    page.goto(solicitation_url + "evaluate/")
    check(page, problems, "declaration (before the deadline)")
    assert "opens at the bid deadline" in page.content() and "Vendor A" not in page.content()

    # The deadline passes: bids open at once.
    deadline = timezone.localtime(clock.now()) + dt.timedelta(days=5, minutes=5)
    clock.set(deadline)
    login(page, base, "staff@example.org", PASSWORD)
    page.goto(solicitation_url + "tabulation/")
    assert "2,400.00" in page.content()
    check(page, problems, "tabulation (staff)")
    page.goto(solicitation_url + "manage/")
    page.click("text=Start the evaluation")
    page.wait_for_load_state()
    check(page, problems, "manage (evaluation)")

    # The evaluator declares, bidder by bidder (names only), no relationship.
    login(page, base, "evaluator@example.org", PASSWORD)
    page.goto(solicitation_url + "evaluate/")
    check(page, problems, "declaration")
    assert "relationship with Vendor A, Inc.?" in page.content() and "2400.00" not in page.content() and "2,400.00" not in page.content()
    page.click("text=Sign the declaration")  # unanswered: the error summary names the bidder
    page.wait_for_load_state()
    assert "Answer for Vendor A, Inc." in page.content()
    check(page, problems, "declaration (errors)")
    page.check("input[name^='rel-'][value=no]")
    page.click("text=Sign the declaration")
    page.wait_for_load_state()
    assert "Declaration signed" in page.content()
    check(page, problems, "evaluate")
    page.locator("input[name^='points-']").first.fill("8")
    page.click("text=Save all scores")
    page.wait_for_load_state()
    assert "1 score saved" in page.content()

    login(page, base, "staff@example.org", PASSWORD)
    page.goto(solicitation_url + "manage/")
    for i in range(page.locator("form:has(input[name=comment][required]) input[name=points]").count()):
        form = page.locator("form:has(input[name=comment][required])").nth(i)
        form.locator("input[name=points]").fill("8")
        form.locator("input[name=comment]").fill("Strong")
        form.locator("button").click()
        page.wait_for_load_state()
    page.fill("#rationale", "Meets every requirement")
    page.click("text=Confirm and publish the award notice")
    page.wait_for_url("**/award-notice/**")
    check(page, problems, "confirm (award notice)")
    page.click("main form[method=post] button[type=submit]")
    page.wait_for_load_state()
    assert "Award notice published" in page.content()

    # Vendor A protests; staff deny; after the standstill the award is final.
    login(page, base, "sales@vendor-a.example", PASSWORD)
    page.goto(solicitation_url)
    check(page, problems, "solicitation (award notice)")
    page.fill("#id_grounds", "We ask for a review of the scores")
    page.click("text=File the protest")
    page.wait_for_load_state()
    assert "Protest filed" in page.content()
    login(page, base, "staff@example.org", PASSWORD)
    page.goto(solicitation_url + "manage/")
    page.locator("input[value=denied]").check()
    page.locator("textarea[name=reasons]").fill("Scores are consistent with the record")
    check(page, problems, "manage (protest)")
    page.click("text=Record the decision")
    page.wait_for_url("**/decision/**")
    check(page, problems, "confirm (protest decision)")
    page.click("main form[method=post] button[type=submit]")
    page.wait_for_load_state()
    clock.set(deadline + dt.timedelta(days=30))
    page.context.clear_cookies()
    page.goto(solicitation_url)
    assert "The award is final" in page.content()
    page.goto(solicitation_url + "tabulation/")  # public record now
    assert "2,400.00" in page.content()
    check(page, problems, "tabulation (public)")
    # The bids themselves (notes, salt, documents) are not.
    api_bids = solicitation_url.replace(base, base + "/api/v1").rstrip("/") + "/bids"
    assert page.request.get(api_bids).status == 403
    assert not problems, "\n".join(f"{k}:\n  " + "\n  ".join(v) for k, v in problems.items())
