"""Needs-survey pages in a real browser with axe-core: a buyer answers in the page (a refusal
shown on its field, then a submission), staff see the survey with its response rates, the pooled
demand with its charts, and declared vs bought. Screenshots in var/screenshots/survey-*.png."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from playwright.sync_api import expect
from django.conf import settings

from tests.browser.helpers import axe_violations, login
from tests.cast import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def survey_world(cast, category, clock):
    from surveys.services.answers import response_save
    from surveys.services.surveys import survey_create, survey_publish

    now = clock.now()
    staff = cast.actor(cast.staff)
    survey = survey_create(title="2027-28 devices and instructional software", cycle="2027-28",
                           opens_at=now - dt.timedelta(days=1), closes_at=now + dt.timedelta(days=10), actor=staff,
                           needs=[{"category": category, "kind": "device", "grade_bands": ["K-2", "3-5"],
                                   "description": "Student Chromebooks", "unit": "device"}])
    survey_publish(survey=survey, actor=staff)
    response_save(survey=survey, submit=True, actor=cast.actor(cast.buyer_b), answers=[{
        "need": "N1", "commitment": "interested", "quantities": {"K-2": 80}, "needed_by": "2027-08",
        "budget_min": "240.00", "budget_max": "280.00", "funding_source": "e_rate",
        "must_haves": ["interop:google_sso"], "current_contract_end": "2027-06-30"}])
    cast.survey = survey
    return cast


def test_survey_pages_are_accessible(survey_world, live_server, page):
    c, base = survey_world, live_server.url
    shots = Path(settings.VAR_DIR) / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    problems: dict[str, list[str]] = {}
    url = f"{base}/surveys/{c.survey.pk}/"

    login(page, base, c.buyer_a.email, PASSWORD)
    page.goto(url)
    page.check("#id_N1-answer")
    page.check("#id_N1-commitment_0")
    page.fill("#id_N1-qty_K-2", "120")
    page.fill("#id_N1-needed_by", "2027-13")  # refused, shown on its field
    page.select_option("#id_N1-funding_source", "general_fund")
    page.click("button[name=submit]")
    expect(page.locator(".field-error").first).to_be_visible()
    assert "YYYY-MM" in page.content()
    problems_found = axe_violations(page)
    if problems_found:
        problems["answer with an error"] = problems_found
    page.fill("#id_N1-needed_by", "2027-07")
    page.click("button[name=submit]")
    expect(page.locator("body")).to_contain_text("Answers submitted")
    page.screenshot(path=str(shots / "survey-answer.png"), full_page=True)

    login(page, base, c.staff.email, PASSWORD)
    for name, path in (("survey-staff", ""), ("survey-demand", "demand/"), ("survey-declared", "declared-vs-bought/")):
        response = page.goto(url + path)
        assert response.status == 200
        page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
        found = axe_violations(page)
        if found:
            problems[name] = found
    assert page.locator("h1").inner_text().startswith("Declared vs bought")
    page.goto(url + "demand/")
    assert page.locator("svg").count() >= 2 and "200 units committed" not in page.content()
    assert "120 units committed" in page.content()

    # staff draft a survey in the form (a refusal first: no grade band), then publish it
    page.goto(base + "/surveys/new/")
    page.fill("#id_title", "2028-29 networks")
    page.fill("#id_cycle", "2028-29")
    page.fill("#id_opens_at", "2030-01-05T09:00")
    page.fill("#id_closes_at", "2030-02-05T17:00")
    page.fill("#id_need_1_description", "Wi-Fi access points")
    page.select_option("#id_need_1_category", c.survey.needs.first().category.code)
    page.select_option("#id_need_1_kind", "device")
    page.click("main button[type=submit]")
    expect(page.locator("body")).to_contain_text("Choose at least one grade band")
    found = axe_violations(page)
    if found:
        problems["survey form with an error"] = found
    page.check("#id_need_1_grade_bands_4")
    page.click("main button[type=submit]")
    expect(page.locator("body")).to_contain_text("Survey drafted")
    page.click("text=Publish the survey")
    page.click("main button[type=submit]")
    expect(page.locator("body")).to_contain_text("Survey published")
    assert "Published, not open yet" in page.content()
    assert problems == {}
