"""Every page and every API operation, asked by every member of the cast.

The tables below are the specification. A URL pattern or API operation missing from them fails
the build, and so does a view without an access declaration (accounts.access), so a new page
cannot ship without someone deciding who may open it.
"""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from accounts.acting import Actor
from accounts.services import api_token_create
from edpool.api import api
from members.states import MembershipState
from tests.cast import PASSWORD

ROLES = ["anon", "staff", "buyer_a", "approver_a", "buyer_b", "approver_b", "evaluator",
         "vendor_a", "vendor_b"]
DISTRICT_A = ["buyer_a", "approver_a", "evaluator"]
DISTRICT_B = ["buyer_b", "approver_b"]
VENDORS = ["vendor_a", "vendor_b"]
DISTRICT_BUYERS_APPROVERS = ["buyer_a", "approver_a", "buyer_b", "approver_b"]
SIGNED_IN = [r for r in ROLES if r != "anon"]


def expect(default: int, **by_role: int) -> dict[str, int]:
    table = {role: default for role in ROLES}
    for role, status in by_role.items():
        table[role] = status
    return table


def only(roles: list[str], ok: int = 200, others: int = 403, anon: int = 302) -> dict[str, int]:
    table = {role: (ok if role in roles else others) for role in ROLES}
    table["anon"] = anon
    return table


