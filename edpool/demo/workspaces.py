"""Demo pieces that give each demo login's workspace (/home/) something to do, where the rest of
the demo leaves a panel empty for every login of a role: quotes answered and waiting for the
buyer's choice, a quote request for a vendor, participations waiting for each approver, evaluators
with a declaration to sign and a seat on the open solicitation, evidence expiring soon."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import RoleAssignment
from compliance.services.evidence import attestation_add
from contracts.models import MasterAgreement
from contracts.selectors.participation import join_requirements
from contracts.services.participation import (minicompetition_start, participation_join, quote_answer,
                                              quote_request)
from edpool.demo.build import _demo_pdf
from edpool.demo.contracts import board_finding
from edpool.demo.sourcing import _actor, _vendor
from sourcing.models import EvaluatorSeat, Solicitation
from sourcing.services.evaluation import evaluator_seat
from vendors.models import Vendor


def _seat(solicitation, email: str, staff) -> None:
    assignment = RoleAssignment.objects.get(user__email=email, role="evaluator")
    evaluator_seat(solicitation=solicitation, assignment=assignment, actor=staff)


def _prepare(district, vendor_name: str, buyer_email: str, value: str) -> None:
    """The buyer prepares a participation in the vendor's single-award agreement above the
    district's approval limit: it waits for the district's approver."""
    agreement = MasterAgreement.objects.get(vendor__organisation__name=vendor_name, award_kind="single_award")
    needs = join_requirements(district=district, agreement=agreement, annual_value=Decimal(value))
    participation_join(district=district, agreement=agreement, estimated_value=value,
                       confirmed_steps=needs.confirmations, **board_finding(district),
                       actor=_actor(buyer_email, "district_buyer"))


def build_workspaces_demo(report, members) -> None:
    if EvaluatorSeat.objects.filter(evaluator__email="evaluator3@demo.edpool.org",
                                    solicitation__title="Reading intervention K-3").exists():
        report.add("Demo workspace items already present.")
        return
    staff = _actor("staff@demo.edpool.org", "consortium_staff")
    # Evaluators: evaluator2 joins the bulk buy's committee (bids open: a declaration to sign);
    # evaluator3 and multi sit on the open reading solicitation (its dates ahead).
    bulk = Solicitation.objects.get(title="Chromebooks for 2027-28 (bulk buy)")
    reading = Solicitation.objects.get(title="Reading intervention K-3")
    _seat(bulk, "evaluator2@demo.edpool.org", staff)
    _seat(reading, "evaluator3@demo.edpool.org", staff)
    _seat(reading, "multi@demo.edpool.org", staff)

    # Buyer1 compares the displays vendors again for another school: Cedar has quoted, Northstar
    # has not answered yet.
    buyer1 = _actor("buyer1@demo.edpool.org", "district_buyer")
    displays = Solicitation.objects.get(title="Interactive classroom displays 2026")
    competition = minicompetition_start(district=members[0], solicitation=displays, quantities={"D65": 24},
                                        actor=buyer1)
    for name, answer in (("Cedar Classroom Tech", True), ("Northstar Displays", False)):
        agreement = MasterAgreement.objects.get(solicitation=displays, vendor__organisation__name=name)
        quote = quote_request(competition=competition, agreement=agreement,
                              message="24 boards for the new middle school, installed in August?", actor=buyer1)
        if answer:
            quote_answer(quote=quote, quote_total=competition.scores.get(agreement=agreement).price_total,
                         implementation_plan="Deliver and install in the first two weeks of August.",
                         actor=_vendor(name))

    # Each demo approver has a participation waiting (above the default $50,000 limit).
    _prepare(members[1], "Granite LMS", "buyer2@demo.edpool.org", "90000")
    _prepare(members[2], "Upland Tablets", "buyer3@demo.edpool.org", "75000")
    _prepare(members[3], "Granite LMS", "buyer4@demo.edpool.org", "180000")  # its limit: $150,000

    # Evidence expiring within 90 days: the vendors of the first two vendor logins.
    today = timezone.localdate()
    for name, kind, days in (("Acorn Device Works", "soc2", 45), ("Bluebird Learning", "coppa", 70)):
        vendor = Vendor.objects.get(organisation__name=name)
        attestation_add(vendor=vendor, kind=kind, attested_on=today - dt.timedelta(days=300),
                        expires_on=today + dt.timedelta(days=days),
                        document=SimpleUploadedFile(f"{kind}.pdf", _demo_pdf(f"{kind} attestation", f"{name}: "
                                                                            "attestation (demo)"),
                                                    content_type="application/pdf"),
                        actor=_vendor(name))
    report.add("Workspaces: 3 evaluator seats, a mini-competition with one quote answered, 3 participations "
               "waiting for approvers, 2 attestations expiring within 90 days.")
