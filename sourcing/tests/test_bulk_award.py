"""Bulk-buy award: the award engine allocates the estimated quantities at the lowest total cost
under the solicitation's share cap and vendors-per-line limit. Staff compute the plan once; it is
stored with the digest of its inputs, shown as stored (the manage page never runs the engine),
and the award notice awards exactly that plan, refusing it once its inputs changed."""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from audit.actions import AuditAction
from audit.models import AuditEvent
from jobs.models import Job
from jobs.tests.helpers import run_queued_jobs
from sourcing import award_plans, selectors
from sourcing.models import AwardPlanRecord
from sourcing.services import awards as award_services
from sourcing.services.awards import (award_issue_notice, award_plan_compute, engine_problem,
                                      protest_decide, protest_file)
from sourcing.services.bids import bid_submit
from sourcing.services.evaluation import consensus_record
from sourcing.services.solicitations import (solicitation_create, solicitation_publish,
                                             solicitation_start_evaluation)
from tests.helpers import content
from sourcing.tests.test_api import send
from tests.helpers import token
from tests.helpers import login
from tests.factories import UserFactory, VendorFactory


def tiers(p1, p2):
    return [{"min_quantity": 1, "unit_price": p1}, {"min_quantity": 500, "unit_price": p2}]


@pytest.fixture
def bulk(cast, category, clock):
    staff = cast.actor(cast.staff)
    now = clock.now()
    s = solicitation_create(content=content(
        category, award_method="bulk_buy", max_vendor_share=Decimal("0.6"), max_vendors_per_line=2,
        lines=[{"reference": "CB", "description": "Chromebook", "estimated_quantity": 1000}],
        requirements=[], criteria=[{"name": "Price", "weight": 80, "is_price": True},
                                   {"name": "Support", "weight": 20}]),
        questions_deadline=now + dt.timedelta(days=1), bid_deadline=now + dt.timedelta(days=2),
        actor=staff)
    s = solicitation_publish(solicitation=s, actor=staff)
    prices = {"A": ("300.00", "280.00"), "B": ("305.00", "285.00"), "C": ("320.00", "300.00")}
    for name, (p1, p2) in prices.items():
        vendor = VendorFactory(name=f"Bulk {name}")
        user = UserFactory(role="vendor_user", organisation=vendor.organisation)
        bid_submit(solicitation=s, data={"lines": [{"line": "CB", "tiers": tiers(p1, p2)}],
                                         "attestations": {}}, actor=cast.actor(user))
    clock.set(s.bids_open_at)
    return solicitation_start_evaluation(solicitation=s, actor=staff)


def allocations_by_vendor(winners):
    return {w.vendor_name: w.allocations for w in winners}


def test_engine_allocates_under_the_share_cap(cast, bulk, settings):
    staff = cast.actor(cast.staff)
    settings.AWARD_ENGINE_TIME_LIMIT_SECONDS = 7
    problem = engine_problem(bulk, selectors.evaluation(solicitation=bulk, actor=staff))
    assert problem["constraints"] == {"max_vendor_share": 0.6, "max_vendors_per_item": 2}
    assert problem["options"] == {"time_limit_seconds": 7.0}
    record = award_plan_compute(solicitation=bulk, actor=staff)
    plan = award_plans.award_plan(solicitation=bulk, actor=staff)
    assert plan.ready, plan.problems
    assert plan.record == record and plan.digest == record.digest
    # No vendor may take more than 60% of the spend, so the cheapest (A) cannot take it all. The
    # cheapest split reaches both 500+ tiers: A 500 x 280.00 + B 500 x 285.00; C gets nothing.
    assert allocations_by_vendor(plan.winners) == {
        "Bulk A, Inc.": [{"line": "CB", "quantity": 500, "unit_price": "280.00", "cost": "140000.00"}],
        "Bulk B, Inc.": [{"line": "CB", "quantity": 500, "unit_price": "285.00", "cost": "142500.00"}]}
    assert plan.engine_result["total_cost"] == "282500.00"
    award = award_issue_notice(solicitation=bulk, plan_digest=plan.digest, actor=staff)
    assert award.plan == record and award.engine_result == record.engine_result
    assert award.engine_result["status"] == "optimal"
    assert {ab.vendor.legal_name: ab.allocations for ab in award.awarded_bids.all()} == \
        allocations_by_vendor(plan.winners)
    computed = AuditEvent.objects.get(action=AuditAction.AWARD_PLAN_COMPUTED)
    assert computed.after["inputs_digest"] == record.inputs_digest
    assert computed.after["total_cost"] == "282500.00"
    notice = AuditEvent.objects.get(action=AuditAction.AWARD_NOTICE_PUBLISHED)
    assert notice.after["plan"] == record.pk and notice.after["plan_digest"] == record.digest


