"""Demo solicitations: one awarded (multi-award), one under evaluation (bulk buy), one open, and
one in its standstill with a bidder's protest recorded and not yet decided (the staff home's
"Protests open" panel)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from accounts.acting import Actor
from accounts.models import RoleAssignment
from catalog.models import Category
from edpool.demo.clock import at
from sourcing.models import Solicitation
from sourcing.services import awards, bids, evaluation, questions, solicitations
from sourcing.services.solicitations import SolicitationContent


def _actor(email: str, role: str) -> Actor:
    return Actor.from_assignment(RoleAssignment.objects.select_related("user", "organisation")
                                 .get(user__email=email, role=role))


def _vendor(name: str) -> Actor:
    assignment = (RoleAssignment.objects.select_related("user", "organisation")
                  .filter(organisation__name=name, role="vendor_user").first())
    return Actor.from_assignment(assignment)


CRITERIA = [{"name": "Price", "weight": 40, "is_price": True},
            {"name": "Functionality", "weight": 30},
            {"name": "Implementation and support", "weight": 15},
            {"name": "Privacy and accessibility", "weight": 15}]
REQUIREMENTS = [{"code": "dpa", "text": "Will sign the California Student Data Privacy Agreement (CSDPA)"},
                {"code": "wcag", "text": "Provides a WCAG 2.1 AA accessibility conformance report (VPAT)"}]


def _tiers(base: str, steps=(1, 250, 1000), cut=Decimal("0.04")) -> list[dict]:
    price = Decimal(base)
    tiers = []
    for i, minimum in enumerate(steps):
        tiers.append({"min_quantity": minimum,
                      "unit_price": str((price * (1 - cut * i)).quantize(Decimal("0.01")))})
    return tiers


def _bid(solicitation, vendor_name, prices: dict[str, str], attest=True):
    data = {"lines": [{"line": ref, "tiers": _tiers(p), "max_quantity": None}
                      for ref, p in prices.items()],
            "attestations": {"dpa": True, "wcag": attest}, "notes": "Demo bid."}
    bids.bid_submit(solicitation=solicitation, data=data, actor=_vendor(vendor_name))


def build_sourcing_demo(report) -> None:
    if Solicitation.objects.filter(title__startswith="Interactive classroom displays").exists():
        report.add("Demo solicitations already present.")
        return
    staff = _actor("staff@demo.edpool.org", "consortium_staff")
    now = timezone.now().replace(microsecond=0)
    categories = {c.code: c for c in Category.objects.all()}
    evaluators = [_actor(f"evaluator{i}@demo.edpool.org", "evaluator") for i in (1, 2)]

    # 1. Awarded four months ago: multi-award of interactive displays.
    start = now - dt.timedelta(days=150)
    with at(start):
        s1 = solicitations.solicitation_create(content=SolicitationContent(
            title="Interactive classroom displays 2026",
            description="65- and 75-inch interactive displays with installation, for member classrooms.",
            category=categories["displays"], lines=[
                {"reference": "D65", "description": "65-inch interactive display, installed", "unit": "display", "estimated_quantity": 900},
                {"reference": "D75", "description": "75-inch interactive display, installed", "unit": "display", "estimated_quantity": 1400}],
            requirements=REQUIREMENTS, criteria=CRITERIA, score_threshold=Decimal("70")),
            questions_deadline=start + dt.timedelta(days=14), bid_deadline=start + dt.timedelta(days=30),
            standstill_days=7, actor=staff)
        solicitations.solicitation_publish(solicitation=s1, actor=staff)
        for e in evaluators:
            evaluation.evaluator_seat(solicitation=s1, assignment=RoleAssignment.objects.get(
                user=e.user, role="evaluator"), actor=staff)
    with at(start + dt.timedelta(days=10)):
        _bid(s1, "Cedar Classroom Tech", {"D65": "1890.00", "D75": "2490.00"})
        _bid(s1, "Northstar Displays", {"D65": "1950.00", "D75": "2390.00"})
        _bid(s1, "Valley Interactive", {"D65": "2150.00", "D75": "2700.00"}, attest=False)
    with at(start + dt.timedelta(days=31)):
        # Declarations open at the deadline, when the bidders are known.
        for e in evaluators:
            evaluation.declaration_sign(solicitation=s1, relationships=[], actor=e)
        solicitations.solicitation_start_evaluation(solicitation=s1, actor=staff)
        for vendor, scores in (("Cedar Classroom Tech", (8, 8, 9)), ("Northstar Displays", (7, 9, 8))):
            bid = s1.bids.get(vendor__organisation__name=vendor)
            for criterion, points in zip(s1.criteria.filter(is_price=False), scores):
                for e in evaluators:
                    evaluation.score_record(solicitation=s1, bid=bid, criterion=criterion,
                                            points=points, comment="Demo score", actor=e)
                evaluation.consensus_record(solicitation=s1, bid=bid, criterion=criterion,
                                            points=points, comment="Committee consensus", actor=staff)
    with at(start + dt.timedelta(days=40)):
        awards.award_issue_notice(solicitation=s1, rationale="Both responsive bidders exceed the "
                                  "threshold; members choose by mini-competition.", actor=staff)

    # 2. Under evaluation: a bulk buy of Chromebooks, deadline a week ago.
    start = now - dt.timedelta(days=40)
    with at(start):
        s2 = solicitations.solicitation_create(content=SolicitationContent(
            title="Chromebooks for 2027-28 (bulk buy)",
            description="Student Chromebooks with management licences for every member, delivered July 2027.",
            category=categories["chromebooks"], award_method="bulk_buy",
            max_vendor_share=Decimal("0.6"), max_vendors_per_line=2, lines=[
                {"reference": "CB-11", "description": "11.6-inch Chromebook, 8 GB", "unit": "device", "estimated_quantity": 18000},
                {"reference": "CB-14", "description": "14-inch Chromebook, 8 GB (staff)", "unit": "device", "estimated_quantity": 2500},
                {"reference": "CEU", "description": "Chrome Education Upgrade licence", "unit": "licence", "estimated_quantity": 20500}],
            requirements=REQUIREMENTS, criteria=CRITERIA, score_threshold=Decimal("60")),
            questions_deadline=start + dt.timedelta(days=15), bid_deadline=now - dt.timedelta(days=7),
            standstill_days=7, actor=staff)
        solicitations.solicitation_publish(solicitation=s2, actor=staff)
        evaluation.evaluator_seat(solicitation=s2, assignment=RoleAssignment.objects.get(
            user=evaluators[0].user, role="evaluator"), actor=staff)
    with at(start + dt.timedelta(days=20)):
        _bid(s2, "Acorn Device Works", {"CB-11": "289.00", "CB-14": "419.00", "CEU": "33.00"})
        _bid(s2, "Juniper Devices", {"CB-11": "279.00", "CB-14": "435.00", "CEU": "34.50"})
        _bid(s2, "Redwood Laptops", {"CB-11": "295.00", "CB-14": "409.00", "CEU": "32.00"})
    with at(now - dt.timedelta(days=6)):
        evaluation.declaration_sign(solicitation=s2, relationships=[], actor=evaluators[0])
        solicitations.solicitation_start_evaluation(solicitation=s2, actor=staff)
    with at(now - dt.timedelta(days=1)):
        # The award engine's plan, stored for staff to review and confirm on the manage page.
        awards.award_plan_compute(solicitation=s2, actor=staff)

    # 3. Open for bids: reading intervention, with a question answered and an addendum.
    s3 = solicitations.solicitation_create(content=SolicitationContent(
        title="Reading intervention K-3",
        description="Evidence-based reading intervention software for grades K-3, per-student licences.",
        category=categories["reading"], lines=[
            {"reference": "RI-S", "description": "Student licence, one school year", "unit": "seat", "estimated_quantity": 85000},
            {"reference": "RI-PD", "description": "Teacher professional development, per site", "unit": "site", "estimated_quantity": 240}],
        requirements=REQUIREMENTS, criteria=CRITERIA),
        questions_deadline=now + dt.timedelta(days=10), bid_deadline=now + dt.timedelta(days=21),
        standstill_days=7, actor=staff)
    solicitations.solicitation_publish(solicitation=s3, actor=staff)
    _bid(s3, "Bluebird Learning", {"RI-S": "18.50", "RI-PD": "1200.00"})
    q = questions.question_ask(solicitation=s3, text="Must the program support Spanish-language instruction?",
                               actor=_vendor("Orchard Reading Co."))
    questions.question_answer(question=q, answer="Spanish support is scored under Functionality; it is not mandatory.",
                              actor=staff)
    solicitations.addendum_publish(solicitation=s3, summary="Clarified that rostering must use OneRoster 1.2 or Clever.",
                                   actor=staff)
    _bid(s3, "Orchard Reading Co.", {"RI-S": "17.90", "RI-PD": "1350.00"})
    _protested_award(staff, evaluators, categories, now)
    report.add("Solicitations: one awarded, one under evaluation (bulk buy), one open for bids, one in "
               "its standstill with a protest open.")


def _protested_award(staff: Actor, evaluators: list[Actor], categories, now: dt.datetime) -> None:
    """4. Award notice two days ago (standstill of 7 days): the bidder left out protests it."""
    start = now - dt.timedelta(days=40)
    with at(start):
        s4 = solicitations.solicitation_create(content=SolicitationContent(
            title="Library display carts 2027",
            description="Mobile 55-inch display carts for school libraries, delivered and set up.",
            category=categories["displays"], lines=[
                {"reference": "DC55", "description": "55-inch display on a mobile cart, set up", "unit": "cart",
                 "estimated_quantity": 300}],
            requirements=REQUIREMENTS, criteria=CRITERIA, score_threshold=Decimal("75")),
            questions_deadline=start + dt.timedelta(days=10), bid_deadline=start + dt.timedelta(days=25),
            standstill_days=7, actor=staff)
        solicitations.solicitation_publish(solicitation=s4, actor=staff)
        evaluation.evaluator_seat(solicitation=s4, assignment=RoleAssignment.objects.get(
            user=evaluators[0].user, role="evaluator"), actor=staff)
    with at(start + dt.timedelta(days=12)):
        _bid(s4, "Northstar Displays", {"DC55": "1490.00"})
        _bid(s4, "Cedar Classroom Tech", {"DC55": "1420.00"})
    with at(start + dt.timedelta(days=26)):
        evaluation.declaration_sign(solicitation=s4, relationships=[], actor=evaluators[0])
        solicitations.solicitation_start_evaluation(solicitation=s4, actor=staff)
        for vendor, scores in (("Northstar Displays", (9, 9, 9)), ("Cedar Classroom Tech", (6, 5, 6))):
            bid = s4.bids.get(vendor__organisation__name=vendor)
            for criterion, points in zip(s4.criteria.filter(is_price=False), scores):
                evaluation.score_record(solicitation=s4, bid=bid, criterion=criterion, points=points,
                                        comment="Demo score", actor=evaluators[0])
                evaluation.consensus_record(solicitation=s4, bid=bid, criterion=criterion, points=points,
                                            comment="Committee consensus", actor=staff)
    with at(now - dt.timedelta(days=2)):
        awards.award_issue_notice(solicitation=s4, rationale="Only Northstar Displays reaches the "
                                  "threshold of 75 points.", actor=staff)
    with at(now - dt.timedelta(days=1)):
        awards.protest_file(solicitation=s4, actor=_vendor("Cedar Classroom Tech"), grounds=(
            "Our cart was scored 5 of 10 for implementation although the bid includes set-up in every "
            "library; we ask the consortium to review the committee's scores."))
