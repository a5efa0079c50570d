"""A bulk buy's award step in a real browser, with axe-core: staff compute the award plan, review
the allocation, baselines and savings, see it go out of date when a score changes, recompute and
confirm; the notice awards the plan shown."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from jobs.tests.helpers import run_queued_jobs
from tests.browser.helpers import axe_violations, login
from tests.cast import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def bulk_buy(cast, clock):
    from catalog.services import category_ensure
    from sourcing.services.bids import bid_submit
    from sourcing.services.solicitations import (solicitation_create, solicitation_publish,
                                                 solicitation_start_evaluation)
    from tests.helpers import content
    from tests.cast import SYSTEM
    from tests.factories import UserFactory, VendorFactory

    staff = cast.actor(cast.staff)
    category = category_ensure(code="chromebooks", name="Chromebooks", actor=SYSTEM)
    now = clock.now()
    s = solicitation_create(content=content(
        category, award_method="bulk_buy", max_vendor_share=Decimal("0.6"), max_vendors_per_line=2,
        requirements=[], criteria=[{"name": "Price", "weight": 80, "is_price": True},
                                   {"name": "Support", "weight": 20}]),
        questions_deadline=now + dt.timedelta(days=1), bid_deadline=now + dt.timedelta(days=2),
        actor=staff)
    s = solicitation_publish(solicitation=s, actor=staff)
    for name, device, licence in (("A", "300.00", "21.00"), ("B", "305.00", "19.00")):
        vendor = VendorFactory(name=f"Bulk {name}")
        user = UserFactory(role="vendor_user", organisation=vendor.organisation)
        bid_submit(solicitation=s, actor=cast.actor(user), data={"lines": [
            {"line": "CB-11", "tiers": [{"min_quantity": 1, "unit_price": device},
                                        {"min_quantity": 500, "unit_price": str(Decimal(device) - 20)}]},
            {"line": "LIC", "tiers": [{"min_quantity": 1, "unit_price": licence}]}], "attestations": {}})
    clock.set(s.bid_deadline + dt.timedelta(minutes=1))
    return solicitation_start_evaluation(solicitation=s, actor=staff)


def check(page, problems: dict, label: str) -> None:
    found = axe_violations(page)
    if found:
        problems[label] = found


def test_compute_review_and_confirm_the_award_plan(cast, bulk_buy, live_server, page):
    from sourcing.services.evaluation import consensus_record

    base = live_server.url
    problems: dict[str, list[str]] = {}
    manage = f"{base}/solicitations/{bulk_buy.pk}/manage/"
    login(page, base, "staff@example.org", PASSWORD)
    page.goto(manage)
    assert "No award plan has been computed yet." in page.content()
    check(page, problems, "manage (no plan)")

    # The computation is a background job: its page shows the live status, then links to the plan.
    page.click("text=Compute the award plan")
    page.wait_for_url("**/jobs/*/")
    assert "Status: Waiting for a worker" in page.content()
    check(page, problems, "award plan job (queued)")
    run_queued_jobs()
    page.wait_for_selector("text=Status: Done")  # the page polled itself (htmx)
    assert "Best cost so far" in page.content() and "Lower bound" in page.content()
    check(page, problems, "award plan job (done)")
    page.click("text=See the result")
    page.wait_for_url("**/manage/#award")
    assert "Plan computed" in page.content()
    allocation = page.locator("table:has(caption:text('Allocation by line'))")
    assert allocation.locator("tbody tr").count() >= 2
    assert "Bulk A, Inc." in allocation.inner_text()
    baselines = page.locator("table:has(caption:text('Savings against the baselines'))")
    assert baselines.locator("tbody tr").count() == 3  # two price baselines and the rule-keeping one
    assert "within the share cap" in baselines.inner_text()
    assert "Spend by vendor" in page.content()
    check(page, problems, "manage (plan computed)")

    # A consensus score changes after the plan: it is out of date and cannot be confirmed.
    # (every bid gets its consensus score: the award notice refuses while one is missing)
    for bid in bulk_buy.bids.all():
        consensus_record(solicitation=bulk_buy, bid=bid,
                         criterion=bulk_buy.criteria.get(name="Support"), points=8, comment="Good",
                         actor=cast.actor(cast.staff))
    page.goto(manage)
    assert "This plan is out of date and cannot be awarded." in page.content()
    assert page.locator("text=Confirm and publish the award notice").count() == 0
    check(page, problems, "manage (plan out of date)")

    page.click("text=Recompute the award plan")
    page.wait_for_url("**/jobs/*/")
    run_queued_jobs()
    page.goto(manage)
    page.fill("#rationale", "Lowest total cost under the share cap")
    page.click("text=Confirm and publish the award notice")
    page.wait_for_url("**/award-notice/**")
    check(page, problems, "confirm (award notice)")
    page.click("main form[method=post] button[type=submit]")
    page.wait_for_url("**/manage/")
    assert "Award notice published" in page.content()
    bulk_buy.refresh_from_db()
    award = bulk_buy.awards.get()
    assert award.plan == bulk_buy.award_plans.order_by("-pk").first()
    check(page, problems, "manage (award notice)")
    assert not problems, problems