def test_the_notice_awards_the_stored_plan_without_running_the_engine(cast, bulk, monkeypatch):
    staff = cast.actor(cast.staff)
    with pytest.raises(ValidationError, match="Compute the award plan first"):
        award_issue_notice(solicitation=bulk, actor=staff)
    record = award_plan_compute(solicitation=bulk, actor=staff)
    shown = award_plans.award_plan(solicitation=bulk, actor=staff)

    def another_run(problem):  # a time-limited run that would allocate differently now
        raise AssertionError("the award notice ran the award engine")
    monkeypatch.setattr(award_services, "run_engine", another_run)
    award = award_issue_notice(solicitation=bulk, plan_digest=shown.digest, actor=staff)
    assert award.plan == record
    assert {ab.vendor.legal_name: ab.allocations for ab in award.awarded_bids.all()} == \
        allocations_by_vendor(shown.winners)


def test_a_recomputed_plan_that_allocates_differently_is_not_the_plan_shown(cast, bulk, monkeypatch):
    staff = cast.actor(cast.staff)
    award_plan_compute(solicitation=bulk, actor=staff)
    first = award_plans.award_plan(solicitation=bulk, actor=staff)
    real = first.engine_result
    a, b = (w for w in sorted(first.winners, key=lambda w: w.vendor_name))
    other = copy.deepcopy(real)
    other.update(status="feasible", total_cost="290000.00", allocations=[
        {"item": "CB", "bid": f"{a.bid_id}:CB", "vendor": str(a.vendor_id), "quantity": 600,
         "unit_price": "280.00", "cost": "168000.00"},
        {"item": "CB", "bid": f"{b.bid_id}:CB", "vendor": str(b.vendor_id), "quantity": 400,
         "unit_price": "305.00", "cost": "122000.00"}])
    monkeypatch.setattr(award_services, "run_engine", lambda problem: other)
    award_plan_compute(solicitation=bulk, actor=staff)  # e.g. from another tab
    second = award_plans.award_plan(solicitation=bulk, actor=staff)
    assert second.inputs_digest == first.inputs_digest and second.digest != first.digest
    with pytest.raises(ValidationError, match="changed since it was shown"):
        award_issue_notice(solicitation=bulk, plan_digest=first.digest, actor=staff)
    award = award_issue_notice(solicitation=bulk, plan_digest=second.digest, actor=staff)
    assert sorted(ab.allocations[0]["quantity"] for ab in award.awarded_bids.all()) == [400, 600]
    assert award.engine_result["total_cost"] == "290000.00"


def test_a_plan_whose_inputs_changed_is_refused_until_recomputed(cast, bulk):
    staff = cast.actor(cast.staff)
    record = award_plan_compute(solicitation=bulk, actor=staff)
    bid = bulk.bids.get(vendor__legal_name="Bulk A, Inc.")
    consensus_record(solicitation=bulk, bid=bid, criterion=bulk.criteria.get(name="Support"),
                     points=7, comment="Good support", actor=staff)
    plan = award_plans.award_plan(solicitation=bulk, actor=staff)
    assert plan.record == record and "recompute the plan" in plan.stale and not plan.ready
    with pytest.raises(ValidationError, match="recompute the plan"):
        award_issue_notice(solicitation=bulk, actor=staff)
    with pytest.raises(ValidationError, match="recompute the plan"):
        award_issue_notice(solicitation=bulk, plan_digest=record.digest, actor=staff)
    fresh = award_plan_compute(solicitation=bulk, actor=staff)
    assert fresh.inputs_digest != record.inputs_digest
    award = award_issue_notice(solicitation=bulk, actor=staff)
    assert award.plan == fresh
    assert award.awarded_bids.get(bid=bid).total_score == Decimal("94.00")  # 80 + 7/10 x 20