# url name -> (kwargs from the cast, expected GET status per role)
PAGES = {
    "home": (lambda c: {}, expect(200)),
    "workspace": (lambda c: {}, only(SIGNED_IN)),
    "healthz": (lambda c: {}, expect(200)),
    "accounts:login": (lambda c: {}, only(SIGNED_IN, ok=302, anon=200)),
    "accounts:logout": (lambda c: {}, expect(405)),
    "accounts:password-reset": (lambda c: {}, expect(200)),
    "accounts:password-reset-done": (lambda c: {}, expect(200)),
    "accounts:password-reset-confirm": (lambda c: {"uidb64": "MQ", "token": "bad-token"}, expect(200)),
    "accounts:password-reset-complete": (lambda c: {}, expect(200)),
    "accounts:password-change": (lambda c: {}, only(SIGNED_IN)),
    "accounts:act-as": (lambda c: {}, only(SIGNED_IN)),
    "accounts:account": (lambda c: {}, only(SIGNED_IN)),
    "accounts:token-create": (lambda c: {}, only(SIGNED_IN, ok=405)),
    "accounts:token-revoke": (lambda c: {"token_id": 999999}, only(SIGNED_IN, ok=405)),
    # A job is seen by whoever started it and by staff (jobs/tests); anyone else gets a 404.
    "jobs:status": (lambda c: {"job_id": 999999}, only(SIGNED_IN, ok=404)),
    "jobs:cancel": (lambda c: {"job_id": 999999}, only(SIGNED_IN, ok=405)),
    "jobs:stop": (lambda c: {"job_id": 999999}, only(SIGNED_IN, ok=405)),
    "jobs:file": (lambda c: {"job_id": 999999}, only(SIGNED_IN, ok=404)),
    "members:directory": (lambda c: {}, expect(200)),
    "members:mine": (lambda c: {}, only(DISTRICT_A + DISTRICT_B)),
    "members:queue": (lambda c: {}, only(["staff"])),
    "members:detail": (lambda c: {"membership_id": c.membership_a.pk}, only(["staff"] + DISTRICT_A)),
    "members:resolution": (lambda c: {"membership_id": c.membership_a.pk},
                           only(["staff"] + DISTRICT_A, ok=200)),
    "members:transition": (lambda c: {"membership_id": c.membership_a.pk, "action": "withdraw"},
                           only(["staff", "buyer_a", "approver_a", "buyer_b", "approver_b"], ok=405)),
    "members:districts": (lambda c: {}, only(["staff"])),
    "members:district-import": (lambda c: {}, only(["staff"])),
    "members:district-options": (lambda c: {}, only(SIGNED_IN)),
    "members:apply-on-behalf": (lambda c: {"district_id": c.district_b.pk}, only(["staff"], ok=405)),
    "vendors:profile": (lambda c: {}, only(VENDORS)),
    "vendors:colleague-add": (lambda c: {}, only(VENDORS, ok=405)),
    "vendors:register": (lambda c: {}, expect(200)),
    "vendors:register-done": (lambda c: {}, expect(200)),
    "vendors:verify": (lambda c: {"token": "bogus-token"}, expect(400)),
    # sourcing: an open solicitation (before its deadline) with vendor A's bid, see sourcing_world
    "sourcing:list": (lambda c: {}, expect(200)),
    "sourcing:new": (lambda c: {}, only(["staff"])),
    "sourcing:detail": (lambda c: SOL(c), expect(200)),
    "sourcing:document": (lambda c: {**SOL(c), "document_id": c.document.pk}, expect(200)),
    "sourcing:tabulation": (lambda c: SOL(c), expect(403)),  # sealed before the deadline, for all
    "sourcing:tabulation-csv": (lambda c: SOL(c), expect(403)),
    "sourcing:tabulation-xlsx": (lambda c: SOL(c), expect(403)),
    "sourcing:bid-document": (lambda c: {**SOL(c), "bid_id": c.bid.pk, "document_id": c.bid_document.pk},
                              expect(403, vendor_a=200)),
    "sourcing:edit": (lambda c: SOL(c), only(["staff"], ok=302)),  # published: goes to manage
    "sourcing:manage": (lambda c: SOL(c), only(["staff"])),
    "sourcing:line-add": (lambda c: SOL(c), only(["staff"], ok=405)),
    "sourcing:line-remove": (lambda c: {**SOL(c), "line_id": 999999}, only(["staff"], ok=405)),
    "sourcing:publish": (lambda c: SOL(c), only(["staff"])),  # GET: its confirmation page
    "sourcing:document-add": (lambda c: SOL(c), only(["staff"], ok=405)),
    "sourcing:addendum": (lambda c: SOL(c), only(["staff"], ok=400)),  # GET without a summary: asks for it
    "sourcing:answer": (lambda c: {**SOL(c), "question_id": c.question.pk}, only(["staff"], ok=405)),
    "sourcing:start-evaluation": (lambda c: SOL(c), only(["staff"], ok=405)),
    "sourcing:seat": (lambda c: SOL(c), only(["staff"], ok=405)),
    "sourcing:consensus": (lambda c: {**SOL(c), "bid_id": c.bid.pk, "criterion_id": c.criterion.pk},
                           only(["staff"], ok=405)),
    "sourcing:award-plan": (lambda c: SOL(c), only(["staff"], ok=405)),
    "sourcing:award-notice": (lambda c: SOL(c), only(["staff"])),  # GET: its confirmation page
    "sourcing:protest-decide": (lambda c: {**SOL(c), "protest_id": 999999}, only(["staff"], ok=404)),
    # no protest before an award (the roles on a real one: sourcing/tests/test_api_documents.py)
    "sourcing:protest-document": (lambda c: {**SOL(c), "protest_id": 999999}, expect(404)),
    "sourcing:cancel": (lambda c: SOL(c), only(["staff"], ok=400)),  # GET without a reason: asks for it
    "sourcing:bid": (lambda c: SOL(c), only(VENDORS)),
    "sourcing:bid-withdraw": (lambda c: SOL(c), only(VENDORS, ok=405)),
    "sourcing:bid-confirm": (lambda c: SOL(c), only(VENDORS, ok=405)),
    "sourcing:receipt": (lambda c: {**SOL(c), "receipt_id": c.receipt.pk},
                         {**only(VENDORS), "vendor_b": 404}),
    "sourcing:follow": (lambda c: SOL(c), only(VENDORS, ok=405)),
    "sourcing:ask": (lambda c: SOL(c), only(VENDORS, ok=405)),
    "sourcing:protest": (lambda c: SOL(c), only(VENDORS, ok=405)),
    "sourcing:evaluate": (lambda c: SOL(c), only(["evaluator"])),
    "sourcing:scores": (lambda c: SOL(c), only(["evaluator"], ok=405)),
    "sourcing:score": (lambda c: {**SOL(c), "bid_id": c.bid.pk, "criterion_id": c.criterion.pk},
                       only(["evaluator"], ok=405)),
    # compliance (see compliance_world): vendor A's product, district B's DPA with a general
    # offer, a report, an attestation and a decision recorded for district A
    "catalog:vendor-products": (lambda c: {}, only(VENDORS)),
    "catalog:vendor-product-edit": (lambda c: {"product_id": c.product.pk}, {**only(["vendor_a"]), "vendor_b": 404}),
    "catalog:product": (lambda c: {"product_id": c.product.pk}, {**only(SIGNED_IN), "vendor_b": 404}),
    "catalog:facts-check": (lambda c: {"product_id": c.product.pk}, only(["staff"], ok=405)),
    "catalog:facts-to-check": (lambda c: {}, only(["staff"])),
    "compliance:check": (lambda c: {}, only(["staff"] + DISTRICT_A + DISTRICT_B)),
    "compliance:decision-record": (lambda c: {}, only(["staff", "buyer_a", "approver_a"] + DISTRICT_B, ok=405)),
    "compliance:decision": (lambda c: {"decision_id": c.decision.pk}, only(["staff"] + DISTRICT_A)),
    "compliance:matrix": (lambda c: {}, only(["staff"] + DISTRICT_A + DISTRICT_B)),
    "compliance:matrix-csv": (lambda c: {}, only(["staff"] + DISTRICT_A + DISTRICT_B)),
    "compliance:matrix-export": (lambda c: {}, only(["staff"] + DISTRICT_A + DISTRICT_B, ok=405)),
    "compliance:rules": (lambda c: {}, only(SIGNED_IN)),
    "compliance:rule": (lambda c: {"rule_id": "ca-ab1584"}, only(SIGNED_IN)),
    "compliance:offers": (lambda c: {}, only(["staff"] + DISTRICT_A + DISTRICT_B)),
    "compliance:adopt": (lambda c: {"dpa_id": c.dpa.pk}, only(["buyer_a", "approver_a"] + DISTRICT_B, ok=405)),
    "compliance:document": (lambda c: {"kind": "dpa", "evidence_id": c.dpa.pk}, {**only(SIGNED_IN), "vendor_b": 404}),
    # district B's agreement: its own buyer and approver see the confirmation; another district 404
    "compliance:dpa-countersign": (lambda c: {"dpa_id": c.dpa.pk},
                                   {**only(DISTRICT_B), "buyer_a": 404, "approver_a": 404}),
    "compliance:dpa-district-copy": (lambda c: {"dpa_id": c.dpa.pk}, only(["staff"])),
    "compliance:dpa-joinder-review": (lambda c: {"dpa_id": c.dpa.pk},
                                      only(["staff"] + DISTRICT_BUYERS_APPROVERS, ok=405)),
    "compliance:vendor-evidence": (lambda c: {}, only(VENDORS)),
    "compliance:dpa-add": (lambda c: {}, only(VENDORS, ok=405)),
    "compliance:report-add": (lambda c: {}, only(VENDORS, ok=405)),
    "compliance:attestation-add": (lambda c: {}, only(VENDORS, ok=405)),
    "compliance:dpa-edit": (lambda c: {"dpa_id": c.dpa.pk}, {**only(["vendor_a"]), "vendor_b": 404}),
    "compliance:dpa-withdraw": (lambda c: {"dpa_id": c.dpa.pk}, only(VENDORS, ok=405)),
    "compliance:dpa-close-offer": (lambda c: {"dpa_id": c.dpa.pk}, only(VENDORS, ok=405)),
    "compliance:report-edit": (lambda c: {"report_id": c.report.pk}, {**only(["vendor_a"]), "vendor_b": 404}),
    "compliance:report-withdraw": (lambda c: {"report_id": c.report.pk}, only(VENDORS, ok=405)),
    "compliance:attestation-edit": (lambda c: {"attestation_id": c.attestation.pk},
                                    {**only(["vendor_a"]), "vendor_b": 404}),
    "compliance:attestation-withdraw": (lambda c: {"attestation_id": c.attestation.pk}, only(VENDORS, ok=405)),
    # contracts (see contracts_world): agreements of vendors A and B, district A joined A's
    "contracts:list": (lambda c: {}, expect(200)),
    "contracts:catalog": (lambda c: {}, expect(200)),
    "contracts:catalog-product": (lambda c: {"product_id": c.agreement_product.pk}, expect(200)),
    "contracts:detail": (lambda c: AGR(c), expect(200)),
    "contracts:document": (lambda c: {**AGR(c), "document_id": c.agreement_document.pk}, expect(200)),
    "contracts:create-from-award": (lambda c: {"solicitation_id": c.awarded.pk}, only(["staff"], ok=405)),
    "contracts:manage": (lambda c: AGR(c), {**only(["staff", "vendor_a"]), "vendor_b": 404}),
    "contracts:map": (lambda c: AGR(c), only(["staff"] + VENDORS, ok=405)),
    "contracts:unmap": (lambda c: {**AGR(c), "product_id": c.agreement_product.pk},
                        only(["staff"] + VENDORS, ok=405)),
    "contracts:activate": (lambda c: AGR(c), only(["staff"], ok=405)),
    "contracts:renew": (lambda c: AGR(c), only(["staff"], ok=405)),
    "contracts:terminate": (lambda c: AGR(c), only(["staff"], ok=405)),
    "contracts:document-add": (lambda c: AGR(c), only(["staff"], ok=405)),
    "contracts:amendment-propose": (lambda c: AGR(c), only(["staff"] + VENDORS, ok=405)),
    "contracts:amendment-decide": (lambda c: {**AGR(c), "amendment_id": c.amendment.pk},
                                   only(["staff"], ok=405)),
    "contracts:join": (lambda c: AGR(c), only(["buyer_a", "buyer_b"])),
    "contracts:dashboard": (lambda c: {}, only(DISTRICT_A + DISTRICT_B)),
    "contracts:competition-new": (lambda c: {"solicitation_id": c.awarded.pk}, only(["buyer_a", "buyer_b"])),
    "contracts:competition": (lambda c: {"competition_id": c.competition.pk},
                              {**only(["buyer_a", "approver_a"]), "buyer_b": 404, "approver_b": 404}),
    "contracts:competition-action": (lambda c: {"competition_id": c.competition.pk, "action": "score"},
                                     only(["buyer_a", "buyer_b"], ok=405)),
    "contracts:participation-approve": (lambda c: {"participation_id": c.participation.pk},
                                        only(["approver_a", "approver_b"], ok=405)),
    "contracts:participation-withdraw": (lambda c: {"participation_id": c.participation.pk},
                                         only(["buyer_a", "approver_a", "buyer_b", "approver_b"], ok=405)),
    "contracts:vendor": (lambda c: {}, only(VENDORS)),
    "contracts:quote-answer": (lambda c: {"quote_id": c.quote.pk}, only(VENDORS, ok=405)),
    "contracts:countersign": (lambda c: {"participation_id": c.participation.pk},
                              {**only(["vendor_a"]), "vendor_b": 404}),  # GET: its confirmation page
    # orders (see contracts_world): district A's submitted order on vendor A's agreement
    "orders:new": (lambda c: AGR(c), only(["buyer_a", "buyer_b"])),
    "orders:detail": (lambda c: {"order_id": c.order.pk},
                      {**only(["staff", "buyer_a", "approver_a", "vendor_a"]), "buyer_b": 404, "approver_b": 404,
                       "vendor_b": 404}),
    "orders:action": (lambda c: {"order_id": c.order.pk, "action": "submit"},
                      only(["staff"] + DISTRICT_BUYERS_APPROVERS + VENDORS, ok=405)),
    "orders:district": (lambda c: {}, only(DISTRICT_BUYERS_APPROVERS)),
    "orders:approvals": (lambda c: {}, only(["approver_a", "approver_b"])),
    "orders:approval-decide": (lambda c: {"kind": "orders", "item_id": c.order.pk, "decision": "reject"},
                               only(["approver_a", "approver_b"], ok=405)),
    "orders:vendor": (lambda c: {}, only(VENDORS)),
    "orders:settle": (lambda c: {**AGR(c), "district_id": c.district_a.pk}, only(["staff"] + VENDORS, ok=405)),
    # sales reports (see reports_world): vendor A's reconciled report on its agreement, invoiced
    "reports:vendor": (lambda c: {}, only(VENDORS)),
    "reports:submit": (lambda c: REP_Q(c), {**only(["vendor_a"]), "vendor_b": 404}),
    "reports:upload": (lambda c: REP_Q(c), only(VENDORS, ok=405)),
    "reports:list": (lambda c: {}, only(["staff"])),
    "reports:overdue": (lambda c: {}, only(["staff"])),
    "reports:detail": (lambda c: REP(c), {**only(["staff", "vendor_a"]), "vendor_b": 404}),
    "reports:resolve": (lambda c: {**REP(c), "item_id": c.sales_item.pk}, only(["staff"], ok=405)),
    "reports:reconcile-again": (lambda c: REP(c), only(["staff"], ok=405)),
    "reports:invoice-issue": (lambda c: REP(c), only(["staff"])),  # GET: its confirmation page
    "reports:invoices": (lambda c: {}, only(["staff"] + VENDORS)),
    "reports:invoice-paid": (lambda c: {"invoice_id": c.fee_invoice.pk}, only(["staff"], ok=405)),
    # needs surveys: no survey in these worlds, so a survey's pages answer 404 to whoever may open them
    "surveys:list": (lambda c: {}, only(["staff"] + DISTRICT_A + DISTRICT_B)),
    "surveys:new": (lambda c: {}, only(["staff"])),
    "surveys:detail": (lambda c: SUR(c), only(["staff"] + DISTRICT_A + DISTRICT_B, ok=404)),
    "surveys:edit": (lambda c: SUR(c), only(["staff"], ok=404)),
    "surveys:publish": (lambda c: SUR(c), only(["staff"], ok=404)),
    "surveys:close": (lambda c: SUR(c), only(["staff"], ok=404)),
    "surveys:answer": (lambda c: SUR(c), only(["buyer_a", "buyer_b"], ok=405)),
    "surveys:answer-csv": (lambda c: SUR(c), only(["buyer_a", "buyer_b"], ok=405)),
    "surveys:answer-template": (lambda c: SUR(c), only(["staff"] + DISTRICT_A + DISTRICT_B, ok=404)),
    "surveys:response": (lambda c: {**SUR(c), "response_id": 999999}, only(["staff"] + DISTRICT_A + DISTRICT_B, ok=404)),
    "surveys:demand": (lambda c: SUR(c), only(["staff"], ok=404)),
    "surveys:demand-csv": (lambda c: SUR(c), only(["staff"], ok=404)),
    "surveys:demand-xlsx": (lambda c: SUR(c), only(["staff"], ok=404)),
    "surveys:solicitation": (lambda c: SUR(c), only(["staff"], ok=404)),
    "surveys:declared-bought": (lambda c: SUR(c), only(["staff"], ok=404)),
    "inbox:list": (lambda c: {}, only(SIGNED_IN)),
    "inbox:open": (lambda c: {"notice_id": 999999}, only(SIGNED_IN, ok=405)),
    "inbox:read-all": (lambda c: {}, only(SIGNED_IN, ok=405)),
    "audit:events": (lambda c: {}, only(["staff"])),
    "audit:object": (lambda c: {"object_type": "members.membership",
                                "object_id": str(c.membership_a.pk)}, only(["staff"])),
    # matching: finding the right edtech for a need (matching/tests for a district's own needs)
    "matching:find": (lambda c: {}, only(["staff"] + DISTRICT_A + DISTRICT_B)),
    "matching:needs": (lambda c: {}, only(DISTRICT_A + DISTRICT_B)),
    "matching:need": (lambda c: {"need_id": 999999}, only(["staff"] + DISTRICT_A + DISTRICT_B, ok=404)),
    "matching:unmet": (lambda c: {}, only(["staff"])),
}
NOT_OURS = ("admin", "api-v1")  # the Django admin (tested below) and the API (tested below)


