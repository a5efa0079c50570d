"""A final multi-award (vendors A and B on both lines), with products mapped, ready to sign."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from django.utils import timezone

from catalog.services import ProductData, category_ensure, product_create
from compliance.services.rules import rules_load
from contracts.services.agreements import (agreement_activate, agreements_create_from_award,
                                           schedule_map_product)
from sourcing.services.awards import award_issue_notice
from sourcing.services.bids import bid_submit
from sourcing.services.evaluation import consensus_record
from sourcing.services.solicitations import (SolicitationContent, solicitation_create,
                                             solicitation_publish, solicitation_start_evaluation)
from tests.cast import SYSTEM


def tiers(p1: str, p2: str, p3: str) -> list[dict]:
    return [{"min_quantity": 1, "unit_price": p1}, {"min_quantity": 1000, "unit_price": p2},
            {"min_quantity": 5000, "unit_price": p3}]


@pytest.fixture
def awarded(cast, clock):
    """A final award of SOL (lines CB: Chromebook, LIC: licence) to vendors A and B."""
    rules_load(actor=SYSTEM)
    staff = cast.actor(cast.staff)
    category = category_ensure(code="chromebooks", name="Chromebooks", actor=SYSTEM)
    now = clock.now()
    s = solicitation_create(content=SolicitationContent(
        title="Chromebooks", description="", category=category,
        lines=[{"reference": "CB", "description": "Chromebook", "unit": "device", "estimated_quantity": 6000},
               {"reference": "LIC", "description": "Licence", "unit": "licence", "estimated_quantity": 6000}],
        requirements=[], criteria=[{"name": "Price", "weight": 60, "is_price": True},
                                   {"name": "Support", "weight": 40}], score_threshold=Decimal(10)),
        questions_deadline=now + dt.timedelta(days=1), bid_deadline=now + dt.timedelta(days=2),
        standstill_days=5, actor=staff)
    s = solicitation_publish(solicitation=s, actor=staff)
    for user, cb, lic in ((cast.vendor_user_a, tiers("300.00", "290.00", "280.00"), tiers("30.00", "28.00", "26.00")),
                          (cast.vendor_user_b, tiers("310.00", "285.00", "270.00"), tiers("29.00", "27.50", "25.00"))):
        bid_submit(solicitation=s, data={"lines": [{"line": "CB", "tiers": cb}, {"line": "LIC", "tiers": lic}],
                                         "attestations": {}}, actor=cast.actor(user))
    clock.set(s.bids_open_at)
    s = solicitation_start_evaluation(solicitation=s, actor=staff)
    support = s.criteria.get(name="Support")
    for bid in s.bids.all():
        consensus_record(solicitation=s, bid=bid, criterion=support, points=8, comment="ok", actor=staff)
    award = award_issue_notice(solicitation=s, actor=staff)
    clock.set(award.standstill_ends_at)
    return s


def make_product(vendor, name, price="330.00", category_code="chromebooks", kind="device"):
    category = category_ensure(code=category_code, name=category_code.title(), actor=SYSTEM)
    return product_create(vendor=vendor, data=ProductData(
        name=name, category=category, kind=kind, list_price=Decimal(price), unit="each",
        data_collected=["student_identifiers"] if kind != "device" else []), actor=SYSTEM)


@pytest.fixture
def agreements(cast, awarded, clock):
    """Both agreements created, products mapped, signed and active from today."""
    staff = cast.actor(cast.staff)
    result = {}
    for agreement in agreements_create_from_award(solicitation=awarded, actor=staff):
        vendor = agreement.vendor
        device = make_product(vendor, f"{vendor.legal_name} Chromebook 11")
        licence = make_product(vendor, f"{vendor.legal_name} Management", price="35.00",
                               category_code="management", kind="software_per_student")
        schedule_map_product(agreement=agreement, line_reference="CB", product=device, actor=staff)
        schedule_map_product(agreement=agreement, line_reference="LIC", product=licence, actor=staff)
        result[vendor.pk] = agreement_activate(
            agreement=agreement, start_date=timezone.localdate(), term_months=36, renewal_options=2,
            renewal_months=12, vendor_signed_by="VP Sales", consortium_signed_by="Board chair",
            actor=staff)
    return result
