"""Demo agreements: the awarded displays solicitation becomes two master agreements (multi-award),
a learning-platform solicitation awarded to one vendor becomes a single-award agreement, and
demo districts join them: with a mini-competition, with a DPA joinder, above the approval limit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from accounts.acting import Actor
from accounts.models import RoleAssignment
from catalog.models import Category, Product
from catalog.services import ProductData, product_create
from edpool.demo.product_facts import product_facts
from contracts.models import MasterAgreement
from contracts.selectors.participation import join_requirements
from contracts.services.agreements import (agreement_activate, agreements_create_from_award,
                                           schedule_map_product)
from contracts.services.participation import (minicompetition_decide, minicompetition_start,
                                              participation_approve, participation_countersign,
                                              participation_join, quote_answer, quote_request)
from edpool.demo.clock import at
from edpool.demo.sourcing import CRITERIA, REQUIREMENTS, _actor, _bid, _vendor
from sourcing.models import Solicitation
from sourcing.services import awards, evaluation, solicitations
from sourcing.services.solicitations import SolicitationContent
from vendors.models import Vendor

SYSTEM = Actor.system("edpool demo")


def board_finding(district) -> dict:
    """The board finding a demo district records when it joins an agreement (California requires
    one of best interest, Cal. Pub. Contract Code 20118): dated three weeks before the join."""
    on = timezone.localdate() - dt.timedelta(days=21)
    return {"board_finding_on": on,
            "board_finding_reference": f"Board resolution {on.year}-{district.pk % 90 + 10:02d}"}


def _ensure_product(vendor_name: str, name: str, category: str, price: str, unit: str) -> Product:
    vendor = Vendor.objects.get(organisation__name=vendor_name)
    existing = Product.objects.filter(vendor=vendor, name=name).first()
    if existing:
        return existing
    return product_create(vendor=vendor, actor=SYSTEM, data=ProductData(
        name=name, category=Category.objects.get(code=category), kind="device",
        list_price=Decimal(price), unit=unit, **product_facts(name, "device", unit), description=f"{name} (demo product).",
        grade_bands=["K-2", "3-5", "6-8", "9-12"]))


def _lms_solicitation(staff, evaluators) -> Solicitation:
    """Awarded about five months ago to Granite LMS alone (Sierra fell below the score
    threshold): a single-award agreement."""
    start = timezone.now().replace(microsecond=0) - dt.timedelta(days=200)
    with at(start):
        s = solicitations.solicitation_create(content=SolicitationContent(
            title="Learning management system 2026",
            description="A learning management system for member schools, licensed per student.",
            category=Category.objects.get(code="lms"), score_threshold=Decimal("75"),
            lines=[{"reference": "LMS", "description": "Learning management system, per student a year",
                    "unit": "student", "estimated_quantity": 250000}],
            requirements=REQUIREMENTS, criteria=CRITERIA),
            questions_deadline=start + dt.timedelta(days=10), bid_deadline=start + dt.timedelta(days=25),
            standstill_days=7, actor=staff)
        s = solicitations.solicitation_publish(solicitation=s, actor=staff)
        evaluation.evaluator_seat(solicitation=s, assignment=RoleAssignment.objects.get(
            user=evaluators[0].user, role="evaluator"), actor=staff)
    with at(start + dt.timedelta(days=8)):
        _bid(s, "Granite LMS", {"LMS": "7.00"})
        _bid(s, "Sierra Learning Platform", {"LMS": "6.50"})
    with at(start + dt.timedelta(days=26)):
        evaluation.declaration_sign(solicitation=s, relationships=[], actor=evaluators[0])
        s = solicitations.solicitation_start_evaluation(solicitation=s, actor=staff)
        for vendor, points in (("Granite LMS", 9), ("Sierra Learning Platform", 3)):
            bid = s.bids.get(vendor__organisation__name=vendor)
            for criterion in s.criteria.filter(is_price=False):
                evaluation.consensus_record(solicitation=s, bid=bid, criterion=criterion, points=points,
                                            comment="Committee consensus", actor=staff)
    with at(start + dt.timedelta(days=35)):
        awards.award_issue_notice(solicitation=s, rationale="Only Granite meets the threshold.", actor=staff)
    return s


def build_contracts_demo(report, members) -> None:
    if MasterAgreement.objects.exists():
        report.add("Demo agreements already present.")
        return
    staff = _actor("staff@demo.edpool.org", "consortium_staff")
    evaluators = [_actor(f"evaluator{i}@demo.edpool.org", "evaluator") for i in (1, 2)]
    displays = Solicitation.objects.get(title="Interactive classroom displays 2026")
    lms = _lms_solicitation(staff, evaluators)
    products = {
        "Cedar Classroom Tech": [("D65", _ensure_product("Cedar Classroom Tech", "Cedar Board 65", "displays", "2100.00", "display")),
                                 ("D75", _ensure_product("Cedar Classroom Tech", "Cedar Board 75", "displays", "2750.00", "display"))],
        "Northstar Displays": [("D65", _ensure_product("Northstar Displays", "Northstar 65 Display", "displays", "2150.00", "display")),
                               ("D75", Product.objects.get(name="Northstar 75 Display"))],
        "Granite LMS": [("LMS", Product.objects.get(name="Granite Classroom"))],
    }
    today = timezone.localdate()
    agreements = {}
    for solicitation, started in ((displays, today - dt.timedelta(days=95)), (lms, today - dt.timedelta(days=150))):
        for agreement in agreements_create_from_award(solicitation=solicitation, actor=staff):
            name = agreement.vendor.organisation.name
            for line, product in products[name]:
                schedule_map_product(agreement=agreement, line_reference=line, product=product, actor=staff)
            agreements[name] = agreement_activate(
                agreement=agreement, start_date=started, term_months=36, renewal_options=2,
                renewal_months=12, vendor_signed_by=f"Contracts director, {name}",
                consortium_signed_by="Board chair (demo)", actor=staff)
    # Districts join. members[0..2] have demo buyers (buyer1..3) and approvers.
    buyers = [_actor(f"buyer{i}@demo.edpool.org", "district_buyer") for i in (1, 2, 3)]
    approver3 = _actor("approver3@demo.edpool.org", "district_approver")

    def compete_and_join(buyer, district, chosen: str, quantities, value, countersign=True):
        competition = minicompetition_start(district=district, solicitation=displays,
                                            quantities=quantities, actor=buyer)
        agreement = agreements[chosen]
        quote = quote_request(competition=competition, agreement=agreement,
                              message="Installation over the summer break?", actor=buyer)
        total = competition.scores.get(agreement=agreement).price_total
        quote_answer(quote=quote, quote_total=total, implementation_plan="Install in July, train staff in August.",
                     actor=_vendor(chosen))
        minicompetition_decide(competition=competition, agreement=agreement,
                               reasons="Lowest price for our quantities and a summer installation plan.",
                               actor=buyer)
        needs = join_requirements(district=district, agreement=agreement, annual_value=Decimal(value))
        participation = participation_join(district=district, agreement=agreement, estimated_value=value,
                                           mini_competition=competition, confirmed_steps=needs.confirmations,
                                           **board_finding(district),
                                           actor=buyer)
        if countersign:
            participation_countersign(participation=participation, actor=_vendor(chosen))
        return participation

    compete_and_join(buyers[0], members[0], "Northstar Displays", {"D75": 120}, "45000")
    compete_and_join(buyers[1], members[1], "Cedar Classroom Tech", {"D65": 40, "D75": 20}, "40000",
                     countersign=False)
    granite = agreements["Granite LMS"]
    # The third district has no DPA with Granite: it adopts Granite's general offer in the same step.
    needs = join_requirements(district=members[2], agreement=granite, annual_value=Decimal(60000))
    participation = participation_join(district=members[2], agreement=granite, estimated_value="60000",
                                       confirmed_steps=needs.confirmations, **board_finding(members[2]),
                                       actor=buyers[2])
    participation_approve(participation=participation, actor=approver3)
    participation_countersign(participation=participation, actor=_vendor("Granite LMS"))
    report.add(f"Agreements: {len(agreements)} active (2 multi-award displays, 1 single-award LMS); "
               f"3 districts joined (one with a DPA joinder and approval, one awaiting the vendor).")
