"""Issue 14 and 15 leftovers in a real browser with axe-core: staff link an existing
solicitation's line to a survey's need (declared vs bought, the chooser, the confirmation, the
result), and a district buyer is told which required terms a general offer lacks before adopting
it. Screenshots in var/screenshots/link-*.png and adopt-*.png."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings

from tests.browser.helpers import axe_violations, login
from tests.cast import PASSWORD

pytestmark = pytest.mark.browser


def _shots() -> Path:
    shots = Path(settings.VAR_DIR) / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    return shots


def _check(page, problems: dict, name: str) -> None:
    found = axe_violations(page)
    if found:
        problems[name] = found
    page.screenshot(path=str(_shots() / f"{name}.png"), full_page=True)


@pytest.fixture
def link_world(cast, category, clock):
    from sourcing.services.solicitations import solicitation_create
    from surveys.services.answers import response_save
    from surveys.services.surveys import survey_create, survey_publish
    from tests.helpers import content

    now = clock.now()
    staff = cast.actor(cast.staff)
    survey = survey_create(title="2027-28 devices", cycle="2027-28", opens_at=now - dt.timedelta(days=1),
                           closes_at=now + dt.timedelta(days=10), actor=staff,
                           needs=[{"category": category, "kind": "device", "grade_bands": ["K-2"],
                                   "description": "Student Chromebooks", "unit": "device"}])
    survey_publish(survey=survey, actor=staff)
    response_save(survey=survey, submit=True, actor=cast.actor(cast.buyer_b), answers=[{
        "need": "N1", "commitment": "committed", "quantities": {"K-2": 80}, "needed_by": "2027-08",
        "funding_source": "general_fund"}])
    cast.survey = survey
    cast.existing = solicitation_create(content=content(category), actor=staff,
                                        questions_deadline=survey.closes_at, bid_deadline=survey.closes_at)
    return cast


def test_staff_link_an_existing_solicitation_to_a_need(link_world, live_server, page):
    from surveys.models import NeedLink

    c, base = link_world, live_server.url
    problems: dict[str, list[str]] = {}
    login(page, base, c.staff.email, PASSWORD)
    page.goto(f"{base}/surveys/{c.survey.pk}/declared-vs-bought/")
    assert "Nothing to compare: no solicitation linked" in page.content()
    _check(page, problems, "link-declared-before")
    page.click("text=Link an existing solicitation to N1")
    page.wait_for_load_state()
    _check(page, problems, "link-chooser")
    line = c.existing.lines.get(reference="CB-11")
    page.select_option("#id_line", str(line.pk))
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert "cannot be changed afterwards" in page.content()
    _check(page, problems, "link-confirm")
    page.click("main button[type=submit]:has-text('Link the solicitation line')")
    page.wait_for_load_state()
    assert f"N1 linked to {c.existing.number} line CB-11." in page.content()
    assert "Declared, bought nothing" in page.content()
    _check(page, problems, "link-declared-after")
    assert NeedLink.objects.get().line_reference == "CB-11"
    assert not problems, "\n".join(f"{k}:\n  " + "\n  ".join(v) for k, v in problems.items())


@pytest.fixture
def lacking_offer_world(cast):
    from compliance.engine.dpa_terms import DPA_MODELS
    from compliance.services.rules import rules_load
    from compliance.tests.conftest import add_dpa, add_vpat, make_product
    from tests.cast import SYSTEM

    rules_load(actor=SYSTEM)
    cast.product = make_product(cast.vendor_a, bands=("9-12",))
    add_vpat(cast.product)
    terms = [t for t in DPA_MODELS["ndpa_v2_ca"][2] if t != "joint_ferpa_compliance"]
    cast.offer = add_dpa(cast.vendor_a, cast.district_b, [cast.product], offer=True, expires=300,
                         template="vendor", terms_model="", terms_included=terms)
    return cast


def test_a_buyer_is_told_the_missing_terms_before_adopting(lacking_offer_world, live_server, page):
    from compliance.models import DataPrivacyAgreement

    c, base = lacking_offer_world, live_server.url
    problems: dict[str, list[str]] = {}
    login(page, base, c.buyer_a.email, PASSWORD)
    page.goto(base + "/compliance/offers/")
    assert "Lacks 1:" in page.content() and "joint FERPA compliance" in page.content()
    _check(page, problems, "adopt-offers")
    page.click("text=Review the missing terms")
    page.wait_for_load_state()
    assert "lacks terms CA requires" in page.content()
    _check(page, problems, "adopt-confirm")
    page.click("main button[type=submit]:has-text('Adopt the general offer without these terms')")
    page.wait_for_load_state()
    assert "It lacks 1 term(s) CA requires" in page.content()
    assert DataPrivacyAgreement.objects.filter(kind="joinder", district=c.district_a).count() == 1
    page.goto(f"{base}/compliance/check/?product={c.product.pk}")
    assert "The DPA lacks: joint FERPA compliance" in page.content()
    _check(page, problems, "adopt-check-after")
    assert not problems, "\n".join(f"{k}:\n  " + "\n  ".join(v) for k, v in problems.items())
