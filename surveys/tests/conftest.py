import datetime as dt

import pytest

from catalog.services import category_ensure
from surveys.services.surveys import survey_create, survey_publish
from tests.cast import SYSTEM


def answer(need="N1", commitment="committed", **over):
    data = {"need": need, "commitment": commitment, "quantities": {"K-2": 100, "3-5": 50},
            "needed_by": "2027-07", "budget_min": "250.00", "budget_max": "300.00",
            "funding_source": "general_fund", "must_haves": ["interop:google_sso"],
            "current_product": "Old Chromebook", "current_price": "289.00",
            "current_contract_end": "2027-06-30"}
    data.update(over)
    return data


@pytest.fixture
def devices(db):
    return category_ensure(code="chromebooks", name="Devices: Chromebooks", actor=SYSTEM)


@pytest.fixture
def survey_draft(cast, devices, clock):
    now = clock.now()
    return survey_create(
        title="2027-28 devices and instructional software", cycle="2027-28",
        opens_at=now - dt.timedelta(days=1), closes_at=now + dt.timedelta(days=10),
        needs=[{"category": "chromebooks", "kind": "device", "grade_bands": ["K-2", "3-5"],
                "description": "Student Chromebooks", "unit": "device"},
               {"category": devices, "kind": "software", "grade_bands": ["6-8"],
                "description": "Math practice", "unit": "student licence"}],
        actor=cast.actor(cast.staff))


@pytest.fixture
def survey(cast, survey_draft):
    return survey_publish(survey=survey_draft, actor=cast.actor(cast.staff))
