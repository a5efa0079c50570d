"""The worlds the matrix asks in: an open solicitation with a bid, compliance evidence, active
agreements with a participation and an order, and an invoiced sales report."""

from __future__ import annotations

import pytest


@pytest.fixture
def sourcing_world(cast):
    """An open solicitation (deadline in ten days) with a document, vendor A's bid with a
    document and its receipt, a question, and the evaluator seated (declaration pending)."""
    import datetime as dt

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from catalog.services import category_ensure
    from sourcing.services.bids import bid_submit
    from sourcing.services.evaluation import evaluator_seat
    from sourcing.services.questions import question_ask
    from sourcing.services.solicitations import document_add, solicitation_create, solicitation_publish
    from tests.helpers import bid_data, content
    from tests.cast import SYSTEM

    staff = cast.actor(cast.staff)
    category = category_ensure(code="chromebooks", name="Chromebooks", actor=SYSTEM)
    now = timezone.now()
    sol = solicitation_create(content=content(category), questions_deadline=now + dt.timedelta(days=5),
                              bid_deadline=now + dt.timedelta(days=10), actor=staff)
    cast.document = document_add(solicitation=sol, title="Specification",
                                 file=SimpleUploadedFile("s.pdf", b"%PDF-1.4 spec"), actor=staff)
    cast.sol = solicitation_publish(solicitation=sol, actor=staff)
    cast.bid, _ = bid_submit(solicitation=sol, data=bid_data(), actor=cast.actor(cast.vendor_user_a),
                             documents=[("Proposal", SimpleUploadedFile("p.pdf", b"%PDF-1.4 p"))])
    cast.bid_document = cast.bid.documents.get()
    cast.receipt = cast.bid.receipts.get()
    cast.question = question_ask(solicitation=sol, text="When?", actor=cast.actor(cast.vendor_user_a))
    cast.criterion = sol.criteria.filter(is_price=False).first()
    evaluator_seat(solicitation=sol, assignment=cast.evaluator.role_assignments.get(), actor=staff)
    return cast


@pytest.fixture
def compliance_world(cast):
    """Rules loaded; vendor A's product; district B's DPA with it, carrying a general offer; a
    VPAT and an attestation; a decision recorded for district A."""
    from compliance.services.decisions import compliance_decision_record
    from compliance.services.rules import rules_load
    from compliance.tests.conftest import add_attestation, add_dpa, add_vpat, make_product
    from tests.cast import SYSTEM

    rules_load(actor=SYSTEM)
    cast.product = make_product(cast.vendor_a)
    cast.dpa = add_dpa(cast.vendor_a, cast.district_b, [cast.product], offer=True)
    cast.report = add_vpat(cast.product)
    cast.attestation = add_attestation(cast.vendor_a, "coppa")
    cast.decision = compliance_decision_record(district=cast.district_a, product=cast.product,
                                               purpose="matrix test", actor=SYSTEM)
    return cast


@pytest.fixture
def contracts_world(cast, compliance_world, agreements, awarded):
    """Active agreements of vendors A and B (a final multi-award); on A's: a document, a proposed
    amendment; district A ran a mini-competition (vendor A quoted), chose A and joined
    (countersigned, adopting A's general offer)."""
    from decimal import Decimal

    from compliance.tests.conftest import add_dpa
    from contracts.selectors.agreements import current_schedule
    from contracts.selectors.participation import join_requirements
    from contracts.services.agreements import agreement_document_add, amendment_propose
    from contracts.services.participation import (minicompetition_decide, minicompetition_start,
                                                  participation_countersign, participation_join,
                                                  quote_answer, quote_request)
    from django.core.files.uploadedfile import SimpleUploadedFile

    staff, buyer = cast.actor(cast.staff), cast.actor(cast.buyer_a)
    cast.awarded = awarded
    cast.agreement = agreements[cast.vendor_a.pk]
    entries = list(current_schedule(cast.agreement).entries.select_related("product"))
    cast.agreement_product = entries[0].product
    add_dpa(cast.vendor_a, cast.district_b, [e.product for e in entries], offer=True)
    cast.agreement_document = agreement_document_add(
        agreement=cast.agreement, title="Signed agreement",
        file=SimpleUploadedFile("a.pdf", b"%PDF-1.4 agreement"), actor=staff)
    cast.amendment = amendment_propose(
        agreement=cast.agreement, kind="price_change", summary="Lower",
        set_entries=[{"product": cast.agreement_product.pk,
                      "tiers": [{"min_quantity": 1, "unit_price": "1.00"}]}], actor=staff)
    cast.competition = minicompetition_start(district=cast.district_a, solicitation=awarded,
                                             quantities={"CB": 10}, actor=buyer)
    cast.quote = quote_request(competition=cast.competition, agreement=cast.agreement, actor=buyer)
    quote_answer(quote=cast.quote, quote_total=100, implementation_plan="Soon",
                 actor=cast.actor(cast.vendor_user_a))
    minicompetition_decide(competition=cast.competition, agreement=cast.agreement, reasons="Price", actor=buyer)
    needs = join_requirements(district=cast.district_a, agreement=cast.agreement, annual_value=Decimal(1000))
    cast.participation = participation_join(
        district=cast.district_a, agreement=cast.agreement, estimated_value=1000,
        mini_competition=cast.competition, confirmed_steps=needs.confirmations, actor=buyer)
    participation_countersign(participation=cast.participation, actor=cast.actor(cast.vendor_user_a))
    from orders.services import order_create, order_submit

    cast.order = order_submit(order=order_create(district=cast.district_a, agreement=cast.agreement,
                                                 lines=[(cast.agreement_product, 1)], actor=buyer), actor=buyer)
    return cast


@pytest.fixture
def reports_world(cast, contracts_world, clock):
    """Vendor A reported district A's order (c.order) at a wrong price once the quarter ended;
    staff resolved the mismatch and issued the fee invoice. The clock then goes back to the
    moment the other worlds were built at."""
    import datetime as dt

    from django.utils import timezone

    from reports.quarters import Quarter
    from reports.services import fee_invoice_issue, reconciliation_item_resolve, sales_report_submit

    start = clock.now()
    quarter = Quarter.of(timezone.localdate())
    clock.set(timezone.make_aware(dt.datetime.combine(quarter.end + dt.timedelta(days=1), dt.time(10))))
    line = cast.order.lines.get()
    cast.sales_report = sales_report_submit(
        agreement=cast.agreement, quarter=quarter, actor=cast.actor(cast.vendor_user_a),
        lines=[{"district": cast.district_a.pk, "product": line.product_id, "quantity": line.quantity,
                "unit_price": line.unit_price + 1, "order_number": cast.order.number}])
    cast.sales_item = cast.sales_report.items.get(kind="price_mismatch")
    reconciliation_item_resolve(item=cast.sales_item, note="Checked", actor=cast.actor(cast.staff))
    cast.fee_invoice = fee_invoice_issue(report=cast.sales_report, actor=cast.actor(cast.staff))
    clock.set(start)
    return cast


def attach_resolution(cast):
    from django.core.files.base import ContentFile
    cast.membership_a.resolution_document.save("r.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
