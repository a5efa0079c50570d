"""A multi-award plan is computed whenever it is shown (cheap and deterministic), but the award
notice still awards the plan staff saw: the page sends the plan's digest and a notice is refused
if the plan changed since (new consensus scores, say)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError

from sourcing import award_plans
from sourcing.models import AwardPlanRecord
from jobs.tests.helpers import run_queued_jobs
from sourcing.services.awards import award_issue_notice, award_plan_compute
from sourcing.services.bids import bid_submit
from sourcing.services.evaluation import consensus_record
from sourcing.services.solicitations import solicitation_start_evaluation
from tests.helpers import bid_data
from sourcing.tests.test_api import send
from tests.helpers import token
from tests.helpers import login


@pytest.fixture
def scored(cast, open_solicitation, clock):
    bid_submit(solicitation=open_solicitation, data=bid_data(price1="289.00"),
               actor=cast.actor(cast.vendor_user_a))
    bid_submit(solicitation=open_solicitation, data=bid_data(price1="299.00"),
               actor=cast.actor(cast.vendor_user_b))
    clock.set(open_solicitation.bid_deadline + dt.timedelta(hours=1))
    s = solicitation_start_evaluation(solicitation=open_solicitation, actor=cast.actor(cast.staff))
    for vendor, points in ((cast.vendor_a, 9), (cast.vendor_b, 2)):
        record(cast, s, vendor, "Functionality", points)
        record(cast, s, vendor, "Support", points)
    return s


def record(cast, s, vendor, criterion, points):
    consensus_record(solicitation=s, bid=s.bids.get(vendor=vendor),
                     criterion=s.criteria.get(name=criterion), points=points, comment="Agreed",
                     actor=cast.actor(cast.staff))


def test_the_notice_refuses_a_multi_award_plan_that_changed_since_it_was_shown(client, cast, scored):
    login(client, cast.staff)
    page = client.get(f"/solicitations/{scored.pk}/manage/").content.decode()
    assert "The plan awards: Vendor A, Inc." in page and "Vendor B LLC (score" not in page
    assert "Compute the award plan" not in page  # nothing to compute for a multi-award
    shown = re.search(r'name="plan_digest" value="([0-9a-f]{64})"', page)[1]
    # Vendor B's scores are raised after the page was shown: the plan now awards both.
    record(cast, scored, cast.vendor_b, "Functionality", 9)
    record(cast, scored, cast.vendor_b, "Support", 9)
    response = client.post(f"/solicitations/{scored.pk}/award-notice/",
                           {"rationale": "x", "plan_digest": shown}, follow=True)
    assert "changed since it was shown to you" in response.content.decode()
    assert not scored.awards.exists()
    page = client.get(f"/solicitations/{scored.pk}/manage/").content.decode()
    assert "The plan awards: Vendor A, Inc." in page and "Vendor B LLC (score" in page
    fresh = re.search(r'name="plan_digest" value="([0-9a-f]{64})"', page)[1]
    assert fresh != shown
    client.post(f"/solicitations/{scored.pk}/award-notice/", {"rationale": "x", "plan_digest": fresh})
    assert scored.awards.get().awarded_bids.count() == 2


def test_a_stored_multi_award_plan_matches_the_plan_shown(client, cast, scored):
    staff = cast.actor(cast.staff)
    live = award_plans.award_plan(solicitation=scored, actor=staff)
    assert live.record is None and live.ready
    record_ = award_plan_compute(solicitation=scored, actor=staff)
    assert record_.digest == live.digest and record_.inputs_digest == live.inputs_digest
    api = client.get(f"/api/v1/solicitations/{scored.pk}/award-plan", **token(cast.staff)).json()
    assert api["plan_digest"] == live.digest and api["stored"] is False
    posted = send(client, "POST", f"/api/v1/solicitations/{scored.pk}/award-plan",
                  headers=token(cast.staff))
    assert posted.status_code == 202  # computed in the background, like a bulk buy's
    run_queued_jobs()
    job = client.get(f"/api/v1/jobs/{posted.json()['id']}", **token(cast.staff)).json()
    assert job["state"] == "done"
    assert AwardPlanRecord.objects.get(pk=job["result_id"]).digest == live.digest
    assert AwardPlanRecord.objects.count() == 2
    with pytest.raises(ValidationError, match="changed since it was shown"):
        award_issue_notice(solicitation=scored, plan_digest="0" * 64, actor=staff)
    award = award_issue_notice(solicitation=scored, plan_digest=live.digest, actor=staff)
    assert [ab.vendor.legal_name for ab in award.awarded_bids.all()] == ["Vendor A, Inc."]
