"""A running award-plan job in a real browser, with axe-core: the chart of the engine's best cost
and lower bound grows with the page's own polling, and "Stop and keep the best award found" is
pressed once (then shown as stopping, disabled). Screenshot: var/screenshots/job-convergence.png."""

from __future__ import annotations

from pathlib import Path

import pytest

from jobs import services as job_services
from jobs.runner import JobContext
from sourcing.services import awards as award_services
from sourcing.tests.test_bulk_award import bulk  # noqa: F401 (the bulk-buy scene, a fixture)
from tests.browser.helpers import axe_violations, login
from tests.cast import PASSWORD

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def test_the_job_page_draws_the_convergence_and_stops_once(cast, bulk, live_server, page):  # noqa: F811
    queued = award_services.award_plan_request(solicitation=bulk, actor=cast.actor(cast.staff))
    problems: dict[str, list[str]] = {}
    login(page, live_server.url, cast.staff.email, PASSWORD)
    page.goto(f"{live_server.url}/jobs/{queued.pk}/")
    stop = page.locator("#job-stop")
    assert stop.is_disabled() and "Possible once the job has started." in page.content()
    found = axe_violations(page)
    if found:
        problems["queued"] = found

    # A worker takes it: the poll brings the stop button to life, and the first points a chart.
    job = job_services.job_start(job_id=queued.pk, task_id=queued.task_id, worker="elsewhere:1")
    ctx = JobContext(job, job.task_id)
    for seconds, best, bound in ((0.02, 290000.0, None), (0.4, 286000.0, 279000.0), (1.1, 283100.0, 281500.0)):
        ctx.point(seconds=seconds, best=best, bound=bound)
    ctx.progress("The award engine is searching.", force=True, best=283100.0, bound=281500.0)
    page.wait_for_selector("#job-stop:enabled", timeout=10000)
    chart = page.locator(f"#job-{job.pk}-chart")
    chart.wait_for(timeout=10000)
    assert chart.locator("svg[role=img] title").text_content().startswith("The engine's best cost")
    assert "proven within" in chart.locator("figcaption").inner_text()
    found = axe_violations(page)
    if found:
        problems["running"] = found

    # The engine goes on: the next poll (htmx, every second) brings the new point into the chart,
    # and the table a reader opened stays open.
    chart.locator("summary").click()
    page.wait_for_timeout(1500)  # a poll or two
    ctx.point(seconds=2.5, best=282600.0, bound=282400.0)
    ctx.progress("The award engine is searching.", force=True, best=282600.0, bound=282400.0)
    page.wait_for_selector(f"#job-{job.pk}-chart td:text('$282,400.00')", timeout=10000)
    assert chart.locator("tbody tr").count() == 4
    assert chart.locator("details").get_attribute("open") is not None
    assert "282,600.00" in chart.locator("figcaption").inner_text()
    SHOTS.mkdir(parents=True, exist_ok=True)
    chart.screenshot(path=str(SHOTS / "job-convergence.png"))

    page.click("text=Stop and keep the best award found")
    page.wait_for_load_state()
    button = page.locator("form[action$='/stop/'] button")
    assert button.is_disabled() and button.inner_text() == "Stopping…"
    assert "the best result found so far will be kept" in page.content()
    job.refresh_from_db()
    assert job.stop_requested_at is not None
    found = axe_violations(page)
    if found:
        problems["stopping"] = found
    assert not problems, problems
