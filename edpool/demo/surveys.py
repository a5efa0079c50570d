"""Demo needs survey for the next buying cycle: published, answered by most members (committed
and interested), closed, and a draft solicitation created from its committed demand."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.utils import timezone

from accounts.acting import BUYER, Actor
from accounts.models import RoleAssignment
from catalog.models import Category
from edpool.demo.clock import at
from surveys.models import Survey
from surveys.services.answers import response_save
from surveys.services.solicitation import survey_solicitation_create
from surveys.services.surveys import survey_create, survey_publish

TITLE = "2027-28 devices and instructional software"
ACTOR = Actor.system("edpool demo")


def _h(key: str) -> int:
    return int(hashlib.sha256(f"edpool-demo-survey:{key}".encode()).hexdigest()[:8], 16)


def _buyer(district) -> Actor:
    """The district's buyer role, played by the demo builder (no account is created per member)."""
    return Actor(user=None, organisation=district.organisation, role=BUYER, label="edpool demo (district buyer)")


# Fictional members outside California (examples: the repo has no NCES ids outside California),
# so that the survey's demand spans several states, the pooled-demand page lists several states'
# rules and the catalog shows different verdicts per state (see edpool/demo/national.py). Wyoming
# is the state with little regulation: its rules are few and all unverified ("not researched").
OUT_OF_STATE = [
    ("Hudson Valley Central School District (demo)", "NY", "NY-DEMO0001", "Central School District", "Hudson (demo)", 4200),
    ("Lone Star Independent School District (demo)", "TX", "TX-DEMO0001", "Independent School District", "Austin (demo)", 9800),
    ("Prairie Community Unit School District (demo)", "IL", "IL-DEMO0001", "Community Unit School District", "Springfield (demo)", 6100),
    ("Quinnipiac Regional School District (demo)", "CT", "CT-DEMO0001", "Regional School District", "New Haven (demo)", 3900),
    ("High Plains County School District (demo)", "WY", "WY-DEMO0001", "County School District", "Casper (demo)", 2700),
]


def out_of_state_members() -> list:
    from edpool.demo.build import _make_member
    from members.services import DistrictRecord, district_upsert
    from members.states import MembershipState

    districts = []
    for name, state, leaid, lea_type, city, enrollment in OUT_OF_STATE:
        district, _ = district_upsert(record=DistrictRecord(
            name=name, state=state, state_leaid=leaid, lea_type=lea_type, city=city, enrollment=enrollment,
            enrollment_year=2024, enrollment_source="EdPool demo figure (fictional district)",
            enrollment_is_estimate=True), actor=ACTOR)
        _make_member(district, MembershipState.ACTIVE)
        districts.append(district)
    return districts


def build_surveys_demo(report, members) -> None:
    if Survey.objects.filter(title=TITLE).exists():
        return
    members = list(members) + out_of_state_members()
    staff = Actor.from_assignment(RoleAssignment.objects.select_related("user", "organisation")
                                  .get(user__email="staff@demo.edpool.org", role="consortium_staff"))
    devices = Category.objects.filter(code="chromebooks").first() or Category.objects.order_by("pk").first()
    software = Category.objects.exclude(pk=devices.pk).order_by("name").first() or devices
    now = timezone.now()
    opened = now - dt.timedelta(days=40)
    with at(opened):
        survey = survey_create(
            title=TITLE, cycle="2027-28", opens_at=opened, closes_at=now - dt.timedelta(days=5),
            description="Tell us what your district will buy for 2027-28.", actor=staff, needs=[
                {"category": devices, "kind": "device", "grade_bands": ["K-2", "3-5", "6-8"],
                 "description": "Student Chromebooks (1:1)", "unit": "device"},
                {"category": software, "kind": "software", "grade_bands": ["K-2", "3-5"],
                 "description": "K-5 reading intervention", "unit": "student licence"},
                {"category": software, "kind": "software", "grade_bands": ["6-8", "9-12"],
                 "description": "Secondary math practice", "unit": "student licence"}])
        survey_publish(survey=survey, actor=staff)
    answered = 0
    for i, district in enumerate(members):
        h = _h(district.name)
        if h % 10 >= 8 and district.state == "CA":  # about eight in ten members answer
            continue
        rows = []
        for ref, bands, price in (("N1", ["K-2", "3-5", "6-8"], 300), ("N2", ["K-2", "3-5"], 25),
                                  ("N3", ["6-8", "9-12"], 18)):
            if district.state == "CA" and (h >> (ord(ref[1]) % 7)) % 3 == 0:
                continue
            size = max(10, (district.enrollment or 2000) // 40)
            rows.append({"need": ref, "commitment": "committed" if (h >> 3) % 3 else "interested",
                         "quantities": {b: size + (h >> j) % 50 for j, b in enumerate(bands)},
                         "needed_by": f"2027-{6 + (h % 3):02d}", "budget_min": f"{price * 0.8:.2f}",
                         "budget_max": f"{price * 1.1:.2f}", "funding_source": ["general_fund", "title_iv_a", "state_grant", "e_rate"][h % 4],
                         "must_haves": ["interop:google_sso"] + (["interop:oneroster"] if h % 2 else [])
                                       + (["a11y:wcag21aa"] if h % 5 else []),
                         "current_product": "Current product (demo)", "current_price": f"{price:.2f}",
                         "current_contract_end": f"{2027 + (h >> 5) % 2}-{1 + (h >> 7) % 12:02d}-28"})
        if not rows:
            continue
        with at(opened + dt.timedelta(days=1 + i % 30)):
            response_save(survey=survey, answers=rows, submit=True, actor=_buyer(district))
        answered += 1
    survey_solicitation_create(survey=survey, category=devices, actor=staff)
    open_count = _open_survey(staff, devices, members)
    report.add(f"Needs survey {OPEN_TITLE!r} open for three more weeks, {open_count} members answered so far.")
    report.add(f"Needs survey {TITLE!r}: {answered} of {len(members)} members answered; a draft "
               f"solicitation was created from its committed demand.")


OPEN_TITLE = "Spring 2027 classroom audio"


def _open_survey(staff, category, members) -> int:
    """A survey still open (three weeks left), answered by a few members so far: buyers see it on
    their workspace as a survey to answer, staff as an open survey with its response count."""
    now = timezone.now()
    with at(now - dt.timedelta(days=4)):
        survey = survey_create(
            title=OPEN_TITLE, cycle="2026-27", opens_at=now - dt.timedelta(days=4),
            closes_at=now + dt.timedelta(days=21), actor=staff,
            description="Classroom amplification for the spring term.", needs=[
                {"category": category, "kind": "device", "grade_bands": ["K-2", "3-5"],
                 "description": "Classroom audio (teacher microphone and speakers)", "unit": "classroom"}])
        survey_publish(survey=survey, actor=staff)
    answered = 0
    for district in members:
        if _h(f"audio:{district.name}") % 8 or district.name == "ABC Unified":
            continue
        response_save(survey=survey, submit=True, actor=_buyer(district), answers=[{
            "need": "N1", "commitment": "interested", "quantities": {"K-2": 12, "3-5": 10},
            "needed_by": "2027-03", "funding_source": "title_iv_a"}])
        answered += 1
    return answered