def walk(resolver: URLResolver, namespace: str = "", prefix: str = ""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            if ns and ns.split(":")[0] in NOT_OURS:
                continue
            yield from walk(entry, f"{ns}" if entry.namespace else namespace,
                            prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield name, prefix + str(entry.pattern), entry.callback


def sign_in(client, cast, role: str) -> None:
    if role != "anon":
        assert client.login(email=cast.users_by_role[role].email, password=PASSWORD)


def SUR(c) -> dict:
    return {"survey_id": 999999}


def SOL(c) -> dict:
    return {"solicitation_id": c.sol.pk}


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


def AGR(c) -> dict:
    return {"agreement_id": c.agreement.pk}


def PART(c) -> dict:
    return {"participation_id": c.participation.pk}


def ORD(c) -> dict:
    return {"order_id": c.order.pk}


def COMP(c) -> dict:
    return {"competition_id": c.competition.pk}


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


def REP(c) -> dict:
    return {"report_id": c.sales_report.pk}


def REP_Q(c) -> dict:
    return {"agreement_id": c.agreement.pk, "year": c.sales_report.year, "quarter": c.sales_report.quarter}


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


def test_every_page_is_declared_and_in_the_table():
    missing_decl, missing_table = [], []
    for name, route, callback in walk(get_resolver()):
        if getattr(callback, "edpool_access", None) is None:
            missing_decl.append(f"{name or route}")
        if name not in PAGES:
            missing_table.append(f"{name or route}")
    assert not missing_decl, f"views without an access declaration: {missing_decl}"
    assert not missing_table, f"pages missing from the matrix: {missing_table}"


@pytest.mark.parametrize("role", ROLES)
def test_page_matrix(client, cast, sourcing_world, compliance_world, contracts_world, reports_world, role):
    from django.urls import reverse

    attach_resolution(cast)
    sign_in(client, cast, role)
    wrong = []
    for name, (kwargs, table) in PAGES.items():
        url = reverse(name, kwargs=kwargs(cast))
        status = client.get(url).status_code
        if status != table[role]:
            wrong.append(f"{name} {url}: expected {table[role]}, got {status}")
    assert not wrong, f"as {role}:\n" + "\n".join(wrong)


@pytest.mark.parametrize("role", ["anon", "buyer_b", "approver_b", "evaluator", "vendor_a"])
def test_foreign_roles_cannot_change_a_membership(client, cast, role):
    sign_in(client, cast, role)
    url = f"/memberships/{cast.membership_a.pk}/withdraw/"
    response = client.post(url, {"withdraw-reason": "hostile takeover"})
    assert response.status_code == (302 if role == "anon" else 403)
    cast.membership_a.refresh_from_db()
    assert cast.membership_a.state == MembershipState.ACTIVE


@pytest.mark.parametrize("role", [r for r in ROLES if r != "staff"])
def test_only_staff_record_applications(client, cast, role):
    from members.models import District
    from members.services import DistrictRecord, district_upsert
    from tests.cast import SYSTEM

    outsider, _ = district_upsert(record=DistrictRecord(name="Outsider", state="CA",
                                                        state_leaid="CA-0999999"), actor=SYSTEM)
    sign_in(client, cast, role)
    response = client.post(f"/districts/{outsider.pk}/apply/")
    assert response.status_code == (302 if role == "anon" else 403)
    assert not District.objects.get(pk=outsider.pk).memberships.exists()


def test_admin_is_only_for_is_staff_users(client, cast):
    from accounts.services import user_create_or_update
    from tests.cast import SYSTEM

    sign_in(client, cast, "staff")  # consortium staff role, but not a Django admin user
    assert client.get("/admin/").status_code == 302
    user_create_or_update(email=cast.staff.email, can_open_admin=True, actor=SYSTEM)
    index = client.get("/admin/")
    assert index.status_code == 200 and b"/admin/members/district/" in index.content
    assert client.get("/admin/members/district/").status_code == 200
    district = client.get(f"/admin/members/district/{cast.district_a.pk}/change/")
    assert district.status_code == 200 and b'name="_save"' in district.content  # audited: may change
    user = client.get(f"/admin/accounts/user/{cast.staff.pk}/change/")
    assert user.status_code == 200 and b'name="_save"' not in user.content   # users: look only
    assert client.get("/admin/members/district/add/").status_code == 403
    assert client.get("/admin/audit/auditevent/").status_code == 200
    user_create_or_update(email=cast.staff.email, can_open_admin=False, actor=SYSTEM)
    assert client.get("/admin/").status_code == 302


# (method, path) -> (path params, body kind, body, expected status per role)
OWN_EVIDENCE_422 = {**only(["vendor_a"], ok=422, anon=401), "vendor_b": 404}
API = {
    ("POST", "/api/v1/auth/token"): (lambda c: {}, "json", {"email": "x@example.org", "password": "x"},
                                     expect(403)),
    ("DELETE", "/api/v1/auth/token"): (lambda c: {}, None, None, expect(200, anon=401)),
    ("GET", "/api/v1/auth/tokens"): (lambda c: {}, None, None, expect(200, anon=401)),
    ("DELETE", "/api/v1/auth/tokens/{token_id}"): (lambda c: {"token_id": 999999}, None, None,
                                                   expect(404, anon=401)),
    ("GET", "/api/v1/me"): (lambda c: {}, None, None, expect(200, anon=401)),
    # only one's own notices: another person's id (or none) answers 404 (inbox/tests/test_api.py)
    ("GET", "/api/v1/inbox"): (lambda c: {}, None, None, expect(200, anon=401)),
    ("POST", "/api/v1/inbox/{notice_id}/read"): (lambda c: {"notice_id": 999999}, None, None,
                                                 expect(404, anon=401)),
    ("GET", "/api/v1/surveys"): (lambda c: {}, None, None, only(["staff"] + DISTRICT_A + DISTRICT_B, anon=401)),
    ("GET", "/api/v1/surveys/{survey_id}"): (SUR, None, None, only(["staff"] + DISTRICT_A + DISTRICT_B, ok=404, anon=401)),
    ("GET", "/api/v1/surveys/{survey_id}/answers"): (SUR, None, None, only(DISTRICT_A + DISTRICT_B, ok=404, anon=401)),
    ("PUT", "/api/v1/surveys/{survey_id}/answers"): (SUR, "json", {"answers": []}, only(["buyer_a", "buyer_b"], ok=404, anon=401)),
    ("GET", "/api/v1/surveys/{survey_id}/demand"): (SUR, None, None, only(["staff"], ok=404, anon=401)),
    ("GET", "/api/v1/jobs/{job_id}"): (lambda c: {"job_id": 999999}, None, None, expect(404, anon=401)),
    ("POST", "/api/v1/jobs/{job_id}/stop"): (lambda c: {"job_id": 999999}, None, None, expect(404, anon=401)),
    ("GET", "/api/v1/members"): (lambda c: {}, None, None, expect(200)),
    ("GET", "/api/v1/members/{district_id}"): (lambda c: {"district_id": c.district_a.pk}, None,
                                               None, expect(200)),
    ("GET", "/api/v1/memberships"): (lambda c: {}, None, None,
                                     only(["staff"] + DISTRICT_A + DISTRICT_B, anon=401)),
    ("POST", "/api/v1/memberships"): (lambda c: {}, "json", lambda c: {"district_id": c.district_b.pk},
                                      expect(403, anon=401, staff=422, buyer_b=422, approver_b=422)),
    ("GET", "/api/v1/memberships/{membership_id}"): (
        lambda c: {"membership_id": c.membership_a.pk}, None, None,
        only(["staff"] + DISTRICT_A, anon=401)),
    ("POST", "/api/v1/memberships/{membership_id}/transitions"): (
        lambda c: {"membership_id": c.membership_a.pk}, "form", {"action": "no-such-step"},
        expect(403, anon=401, staff=422, buyer_a=422, approver_a=422)),
    ("POST", "/api/v1/districts/imports"): (lambda c: {}, "form", {"source": "x"},
                                            expect(403, anon=401, staff=422)),
    ("POST", "/api/v1/vendors/register"): (lambda c: {}, "json",
                                           {"company_name": "", "contact_name": "", "email": "x",
                                            "password": "x"}, expect(422)),
    ("POST", "/api/v1/vendors/verify"): (lambda c: {}, "json", {"token": "bogus-token"},
                                         expect(422)),
    ("GET", "/api/v1/vendors/me"): (lambda c: {}, None, None, only(VENDORS, anon=401)),
    ("PUT", "/api/v1/vendors/me/service-area"): (lambda c: {}, "json", {"states": []},
                                                 only(VENDORS, ok=422, anon=401)),
    # sourcing (see sourcing_world); the DELETE of the bid comes after the confirm on purpose
    ("GET", "/api/v1/solicitations"): (lambda c: {}, None, None, expect(200)),
    ("POST", "/api/v1/solicitations"): (lambda c: {}, "json", lambda c: {
        "title": "", "category": "nope", "lines": [], "criteria": [],
        "questions_deadline": "2030-01-01T00:00:00Z", "bid_deadline": "2030-01-02T00:00:00Z"},
        only(["staff"], ok=422, anon=401)),
    ("GET", "/api/v1/solicitations/{solicitation_id}"): (SOL, None, None, expect(200)),
    ("POST", "/api/v1/solicitations/{solicitation_id}/publish"): (SOL, None, None, only(["staff"], ok=422, anon=401)),
    ("POST", "/api/v1/solicitations/{solicitation_id}/cancel"): (SOL, "json", {"reason": ""}, only(["staff"], ok=422, anon=401)),
    ("POST", "/api/v1/solicitations/{solicitation_id}/start-evaluation"): (SOL, None, None, only(["staff"], ok=422, anon=401)),
    ("GET", "/api/v1/solicitations/{solicitation_id}/questions"): (SOL, None, None, expect(200)),
    ("POST", "/api/v1/solicitations/{solicitation_id}/questions"): (SOL, "json", {"text": ""}, only(VENDORS, ok=422, anon=401)),
    ("POST", "/api/v1/solicitations/{solicitation_id}/questions/{question_id}/answer"): (
        lambda c: {**SOL(c), "question_id": c.question.pk}, "json", {"answer": ""},
        only(["staff"], ok=422, anon=401)),
    ("GET", "/api/v1/solicitations/{solicitation_id}/addenda"): (SOL, None, None, expect(200)),
    ("POST", "/api/v1/solicitations/{solicitation_id}/documents"): (SOL, "json", {"content_base64": "x"},
                                                                    only(["staff"], ok=422, anon=401)),
    ("POST", "/api/v1/solicitations/{solicitation_id}/addenda"): (SOL, "json", {"summary": ""}, only(["staff"], ok=422, anon=401)),
    ("PUT", "/api/v1/solicitations/{solicitation_id}/bid"): (SOL, "json", {"lines": []}, only(VENDORS, ok=422, anon=401)),
    ("GET", "/api/v1/solicitations/{solicitation_id}/bid"): (SOL, None, None, {**only(VENDORS, anon=401), "vendor_b": 404}),
    ("POST", "/api/v1/solicitations/{solicitation_id}/bid/confirm"): (SOL, None, None, only(VENDORS, ok=422, anon=401)),
    ("DELETE", "/api/v1/solicitations/{solicitation_id}/bid"): (SOL, None, None, {**only(VENDORS, anon=401), "vendor_b": 422}),
    ("GET", "/api/v1/solicitations/{solicitation_id}/bids"): (SOL, None, None, expect(403)),  # sealed for everyone before the deadline
    ("GET", "/api/v1/solicitations/{solicitation_id}/tabulation"): (SOL, None, None, expect(403)),
    ("POST", "/api/v1/solicitations/{solicitation_id}/committee"): (SOL, "json", {"assignment_id": 999999}, only(["staff"], ok=422, anon=401)),
    # The seated evaluator sees that the declaration opens at the deadline (who bid is still secret).
    ("GET", "/api/v1/solicitations/{solicitation_id}/declaration"): (SOL, None, None, only(["evaluator"], anon=401)),
    ("POST", "/api/v1/solicitations/{solicitation_id}/declaration"): (SOL, "json", {"relationships": []}, only(["evaluator"], ok=422, anon=401)),
    ("POST", "/api/v1/solicitations/{solicitation_id}/scores"): (SOL, "json", {"bid_id": 999999, "criterion_id": 999999, "points": 5},
                             only(["evaluator"], ok=422, anon=401)),
    ("POST", "/api/v1/solicitations/{solicitation_id}/consensus"): (SOL, "json", {"bid_id": 999999, "criterion_id": 999999, "points": 5},
                                only(["staff"], ok=422, anon=401)),
    ("GET", "/api/v1/solicitations/{solicitation_id}/award-plan"): (SOL, None, None, expect(403, anon=401)),  # bids still sealed
    ("POST", "/api/v1/solicitations/{solicitation_id}/award-plan"): (SOL, None, None, only(["staff"], ok=422, anon=401)),  # not under evaluation
    ("POST", "/api/v1/solicitations/{solicitation_id}/award-notice"): (SOL, "json", {}, only(["staff"], ok=422, anon=401)),
    ("GET", "/api/v1/solicitations/{solicitation_id}/award"): (SOL, None, None, expect(404)),
    ("POST", "/api/v1/solicitations/{solicitation_id}/protests"): (SOL, "json", {"grounds": "x"}, only(VENDORS, ok=422, anon=401)),
    ("GET", "/api/v1/solicitations/{solicitation_id}/protests"): (SOL, None, None, only(["staff"] + VENDORS, anon=401)),
    ("POST", "/api/v1/solicitations/{solicitation_id}/protests/{protest_id}/decision"): (
        lambda c: {**SOL(c), "protest_id": 999999}, "json", {"upheld": False, "reasons": "x"},
        only(["staff"], ok=404, anon=401)),
    # products and compliance (see compliance_world)
    ("GET", "/api/v1/products"): (lambda c: {}, None, None, expect(200, anon=401)),
    ("POST", "/api/v1/products"): (lambda c: {}, "json", {"name": "", "category": "nope", "kind": "x",
                                                         "list_price": "1", "unit": "u"},
                                   only(VENDORS, ok=422, anon=401)),
    ("GET", "/api/v1/products/{product_id}"): (lambda c: {"product_id": c.product.pk}, None, None,
                                               expect(200, anon=401, vendor_b=404)),
    ("PUT", "/api/v1/products/{product_id}"): (lambda c: {"product_id": c.product.pk}, "json",
                                               {"name": "", "category": "nope", "kind": "x",
                                                "list_price": "1", "unit": "u"},
                                               {**only(["vendor_a"], ok=422, anon=401), "vendor_b": 404}),
    # a version that is not the current one: refused (422), nothing checked
    ("POST", "/api/v1/products/{product_id}/facts/check"): (lambda c: {"product_id": c.product.pk}, "json",
                                                            {"version": 999999}, only(["staff"], ok=422, anon=401)),
    ("GET", "/api/v1/compliance/check"): (lambda c: {}, None, None,  # no product named: 422
                                          only(["staff"] + DISTRICT_A + DISTRICT_B, ok=422, anon=401)),
    ("POST", "/api/v1/compliance/decisions"): (lambda c: {}, "json", lambda c: {"product_id": c.product.pk, "purpose": ""},
                                               only(["staff", "buyer_a", "approver_a"] + DISTRICT_B, ok=422, anon=401)),
    ("GET", "/api/v1/compliance/decisions/{decision_id}"): (lambda c: {"decision_id": c.decision.pk}, None, None,
                                                            only(["staff"] + DISTRICT_A, anon=401)),
    ("GET", "/api/v1/compliance/matrix"): (lambda c: {}, None, None, only(["staff"] + DISTRICT_A + DISTRICT_B, anon=401)),
    ("GET", "/api/v1/compliance/rules"): (lambda c: {}, None, None, expect(200, anon=401)),
    ("GET", "/api/v1/compliance/rules/{rule_id}"): (lambda c: {"rule_id": "ca-ab1584"}, None, None, expect(200, anon=401)),
    ("GET", "/api/v1/compliance/dpas"): (lambda c: {}, None, None, expect(200, anon=401)),
    ("POST", "/api/v1/compliance/dpas"): (lambda c: {}, "form", lambda c: {
        "district_id": c.district_a.pk, "template": "ndpa", "signed_on": "2026-01-01",
        "product_ids": [c.product.pk]}, only(VENDORS, ok=422, anon=401)),  # no document: 422
    ("GET", "/api/v1/compliance/general-offers"): (lambda c: {}, None, None,  # staff must name a state
                                                   {**only(DISTRICT_A + DISTRICT_B, anon=401), "staff": 422}),
    ("POST", "/api/v1/compliance/dpas/{dpa_id}/joinder"): (lambda c: {"dpa_id": c.dpa.pk}, None, None, {
        **only(["buyer_a", "approver_a"], ok=201, anon=401), "buyer_b": 422, "approver_b": 422}),
    # district B's agreement, already countersigned: its district 422, another district 404
    ("POST", "/api/v1/compliance/dpas/{dpa_id}/countersign"): (lambda c: {"dpa_id": c.dpa.pk}, None, None, {
        **only(DISTRICT_B, ok=422, anon=401), "buyer_a": 404, "approver_a": 404}),
    ("POST", "/api/v1/compliance/dpas/{dpa_id}/district-copy"): (lambda c: {"dpa_id": c.dpa.pk}, None, None,
                                                                 only(["staff"], ok=422, anon=401)),
    # not a joinder: 404 for whoever may review one
    ("POST", "/api/v1/compliance/dpas/{dpa_id}/review"): (lambda c: {"dpa_id": c.dpa.pk}, "json",
                                                          {"outcome": "kept"},
                                                          only(["staff"] + DISTRICT_BUYERS_APPROVERS, ok=404, anon=401)),
    # contracts (see contracts_world)
    ("GET", "/api/v1/agreements"): (lambda c: {}, None, None, expect(200)),
    ("GET", "/api/v1/catalog"): (lambda c: {}, None, None, expect(200)),
    ("GET", "/api/v1/catalog/{product_id}"): (lambda c: {"product_id": c.agreement_product.pk}, None, None,
                                              expect(200)),
    ("GET", "/api/v1/agreements/{agreement_id}"): (AGR, None, None, expect(200)),
    ("POST", "/api/v1/solicitations/{solicitation_id}/agreements"): (
        lambda c: {"solicitation_id": c.awarded.pk}, None, None, only(["staff"], ok=422, anon=401)),
    ("POST", "/api/v1/agreements/{agreement_id}/schedule"): (
        AGR, "json", lambda c: {"line_reference": "CB", "product_id": c.agreement_product.pk},
        {**only(["staff", "vendor_a"], ok=422, anon=401)}),
    ("POST", "/api/v1/agreements/{agreement_id}/activate"): (AGR, "json", {
        "start_date": "2030-01-01", "term_months": 12, "vendor_signed_by": "v", "consortium_signed_by": "c"},
        only(["staff"], ok=422, anon=401)),
    ("POST", "/api/v1/agreements/{agreement_id}/renew"): (AGR, None, None, only(["staff"], anon=401)),
    ("POST", "/api/v1/agreements/{agreement_id}/terminate"): (AGR, "json", {"reason": ""},
                                                              only(["staff"], ok=422, anon=401)),
    ("POST", "/api/v1/agreements/{agreement_id}/amendments"): (AGR, "json", {"summary": ""},
                                                               only(["staff", "vendor_a"], ok=422, anon=401)),
    ("POST", "/api/v1/agreements/{agreement_id}/amendments/{number}/decision"): (
        lambda c: {**AGR(c), "number": 1}, "json", {"approve": False, "reason": ""},
        only(["staff"], ok=422, anon=401)),
    ("GET", "/api/v1/agreements/{agreement_id}/join-requirements"): (AGR, None, None,
                                                                     only(DISTRICT_BUYERS_APPROVERS, anon=401)),
    ("POST", "/api/v1/agreements/{agreement_id}/join"): (AGR, "json", {"estimated_value": "1"},
                                                         only(["buyer_a", "buyer_b"], ok=422, anon=401)),
    ("GET", "/api/v1/participations"): (lambda c: {}, None, None,
                                        only(DISTRICT_BUYERS_APPROVERS + VENDORS, anon=401)),
    ("POST", "/api/v1/participations/{participation_id}/approve"): (
        PART, None, None, {**only(["approver_a"], ok=422, anon=401), "approver_b": 404}),
    ("POST", "/api/v1/participations/{participation_id}/reject"): (  # active: not rejectable
        PART, "json", {"reason": "x"}, {**only(["approver_a"], ok=422, anon=401), "approver_b": 404}),
    ("POST", "/api/v1/participations/{participation_id}/countersign"): (
        PART, None, None, {**only(["vendor_a"], ok=422, anon=401), "vendor_b": 404}),
    ("POST", "/api/v1/participations/{participation_id}/withdraw"): (
        PART, "json", {"reason": "x"},
        {**only(["buyer_a", "approver_a"], ok=422, anon=401), "buyer_b": 404, "approver_b": 404}),
    ("POST", "/api/v1/mini-competitions"): (lambda c: {}, "json", lambda c: {
        "solicitation_id": c.awarded.pk, "quantities": {}}, only(["buyer_a", "buyer_b"], ok=422, anon=401)),
    ("GET", "/api/v1/mini-competitions/{competition_id}"): (
        COMP, None, None, {**only(["buyer_a", "approver_a"], anon=401), "buyer_b": 404, "approver_b": 404}),
    ("POST", "/api/v1/mini-competitions/{competition_id}/scores"): (
        COMP, "json", {"agreement_id": 999999, "other_score": 1}, {**only(["buyer_a"], ok=422, anon=401), "buyer_b": 404}),
    ("POST", "/api/v1/mini-competitions/{competition_id}/quotes"): (
        COMP, "json", {"agreement_id": 999999}, {**only(["buyer_a"], ok=422, anon=401), "buyer_b": 404}),
    ("POST", "/api/v1/quotes/{quote_id}/answer"): (
        lambda c: {"quote_id": c.quote.pk}, "json", {"quote_total": "1", "implementation_plan": "x"},
        {**only(["vendor_a"], ok=422, anon=401), "vendor_b": 404}),
    ("POST", "/api/v1/mini-competitions/{competition_id}/decision"): (
        COMP, "json", {"agreement_id": 999999, "reasons": "x"}, {**only(["buyer_a"], ok=422, anon=401), "buyer_b": 404}),
    # orders (see contracts_world); the dict order matters: acknowledge, fulfil, then cancel
    ("GET", "/api/v1/orders"): (lambda c: {}, None, None,
                                only(["staff"] + DISTRICT_BUYERS_APPROVERS + VENDORS, anon=401)),
    ("POST", "/api/v1/orders"): (lambda c: {}, "json", lambda c: {"agreement_id": c.agreement.pk, "lines": []},
                                 only(["buyer_a", "buyer_b"], ok=422, anon=401)),
    ("POST", "/api/v1/agreements/{agreement_id}/orders/csv"): (AGR, "form", lambda c: {
        "file": __import__("django.core.files.uploadedfile", fromlist=["x"]).SimpleUploadedFile(
            "o.csv", b"product,quantity\n")}, only(["buyer_a", "buyer_b"], ok=422, anon=401)),
    ("GET", "/api/v1/orders/{order_id}"): (ORD, None, None, {
        **only(["staff", "buyer_a", "approver_a", "vendor_a"], anon=401), "buyer_b": 404, "approver_b": 404,
        "vendor_b": 404}),
    ("POST", "/api/v1/orders/{order_id}/submit"): (ORD, None, None,
                                                   {**only(["buyer_a"], ok=422, anon=401), "buyer_b": 404}),
    ("POST", "/api/v1/orders/{order_id}/approve"): (ORD, None, None,
                                                    {**only(["approver_a"], ok=422, anon=401), "approver_b": 404}),
    ("POST", "/api/v1/orders/{order_id}/reject"): (ORD, "json", {"reason": "x"},  # submitted: not rejectable
                                                   {**only(["approver_a"], ok=422, anon=401), "approver_b": 404}),
    ("POST", "/api/v1/orders/{order_id}/acknowledge"): (ORD, None, None,
                                                        {**only(["vendor_a"], anon=401), "vendor_b": 404}),
    ("POST", "/api/v1/orders/{order_id}/fulfil"): (ORD, None, None, {**only(["vendor_a"], anon=401), "vendor_b": 404}),
    ("POST", "/api/v1/orders/{order_id}/cancel"): (ORD, "json", {"reason": "x"}, {
        **only(["staff", "buyer_a", "approver_a"], anon=401), "vendor_a": 422, "buyer_b": 404, "approver_b": 404,
        "vendor_b": 404}),
    ("GET", "/api/v1/rebates"): (lambda c: {}, None, None, only(DISTRICT_BUYERS_APPROVERS + VENDORS, anon=401)),
    ("POST", "/api/v1/settlements"): (lambda c: {}, "json", lambda c: {
        "agreement_id": c.agreement.pk, "district_id": c.district_a.pk, "amount": "1", "method": "payment",
        "reference": "x"}, only(["staff", "vendor_a"], ok=422, anon=401)),
    # sales reports (see reports_world: the quarter's report is invoiced, its one item resolved)
    ("GET", "/api/v1/sales-reports"): (lambda c: {}, None, None, only(["staff"] + VENDORS, anon=401)),
    ("GET", "/api/v1/sales-reports/overdue"): (lambda c: {}, None, None, only(["staff"], anon=401)),
    ("GET", "/api/v1/agreements/{agreement_id}/sales-quarters"): (
        AGR, None, None, {**only(["staff", "vendor_a"], anon=401), "vendor_b": 404}),
    ("POST", "/api/v1/agreements/{agreement_id}/sales-reports"): (
        AGR, "json", lambda c: {"quarter": c.sales_report.period.key, "lines": [{}]},
        only(["vendor_a"], ok=422, anon=401)),
    ("GET", "/api/v1/sales-reports/{report_id}"): (
        REP, None, None, {**only(["staff", "vendor_a"], anon=401), "vendor_b": 404}),
    ("GET", "/api/v1/sales-reports/{report_id}/reconciliation"): (
        REP, None, None, {**only(["staff", "vendor_a"], anon=401), "vendor_b": 404}),
    ("POST", "/api/v1/sales-reports/{report_id}/items/{item_id}/resolve"): (
        lambda c: {**REP(c), "item_id": c.sales_item.pk}, "json", {"note": "x"},
        only(["staff"], ok=422, anon=401)),
    ("POST", "/api/v1/sales-reports/{report_id}/invoice"): (REP, None, None, only(["staff"], ok=422, anon=401)),
    ("GET", "/api/v1/invoices"): (lambda c: {}, None, None, only(["staff"] + VENDORS, anon=401)),
    ("POST", "/api/v1/invoices/{invoice_id}/paid"): (
        lambda c: {"invoice_id": c.fee_invoice.pk}, "json", {"payment_reference": ""},
        only(["staff"], ok=422, anon=401)),
    ("GET", "/api/v1/compliance/accessibility-reports"): (lambda c: {}, None, None, expect(200, anon=401)),
    ("POST", "/api/v1/compliance/accessibility-reports"): (lambda c: {}, "form", lambda c: {
        "product_id": c.product.pk, "standard": "WCAG 2.1", "level": "AA", "report_date": "2026-01-01"},
        only(VENDORS, ok=422, anon=401)),
    ("GET", "/api/v1/compliance/attestations"): (lambda c: {}, None, None, expect(200, anon=401)),
    ("POST", "/api/v1/compliance/attestations"): (lambda c: {}, "form", {"kind": "coppa", "attested_on": "2026-01-01"},
                                                  only(VENDORS, ok=422, anon=401)),
    # vendors manage their own evidence (compliance_world): invalid bodies (422) for vendor A,
    # 404 for vendor B; closing the offer succeeds for vendor A
    ("PUT", "/api/v1/compliance/dpas/{dpa_id}"): (lambda c: {"dpa_id": c.dpa.pk}, "json", {
        "template": "ndpa", "product_ids": [], "signed_on": "2026-01-01"}, OWN_EVIDENCE_422),
    ("PATCH", "/api/v1/compliance/dpas/{dpa_id}"): (lambda c: {"dpa_id": c.dpa.pk}, "json", {"product_ids": []},
                                                    OWN_EVIDENCE_422),
    ("POST", "/api/v1/compliance/dpas/{dpa_id}/withdraw"): (lambda c: {"dpa_id": c.dpa.pk}, "json", {"reason": ""},
                                                            OWN_EVIDENCE_422),
    ("POST", "/api/v1/compliance/dpas/{dpa_id}/close-offer"): (lambda c: {"dpa_id": c.dpa.pk}, None, None,
                                                               {**only(["vendor_a"], anon=401), "vendor_b": 404}),
    ("PUT", "/api/v1/compliance/accessibility-reports/{report_id}"): (
        lambda c: {"report_id": c.report.pk}, "json", lambda c: {
            "product_id": c.product.pk, "standard": "WCAG 9", "level": "AA", "report_date": "2026-01-01"},
        OWN_EVIDENCE_422),
    ("PATCH", "/api/v1/compliance/accessibility-reports/{report_id}"): (
        lambda c: {"report_id": c.report.pk}, "json", {"standard": "WCAG 9"}, OWN_EVIDENCE_422),
    ("POST", "/api/v1/compliance/accessibility-reports/{report_id}/withdraw"): (
        lambda c: {"report_id": c.report.pk}, "json", {"reason": ""}, OWN_EVIDENCE_422),
    ("PUT", "/api/v1/compliance/attestations/{attestation_id}"): (
        lambda c: {"attestation_id": c.attestation.pk}, "json", {"kind": "nope", "attested_on": "2026-01-01"},
        OWN_EVIDENCE_422),
    ("PATCH", "/api/v1/compliance/attestations/{attestation_id}"): (
        lambda c: {"attestation_id": c.attestation.pk}, "json", {"kind": "nope"}, OWN_EVIDENCE_422),
    ("POST", "/api/v1/compliance/attestations/{attestation_id}/withdraw"): (
        lambda c: {"attestation_id": c.attestation.pk}, "json", {"reason": ""}, OWN_EVIDENCE_422),
    # matching
    ("POST", "/api/v1/needs/match"): (lambda c: {}, "json", {"text": "chromebook"},
                                      only(["staff"] + DISTRICT_A + DISTRICT_B, anon=401)),
    ("GET", "/api/v1/needs"): (lambda c: {}, None, None, only(["staff"] + DISTRICT_A + DISTRICT_B, anon=401)),
    ("POST", "/api/v1/needs"): (lambda c: {}, "json", {"text": ""}, only(DISTRICT_BUYERS_APPROVERS, ok=422, anon=401)),
    ("GET", "/api/v1/needs/unmet-summary"): (lambda c: {}, None, None, only(["staff"], anon=401)),
    ("GET", "/api/v1/needs/{need_id}"): (lambda c: {"need_id": 999999}, None, None,
                                         only(["staff"] + DISTRICT_A + DISTRICT_B, ok=404, anon=401)),
    ("GET", "/api/v1/needs/{need_id}/matches"): (lambda c: {"need_id": 999999}, None, None,
                                                 only(["staff"] + DISTRICT_A + DISTRICT_B, ok=404, anon=401)),
}


def test_every_api_operation_is_in_the_table():
    schema = api.get_openapi_schema()
    operations = {(method.upper(), path) for path, ops in schema["paths"].items() for method in ops}
    assert operations == set(API), (
        f"missing from the matrix: {operations - set(API)}; stale: {set(API) - operations}")


def _token(cast, role: str) -> str:
    user = cast.users_by_role[role]
    assignment = user.role_assignments.first()
    _, secret = api_token_create(user=user, assignment=assignment,
                                 actor=Actor.from_assignment(assignment))
    return secret


@pytest.mark.parametrize("role", ROLES)
def test_api_matrix(client, cast, sourcing_world, compliance_world, contracts_world, reports_world, role):
    wrong = []
    for (method, path), (params, kind, body, table) in API.items():
        url = path.format(**params(cast))
        headers = {} if role == "anon" else {"HTTP_AUTHORIZATION": f"Bearer {_token(cast, role)}"}
        data = body(cast) if callable(body) else body
        if kind == "json":
            response = client.generic(method, url, data=__import__("json").dumps(data),
                                      content_type="application/json", **headers)
        elif kind == "form":
            response = client.post(url, data=data, **headers)
        else:
            response = client.generic(method, url, **headers)
        if response.status_code != table[role]:
            wrong.append(f"{method} {url}: expected {table[role]}, got {response.status_code} "
                         f"{response.content[:200]!r}")
    assert not wrong, f"as {role}:\n" + "\n".join(wrong)
