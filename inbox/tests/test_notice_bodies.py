"""Every notify() call site runs here, through its service, and what it sends reads for people:
no dict or list repr ("{'CB-11': 600}"), no Decimal repr, no timestamp with microseconds, in the
email (locmem outbox) or the inbox; and every email ends with the absolute link to its page.

The last test checks that these tests between them run every call site in the source, so a new
notify() without a test here fails the build."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from inbox.models import Notice
from inbox.tests.notice_sites import REPR, Recorder, all_sites

P = "contracts/services/participation.py:"
SOURCING_SITES = {"sourcing/services/solicitations.py:solicitation_publish#1",
                  "sourcing/services/questions.py:question_answer#1",
                  "sourcing/services/solicitations.py:addendum_publish#1",
                  "sourcing/services/solicitations.py:solicitation_cancel#1"}
AWARD_SITES = {"sourcing/services/awards.py:award_issue_notice#1",
               "sourcing/services/awards.py:protest_decide#1"}
AGREEMENT_SITES = {P + "quote_request#1", P + "quote_answer#1", P + "participation_join#1",
                   P + "participation_join#2", P + "participation_approve#1",
                   P + "participation_countersign#1", "orders/services/lifecycle.py:_price_and_count#1",
                   "reports/services.py:sales_report_submit#1", "reports/services.py:fee_invoice_issue#1",
                   "reports/tick.py:_send_once#1", "contracts/tick.py:_send_once#1"}
DPA_SITES = {"compliance/services/evidence.py:dpa_create#1",
             "compliance/services/dpa_sides.py:joinders_flag_for_review#1"}
REJECTION_SITES = {P + "participation_reject#1", "orders/services/lifecycle.py:order_reject#1"}
SURVEY_SITES = {"surveys/tick.py:_remind#1", "surveys/services/solicitation.py:declaring_districts_tell#1"}
VENDOR_SITES = {"vendors/services.py:vendor_register#1", "vendors/services.py:vendor_user_invite#1"}


@pytest.fixture
def recorder(monkeypatch):
    return Recorder(monkeypatch)


def assert_readable(settings) -> None:
    assert mail.outbox, "nothing was sent"
    site = settings.SITE_URL.rstrip("/")
    for message in mail.outbox:
        for text in (message.subject, message.body):
            assert not REPR.search(text), f"{message.subject!r}: {text!r}"
        last = message.body.rstrip().splitlines()[-1]
        assert last.startswith("Open it in EdPool: " + site + "/"), f"{message.subject!r} ends {last!r}"
    for notice in Notice.objects.all():
        for text in (notice.subject, notice.body):
            assert not REPR.search(text), f"{notice.subject!r}: {text!r}"
        assert notice.link.startswith("/")


def test_the_pattern_catches_what_people_must_not_see():
    for bad in ("{'CB-11': 600, 'CEU': 600}", "['a']", "Decimal('1.00')", "2026-12-03 05:47:04.123456+00:00",
                "2026-12-03T05:47:04.5Z"):
        assert REPR.search(bad), bad
    assert not REPR.search("CB-11 × 600, CEU × 600 for $1,234.50, due 2026-12-03 05:47 PST")


def test_solicitation_notices(cast, category, clock, recorder, settings, django_capture_on_commit_callbacks):
    from sourcing.services.bids import bid_submit
    from sourcing.services.questions import question_answer, question_ask
    from sourcing.services.solicitations import (addendum_publish, solicitation_cancel, solicitation_create,
                                                 solicitation_publish)
    from tests.helpers import bid_data, content

    staff = cast.actor(cast.staff)
    cast.vendor_a.categories.add(category)
    now = clock.now()
    with django_capture_on_commit_callbacks(execute=True):
        sol = solicitation_create(content=content(category), questions_deadline=now + dt.timedelta(days=5),
                                  bid_deadline=now + dt.timedelta(days=10), actor=staff)
        sol = solicitation_publish(solicitation=sol, actor=staff)
        bid_submit(solicitation=sol, data=bid_data(), actor=cast.actor(cast.vendor_user_a))
        question = question_ask(solicitation=sol, text="Which warranty?", actor=cast.actor(cast.vendor_user_b))
        question_answer(question=question, answer="Three years.", actor=staff)
        addendum_publish(solicitation=sol, summary="The warranty is three years.", actor=staff)
        solicitation_cancel(solicitation=sol, reason="Funding withdrawn", actor=staff)
    assert recorder.ran == SOURCING_SITES
    assert_readable(settings)
    assert Notice.objects.filter(recipient=cast.vendor_user_a, link=f"/solicitations/{sol.pk}/bid/").exists()


def test_award_and_protest_notices(cast, evaluating, recorder, settings, django_capture_on_commit_callbacks):
    from sourcing.services.awards import award_issue_notice, protest_decide, protest_file
    from sourcing.services.evaluation import consensus_record

    staff = cast.actor(cast.staff)
    for vendor, points in ((cast.vendor_a, 9), (cast.vendor_b, 2)):
        bid = evaluating.bids.get(vendor=vendor)
        for name in ("Functionality", "Support"):
            consensus_record(solicitation=evaluating, bid=bid, criterion=evaluating.criteria.get(name=name),
                             points=points, comment="Agreed", actor=staff)
    with django_capture_on_commit_callbacks(execute=True):
        award_issue_notice(solicitation=evaluating, rationale="Best value", actor=staff)
        protest = protest_file(solicitation=evaluating, grounds="Under-scored",
                               actor=cast.actor(cast.vendor_user_b))
        protest_decide(protest=protest, upheld=False, reasons="The scores are consistent.", actor=staff)
    assert recorder.ran == AWARD_SITES
    assert_readable(settings)


def test_agreement_order_and_report_notices(cast, awarded, agreements, general_offer, clock, recorder, settings,
                                            django_capture_on_commit_callbacks):
    from contracts.selectors.agreements import current_schedule, successor_due_on
    from contracts.selectors.participation import join_requirements
    from contracts.services.participation import (minicompetition_decide, minicompetition_start,
                                                  participation_approve, participation_countersign,
                                                  participation_join, quote_answer, quote_request)
    from contracts.tick import expiry_notices, successor_notices
    from orders.services import order_create, order_submit
    from reports.quarters import Quarter
    from reports.services import fee_invoice_issue, reconciliation_item_resolve, sales_report_submit
    from reports.tick import sales_report_reminders
    from tests.fixtures.orders import join, low_limit

    agreement = agreements[cast.vendor_a.pk]
    device = current_schedule(agreement).entries.get(line_reference="CB").product
    with django_capture_on_commit_callbacks(execute=True):
        join(cast, cast.district_a, cast.buyer_a, agreement, awarded)  # within A's limit: to the vendor
        low_limit(cast.district_b, "100.00")  # B's approver must approve
        buyer = cast.actor(cast.buyer_b)
        competition = minicompetition_start(district=cast.district_b, solicitation=awarded,
                                            quantities={"CB": 600, "LIC": 1200}, actor=buyer)
        quote = quote_request(competition=competition, agreement=agreement, actor=buyer)
        quote_answer(quote=quote, quote_total=Decimal("1234.5"), implementation_plan="In August",
                     actor=cast.actor(cast.vendor_user_a))
        minicompetition_decide(competition=competition, agreement=agreement, reasons="Price", actor=buyer)
        needs = join_requirements(district=cast.district_b, agreement=agreement, annual_value=Decimal(5000))
        participation = participation_join(district=cast.district_b, agreement=agreement, estimated_value=5000,
                                           mini_competition=competition, confirmed_steps=needs.confirmations,
                                           actor=buyer)
        participation_approve(participation=participation, actor=cast.actor(cast.approver_b))
        participation_countersign(participation=participation, actor=cast.actor(cast.vendor_user_a))
        quarter = Quarter.of(timezone.localdate())
        clock.set(timezone.make_aware(dt.datetime.combine(quarter.end + dt.timedelta(days=1), dt.time(10))))
        report = sales_report_submit(agreement=agreement, quarter=quarter, actor=cast.actor(cast.vendor_user_a),
                                     lines=[{"district": cast.district_a.pk, "product": device.pk, "quantity": 10,
                                             "unit_price": "301.00"}])
        for item in report.items.all():
            reconciliation_item_resolve(item=item, note="Checked", actor=cast.actor(cast.staff))
        fee_invoice_issue(report=report, actor=cast.actor(cast.staff))
        sales_report_reminders(quarter.due)  # vendor B has not reported
        expiry_notices(agreement.end_date - dt.timedelta(days=30))
        successor_notices(successor_due_on(agreement))
        # after the report: reconciling a quarter that holds an order awaiting approval fails
        # (reports/reconcile.py adds its unset unit price), a separate problem
        low_limit(cast.district_a, "1.00")  # the order waits for A's approver
        order = order_submit(order=order_create(district=cast.district_a, agreement=agreement,
                                                lines=[(device, 10)], actor=cast.actor(cast.buyer_a)),
                             actor=cast.actor(cast.buyer_a))
    assert recorder.ran == AGREEMENT_SITES
    assert_readable(settings)
    bodies = "\n".join(m.body for m in mail.outbox)
    assert "CB × 600, LIC × 1,200" in bodies and "$1,234.50" in bodies
    approver = Notice.objects.get(recipient=cast.approver_a, subject__startswith=f"Approve order {order.number}")
    assert approver.link == f"/orders/{order.pk}/"


def test_rejection_notices(cast, awarded, agreements, general_offer, recorder, settings,
                           django_capture_on_commit_callbacks):
    from contracts.selectors.agreements import current_schedule
    from contracts.selectors.participation import join_requirements
    from contracts.services.participation import (minicompetition_decide, minicompetition_start,
                                                  participation_join, participation_reject, quote_answer,
                                                  quote_request)
    from orders.services import order_create, order_reject, order_submit
    from tests.fixtures.orders import join, low_limit

    agreement = agreements[cast.vendor_a.pk]
    device = current_schedule(agreement).entries.get(line_reference="CB").product
    join(cast, cast.district_a, cast.buyer_a, agreement, awarded)
    low_limit(cast.district_a, "1.00")
    low_limit(cast.district_b, "1.00")
    with django_capture_on_commit_callbacks(execute=True):
        order = order_submit(order=order_create(district=cast.district_a, agreement=agreement,
                                                lines=[(device, 10)], actor=cast.actor(cast.buyer_a)),
                             actor=cast.actor(cast.buyer_a))
        recorder.ran.clear()  # the approver's notice is another test's
        order_reject(order=order, reason="Over this year's budget", actor=cast.actor(cast.approver_a))
        buyer = cast.actor(cast.buyer_b)
        competition = minicompetition_start(district=cast.district_b, solicitation=awarded,
                                            quantities={"CB": 10}, actor=buyer)
        quote = quote_request(competition=competition, agreement=agreement, actor=buyer)
        quote_answer(quote=quote, quote_total=Decimal("2900"), implementation_plan="In August",
                     actor=cast.actor(cast.vendor_user_a))
        minicompetition_decide(competition=competition, agreement=agreement, reasons="Price", actor=buyer)
        needs = join_requirements(district=cast.district_b, agreement=agreement, annual_value=Decimal(5000))
        participation = participation_join(district=cast.district_b, agreement=agreement, estimated_value=5000,
                                           mini_competition=competition, confirmed_steps=needs.confirmations,
                                           actor=buyer)
        recorder.ran -= {P + "quote_request#1", P + "quote_answer#1"}
        recorder.ran.discard(P + "participation_join#1")
        recorder.ran.discard(P + "participation_join#2")
        participation_reject(participation=participation, reason="Not approved by the board",
                             actor=cast.actor(cast.approver_b))
    assert recorder.ran == REJECTION_SITES
    assert_readable(settings)
    bodies = "\n".join(m.body for m in mail.outbox)
    assert "Over this year's budget" in bodies and "Not approved by the board" in bodies


def test_dpa_notices(cast, recorder, settings, django_capture_on_commit_callbacks):
    """A vendor's DPA asks the district to countersign; withdrawing an offer flags its joinders."""
    from compliance.services.dpa_sides import dpa_district_sign
    from compliance.services.evidence import dpa_create, dpa_joinder_adopt, dpa_withdraw
    from compliance.tests.conftest import actor_of, days, make_product
    from tests.helpers import pdf

    product = make_product(cast.vendor_a, bands=("9-12",))
    with django_capture_on_commit_callbacks(execute=True):
        offer = dpa_create(vendor=cast.vendor_a, district=cast.district_b, template="ndpa",
                           template_version="v2", signed_on=days(-10), products=[product], document=pdf(),
                           general_offer=True, actor=actor_of(cast.vendor_user_a))
        offer = dpa_district_sign(dpa=offer, actor=actor_of(cast.buyer_b))
        dpa_joinder_adopt(district=cast.district_a, dpa=offer, actor=actor_of(cast.buyer_a))
        recorder.ran.discard("compliance/services/evidence.py:dpa_joinder_adopt#1")
        dpa_withdraw(dpa=offer, reason="Signed in error", actor=actor_of(cast.vendor_user_a))
    assert recorder.ran == DPA_SITES
    assert_readable(settings)
    bodies = "\n".join(m.body for m in mail.outbox)
    assert "countersigns it in EdPool" in bodies and "Signed in error" in bodies