def test_inputs_digest_follows_bids_scores_and_constraints(cast, bulk):
    before = award_plans.inputs_digest(bulk)
    assert award_plans.inputs_digest(bulk) == before  # stable
    bulk.max_vendor_share = Decimal("0.7")
    bulk.save()
    assert award_plans.inputs_digest(bulk) != before
    bulk.max_vendor_share = Decimal("0.6")
    bulk.save()
    assert award_plans.inputs_digest(bulk) == before
    line = bulk.lines.get()
    line.estimated_quantity = 1200
    line.save()
    assert award_plans.inputs_digest(bulk) != before
    line.estimated_quantity = 1000
    line.save()
    bid = bulk.bids.first()
    bid.revision += 1
    bid.save()
    assert award_plans.inputs_digest(bulk) != before


def test_an_upheld_protest_needs_a_new_plan(cast, bulk):
    staff = cast.actor(cast.staff)
    award_plan_compute(solicitation=bulk, actor=staff)
    award = award_issue_notice(solicitation=bulk, actor=staff)
    bulk.refresh_from_db()
    vendor_c = bulk.bids.get(vendor__legal_name="Bulk C, Inc.").vendor
    protest = protest_file(solicitation=bulk, grounds="Share cap misapplied",
                           actor=cast.actor(vendor_c.organisation.role_assignments.get().user,
                                            vendor_c.organisation))
    protest_decide(protest=protest, upheld=True, reasons="Review the allocation", actor=staff)
    with pytest.raises(ValidationError, match="already awarded by award notice version 1"):
        award_issue_notice(solicitation=bulk, actor=staff)
    award_plan_compute(solicitation=bulk, actor=staff)
    assert award_issue_notice(solicitation=bulk, actor=staff).version == award.version + 1


def test_only_staff_compute_and_only_during_the_evaluation(cast, bulk, open_solicitation):
    with pytest.raises(PermissionDenied):
        award_plan_compute(solicitation=bulk, actor=cast.actor(cast.buyer_a))
    with pytest.raises(ValidationError, match="computed during the evaluation"):
        award_plan_compute(solicitation=open_solicitation, actor=cast.actor(cast.staff))
    assert not AwardPlanRecord.objects.exists()


def test_manage_page_shows_the_stored_plan_and_never_runs_the_engine(client, cast, bulk, monkeypatch):
    runs = []
    solve = award_services.run_engine
    monkeypatch.setattr(award_services, "run_engine",
                        lambda problem, *progress: runs.append(1) or solve(problem, *progress))
    login(client, cast.staff)
    url = f"/solicitations/{bulk.pk}/manage/"
    page = client.get(url).content.decode()
    assert runs == []
    assert "No award plan has been computed yet." in page
    assert "Compute the award plan" in page and "Confirm and publish" not in page
    assert "no vendor above 60% of the spend; at most 2 vendors per line" in page

    # The compute button queues a background job and shows its live status page; pressed twice
    # (a double click), it queues one job.
    posted = client.post(f"/solicitations/{bulk.pk}/award-plan/")
    job = Job.objects.get()
    assert posted.status_code == 302 and posted.url == f"/jobs/{job.pk}/"
    assert client.post(f"/solicitations/{bulk.pk}/award-plan/").url == posted.url
    assert Job.objects.count() == 1 and runs == []
    page = client.get(url).content.decode()
    assert "Computing the award plan…" in page and " disabled>" in page
    assert 'hx-trigger="every 1s"' in page  # its status, polled

    run_queued_jobs()
    assert runs == [1]  # the worker ran the engine, once
    record = AwardPlanRecord.objects.get()
    status = client.get(posted.url).content.decode()
    assert "Status: Done" in status and "Best cost so far</dt><dd>$282,500.00" in status
    assert "Lower bound" in status and f'href="{url}#award"' in status
    job.refresh_from_db()
    assert job.result_type == "sourcing.awardplanrecord" and job.result_id == str(record.pk)
    page = client.get(url).content.decode()
    assert runs == [1]
    # The allocation, line by line, with vendor, quantity, unit price and cost.
    assert "<caption id=\"cap-allocation\">Allocation by line</caption>" in page
    assert ("<tr><th scope=\"row\">CB: Chromebook</th><td>Bulk A, Inc.</td><td class=\"num\">500</td>"
            "<td class=\"num\">$280.00</td><td class=\"num\">$140,000.00</td></tr>") in page
    assert "<td>Bulk B, Inc.</td><td class=\"num\">500</td><td class=\"num\">$285.00</td>" in page
    assert "$282,500.00" in page and "Optimal: proven the lowest cost" in page
    # Every baseline: its cost, whether it meets the constraints, the saving against it.
    assert "Savings against the baselines" in page
    assert "Lowest first-tier price per item" in page
    assert "Lowest price for the whole quantity per item" in page
    assert "$280,000.00" in page  # both baselines give A all 1,000 at 280.00
    # ... and which constraint a baseline breaks, naming the vendor (the engine names ids).
    assert "<td>No: Bulk A, Inc.: spend 280000.00 is more than 60% of the total 280000.00</td>" in page
    assert "−$2,500.00" in page and "−0.89%" in page
    assert "Spend by vendor" in page and "49.56%" in page
    assert f'name="plan_digest" value="{record.digest}"' in page
    # Confirming awards exactly what the page showed.
    response = client.post(f"/solicitations/{bulk.pk}/award-notice/",
                           {"rationale": "Lowest cost under the cap", "plan_digest": record.digest})
    assert response.status_code == 302 and runs == [1]
    bulk.refresh_from_db()
    assert bulk.awards.get().plan == record


