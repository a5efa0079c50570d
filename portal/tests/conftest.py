"""The portal's scene: an awarded solicitation with a protest decided and both agreements
active, and an open solicitation holding a sealed bid (with a note and a document) and a seated
evaluator. `FORBIDDEN` lists what must never reach a public page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone

from catalog.services import category_ensure
from contracts.services.agreements import (agreement_activate, agreements_create_from_award,
                                           schedule_map_product)
from sourcing.services.awards import award_issue_notice, protest_decide, protest_file
from sourcing.services.bids import bid_submit
from sourcing.services.evaluation import consensus_record, evaluator_seat
from sourcing.services.solicitations import (SolicitationContent, solicitation_create,
                                             solicitation_publish, solicitation_start_evaluation)
from tests.cast import SYSTEM
from tests.helpers import bid_data, content, make_product, pdf

SEALED_PRICE = "987.65"
BID_NOTE = "Our margin on this bid is razor thin"
PRIVATE_DOCUMENT = "Confidential cost workbook"
PROTEST_GROUNDS = "The evaluator from Alpha knows Vendor A's owner"


def _tiers(p1, p2):
    return [{"min_quantity": 1, "unit_price": p1}, {"min_quantity": 1000, "unit_price": p2}]


@pytest.fixture
def scene(cast, clock):

    staff = cast.actor(cast.staff)
    devices = category_ensure(code="chromebooks", name="Devices: Chromebooks", actor=SYSTEM)
    software = category_ensure(code="software", name="Software licences", actor=SYSTEM)
    now = clock.now()
    s = solicitation_create(content=SolicitationContent(
        title="Chromebooks 2027", description="Devices for every member.", category=devices,
        lines=[{"reference": "CB", "description": "Chromebook", "unit": "device", "estimated_quantity": 6000},
               {"reference": "LIC", "description": "Licence", "unit": "licence", "estimated_quantity": 6000}],
        requirements=[], criteria=[{"name": "Price", "weight": 60, "is_price": True},
                                   {"name": "Support", "weight": 40}], score_threshold=Decimal(10)),
        questions_deadline=now + dt.timedelta(days=1), bid_deadline=now + dt.timedelta(days=2),
        standstill_days=5, actor=staff)
    s = solicitation_publish(solicitation=s, actor=staff)
    for user, cb, lic in ((cast.vendor_user_a, _tiers("300.00", "290.00"), _tiers("30.00", "28.00")),
                          (cast.vendor_user_b, _tiers("310.00", "285.00"), _tiers("29.00", "27.50"))):
        bid_submit(solicitation=s, data={"lines": [{"line": "CB", "tiers": cb}, {"line": "LIC", "tiers": lic}],
                                         "attestations": {}, "notes": BID_NOTE}, actor=cast.actor(user),
                   documents=[(PRIVATE_DOCUMENT, pdf())])
    evaluator_seat(solicitation=s, assignment=cast.evaluator.role_assignments.get(), actor=staff)
    clock.set(s.bids_open_at)
    s = solicitation_start_evaluation(solicitation=s, actor=staff)
    support = s.criteria.get(name="Support")
    for bid in s.bids.all():
        consensus_record(solicitation=s, bid=bid, criterion=support, points=8, comment="Solid support desk",
                         actor=staff)
    award = award_issue_notice(solicitation=s, rationale="Best value on both lines", actor=staff)
    protest = protest_file(solicitation=s, grounds=PROTEST_GROUNDS, actor=cast.actor(cast.vendor_user_b))
    protest_decide(protest=protest, upheld=False, reasons="The scores followed the published criteria.",
                   actor=staff)
    clock.set(award.standstill_ends_at)
    agreements = {}
    for agreement in agreements_create_from_award(solicitation=s, actor=staff):
        vendor = agreement.vendor
        device = make_product(vendor, f"{vendor.legal_name} Chromebook 11")
        licence = make_product(vendor, f"{vendor.legal_name} Management", price="35.00",
                               category_code="management", kind="software")
        schedule_map_product(agreement=agreement, line_reference="CB", product=device, actor=staff)
        schedule_map_product(agreement=agreement, line_reference="LIC", product=licence, actor=staff)
        agreements[vendor.pk] = agreement_activate(
            agreement=agreement, start_date=timezone.localdate(), term_months=36, renewal_options=2,
            renewal_months=12, vendor_signed_by="Valerie Signer", consortium_signed_by="Stella Staff",
            actor=staff)
    # An open solicitation: a sealed bid with a note and a document, and a seated evaluator.
    now = clock.now()
    open_ = solicitation_publish(solicitation=solicitation_create(
        content=content(software, title="Learning platform"), questions_deadline=now + dt.timedelta(days=5),
        bid_deadline=now + dt.timedelta(days=10), standstill_days=7, actor=staff), actor=staff)
    sealed = bid_data(price1=SEALED_PRICE, price2="19.37")
    sealed["notes"] = BID_NOTE
    bid_submit(solicitation=open_, data=sealed, actor=cast.actor(cast.vendor_user_a),
               documents=[(PRIVATE_DOCUMENT, pdf())])
    evaluator_seat(solicitation=open_, assignment=cast.evaluator.role_assignments.get(), actor=staff)
    # A draft nobody outside sees.
    draft = solicitation_create(content=content(devices, title="Secret draft tablets"),
                                questions_deadline=now + dt.timedelta(days=5),
                                bid_deadline=now + dt.timedelta(days=10), standstill_days=7, actor=staff)
    cast.vendor_a.contact_email = "private-contact@vendor-a.example"
    cast.vendor_a.contact_phone = "+1 555 0100"
    cast.vendor_a.save(update_fields=["contact_email", "contact_phone"])
    return SimpleNamespace(awarded=s, award=award, open=open_, draft=draft, agreements=agreements,
                           devices=devices, software=software)


@pytest.fixture
def forbidden(cast):
    """Values no public page, feed or download may contain."""
    return [SEALED_PRICE, "19.37", BID_NOTE, PRIVATE_DOCUMENT, PROTEST_GROUNDS, "Secret draft tablets",
            cast.evaluator.email, "Eve Evaluator", cast.buyer_a.email, "Bea Buyer", cast.staff.email,
            "Stella Staff", "Valerie Signer", "private-contact@vendor-a.example", "555 0100",
            cast.vendor_user_a.email, "Val Vendor", "Solid support desk"]