def test_vendor_account_emails(cast, recorder, settings, django_capture_on_commit_callbacks):
    from accounts.acting import Actor
    from vendors.services import vendor_register, vendor_user_invite

    settings.SITE_URL = "https://edpool.example.org"
    with django_capture_on_commit_callbacks(execute=True):
        vendor_register(company_name="Newco", legal_name="Newco, Inc.", contact_name="Nina New",
                        email="nina@newco.example", password="a-Strong-passw0rd-2026", categories=[],
                        actor=Actor.system("test"))
        vendor_user_invite(vendor=cast.vendor_a, email="colleague@vendor-a.example", full_name="Col League",
                           actor=cast.actor(cast.vendor_user_a))
    assert recorder.ran == VENDOR_SITES
    assert_readable(settings)
    assert Notice.objects.count() == 0  # their links are credentials: email only


def test_survey_notices(cast, category, clock, recorder, settings, django_capture_on_commit_callbacks):
    from sourcing.services.solicitations import solicitation_publish
    from surveys.services.answers import response_save
    from surveys.services.solicitation import survey_solicitation_create
    from surveys.services.surveys import survey_create, survey_publish
    from surveys.tick import survey_reminders

    staff = cast.actor(cast.staff)
    now = clock.now()
    survey = survey_create(title="2027-28 devices", cycle="2027-28", opens_at=now - dt.timedelta(days=1),
                           closes_at=now + dt.timedelta(days=2), actor=staff,
                           needs=[{"category": category, "kind": "device", "grade_bands": ["K-2"],
                                   "description": "Chromebooks", "unit": "device"}])
    survey_publish(survey=survey, actor=staff)
    response_save(survey=survey, submit=True, actor=cast.actor(cast.buyer_a), answers=[{
        "need": "N1", "commitment": "committed", "quantities": {"K-2": 40}, "needed_by": "2027-07",
        "funding_source": "general_fund"}])
    with django_capture_on_commit_callbacks(execute=True):
        survey_reminders(clock.today())  # district B has not answered
        link = survey_solicitation_create(survey=survey, category=category, actor=staff)
        solicitation_publish(solicitation=link.solicitation, actor=staff)
    assert recorder.ran == SURVEY_SITES | {"sourcing/services/solicitations.py:solicitation_publish#1"}
    assert_readable(settings)


def test_every_call_site_is_run_by_a_test_above():
    assert all_sites() == (SOURCING_SITES | AWARD_SITES | AGREEMENT_SITES | REJECTION_SITES | DPA_SITES | VENDOR_SITES
                           | SURVEY_SITES)