def test_manage_page_says_when_the_plan_is_out_of_date(client, cast, bulk):
    staff = cast.actor(cast.staff)
    record = award_plan_compute(solicitation=bulk, actor=staff)
    consensus_record(solicitation=bulk, bid=bulk.bids.first(),
                     criterion=bulk.criteria.get(name="Support"), points=5, comment="Fine", actor=staff)
    login(client, cast.staff)
    page = client.get(f"/solicitations/{bulk.pk}/manage/").content.decode()
    assert "This plan is out of date and cannot be awarded." in page
    assert "recompute the plan" in page and "Recompute the award plan" in page
    assert "Allocation by line (out of date)" in page
    assert "Confirm and publish the award notice" not in page
    # A notice posted from an older page is refused with the reason.
    response = client.post(f"/solicitations/{bulk.pk}/award-notice/",
                           {"plan_digest": record.digest}, follow=True)
    assert "recompute the plan" in response.content.decode()
    assert not bulk.awards.exists()


def test_award_plan_api(client, cast, bulk):
    staff = token(cast.staff)
    base = f"/api/v1/solicitations/{bulk.pk}"
    missing = client.get(base + "/award-plan", **staff)
    assert missing.status_code == 404 and "POST" in missing.json()["detail"]
    assert send(client, "POST", base + "/award-plan", headers=token(cast.buyer_a)).status_code == 403
    queued = send(client, "POST", base + "/award-plan", headers=staff)
    assert queued.status_code == 202 and queued.json()["state"] == "queued"
    assert send(client, "POST", base + "/award-plan", headers=staff).json()["id"] == queued.json()["id"]
    job_url = f"/api/v1/jobs/{queued.json()['id']}"
    run_queued_jobs()
    job = client.get(job_url, **staff).json()
    assert job["state"] == "done" and job["result_type"] == "sourcing.awardplanrecord"
    assert job["progress"]["best"] == 282500.0 and job["progress"]["bound"] is not None
    computed = client.get(base + "/award-plan", **staff)
    assert computed.status_code == 200
    plan = computed.json()
    assert plan["stored"] and plan["ready"] and plan["stale"] is None
    assert plan["engine_result"]["total_cost"] == "282500.00"
    assert {w["vendor"] for w in plan["winners"]} == {"Bulk A, Inc.", "Bulk B, Inc."}
    shown = client.get(base + "/award-plan", **staff)
    assert shown.status_code == 200 and shown.json()["plan_digest"] == plan["plan_digest"]

    consensus = client.get(base, **staff).json()["criteria"]
    support = next(c["id"] for c in consensus if c["name"] == "Support")
    send(client, "POST", base + "/consensus", {"bid_id": plan["winners"][0]["bid_id"],
                                              "criterion_id": support, "points": 6,
                                              "comment": "ok"}, staff)
    stale = client.get(base + "/award-plan", **staff)
    assert stale.status_code == 409 and "recompute the plan" in stale.json()["detail"]
    assert stale.json()["plan"]["plan_digest"] == plan["plan_digest"]
    refused = send(client, "POST", base + "/award-notice",
                   {"rationale": "x", "plan_digest": plan["plan_digest"]}, staff)
    assert refused.status_code == 422 and "recompute the plan" in refused.json()["detail"]
    assert send(client, "POST", base + "/award-plan", headers=staff).status_code == 202
    run_queued_jobs()
    fresh = client.get(base + "/award-plan", **staff).json()
    award = send(client, "POST", base + "/award-notice",
                 {"rationale": "Lowest cost", "plan_digest": fresh["plan_digest"]}, staff)
    assert award.status_code == 201
    assert award.json()["engine_result"] == fresh["engine_result"]
