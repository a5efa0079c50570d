"""The contracts and sales-report API answer what the OpenAPI document declares.

A realistic scene (agreements from an award, a price schedule, an amendment, a mini-competition
with quotes, participations approved, countersigned and withdrawn, the catalog, a sales report
reconciled and invoiced) drives every operation of both routers; each answer is checked against
the response schema /api/v1/openapi.json declares for its status (`tests.api_conformance`). The
last test checks that every operation was driven and declares a named schema for its answer. (That no two schemas share a name is
`tests/test_api_conformance.py`'s.)
"""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal

from django.utils import timezone

from accounts.acting import Actor
from accounts.services import api_token_create
from contracts.services.participation import (minicompetition_decide, minicompetition_start,
                                              participation_join, quote_answer, quote_request)
from contracts.selectors.participation import join_requirements
from reports.tests.conftest import after, place, quarter  # noqa: F401 (fixture)
from tests.api_conformance import check_response
from tests.helpers import make_product

PREFIX = "/api/v1"
A = "/agreements/{agreement_id}"

AGREEMENT_OPERATIONS = {
    ("post", "/solicitations/{solicitation_id}/agreements"), ("post", A + "/schedule"),
    ("post", A + "/activate"), ("get", "/agreements"), ("get", A), ("post", A + "/renew"),
    ("post", A + "/terminate"),
}
PARTICIPATION_OPERATIONS = {
    ("post", "/mini-competitions"), ("get", "/mini-competitions/{competition_id}"),
    ("post", "/mini-competitions/{competition_id}/scores"), ("post", "/mini-competitions/{competition_id}/quotes"),
    ("post", "/quotes/{quote_id}/answer"), ("post", "/mini-competitions/{competition_id}/decision"),
    ("get", A + "/join-requirements"), ("post", A + "/join"), ("get", "/participations"),
    ("post", "/participations/{participation_id}/approve"),
    ("post", "/participations/{participation_id}/countersign"),
    ("post", "/participations/{participation_id}/withdraw"), ("post", A + "/amendments"),
    ("post", A + "/amendments/{number}/decision"), ("get", "/catalog"), ("get", "/catalog/{product_id}"),
}
REPORT_OPERATIONS = {
    ("get", "/sales-reports"), ("get", "/sales-reports/overdue"), ("get", A + "/sales-quarters"),
    ("post", A + "/sales-reports"), ("get", "/sales-reports/{report_id}"),
    ("get", "/sales-reports/{report_id}/reconciliation"),
    ("post", "/sales-reports/{report_id}/items/{item_id}/resolve"), ("post", "/sales-reports/{report_id}/invoice"),
    ("get", "/invoices"), ("post", "/invoices/{invoice_id}/paid"),
}


class Api:
    """Calls the API and checks each answer against the document (`tests.api_conformance`, the
    check every test's client runs too); remembers which operations answered a success."""

    def __init__(self, client):
        self.client = client
        self.checked: set[tuple[str, str]] = set()

    def call(self, method: str, template: str, user=None, body=None, status: int = 200, query=None, **params):
        url = PREFIX + template.format(**params)
        headers = token(user) if user is not None else {}
        if method == "get":
            response = self.client.get(url, query or {}, **headers)
        else:
            response = self.client.post(url, data=json.dumps(body or {}, default=str),
                                        content_type="application/json", **headers)
        assert response.status_code == status, (method, url, response.content[:2000])
        check_response(method, url, response)
        data = response.json()
        if status < 400:
            self.checked.add((method, template))
        return data


def token(user) -> dict:
    assignment = user.role_assignments.first()
    _, secret = api_token_create(user=user, assignment=assignment, actor=Actor.from_assignment(assignment))
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_agreements_from_an_award_answer_as_documented(client, cast, awarded):
    api = Api(client)
    staff, vendor = cast.staff, cast.vendor_user_a
    created = api.call("post", "/solicitations/{solicitation_id}/agreements", staff, status=201,
                       solicitation_id=awarded.pk)
    assert len(created) == 2 and created[0]["start_date"] is None and created[0]["admin_fee_rate"] == "0.0200"
    agreement_id = next(a["id"] for a in created if a["vendor_id"] == cast.vendor_a.pk)
    for line, product in (("CB", make_product(cast.vendor_a, "A Chromebook")),
                          ("LIC", make_product(cast.vendor_a, "A Licence", "35.00"))):
        api.call("post", A + "/schedule", vendor, {"line_reference": line, "product_id": product.pk},
                 agreement_id=agreement_id)
    activated = api.call("post", A + "/activate", staff, {
        "start_date": timezone.localdate(), "term_months": 12, "renewal_options": 1, "renewal_months": 12,
        "vendor_signed_by": "VP Sales", "consortium_signed_by": "Board chair", "admin_fee_rate": "0.015"},
        agreement_id=agreement_id)
    assert activated["state"] == "active" and activated["admin_fee_rate"] == "0.0150"
    row = next(r for r in activated["schedule"] if r["line"] == "CB")
    assert row["unit_price_now"] == "300.00" and row["next_tier_price"] == "290.00"
    assert row["tiers"][0] == {"min_quantity": 1, "unit_price": "300.00"}
    assert [a["id"] for a in api.call("get", "/agreements")] == [agreement_id]  # the public see the signed
    assert api.call("get", A, agreement_id=agreement_id)["documents"] == []
    renewed = api.call("post", A + "/renew", staff, agreement_id=agreement_id)
    assert renewed["renewals_used"] == 1 and renewed["end_date"] > activated["end_date"]
    ended = api.call("post", A + "/terminate", staff, {"reason": "Vendor left the market."},
                     agreement_id=agreement_id)
    assert ended["state"] == "terminated"
    # Refusals answer the error shape the document declares for them.
    api.call("post", A + "/renew", staff, status=422, agreement_id=agreement_id)
    api.call("get", A, status=404, agreement_id=999999)
    api.call("post", A + "/renew", vendor, status=403, agreement_id=agreement_id)
    assert api.checked == AGREEMENT_OPERATIONS


def _prepared_participation(cast, awarded, agreement):
    """District B joins vendor A's agreement after its own mini-competition; not yet countersigned."""
    buyer = cast.actor(cast.buyer_b)
    competition = minicompetition_start(district=cast.district_b, solicitation=awarded,
                                        quantities={"CB": 10}, actor=buyer)
    quote = quote_request(competition=competition, agreement=agreement, actor=buyer)
    quote_answer(quote=quote, quote_total=Decimal(3000), implementation_plan="ok",
                 actor=cast.actor(cast.vendor_user_a))
    minicompetition_decide(competition=competition, agreement=agreement, reasons="price", actor=buyer)
    needs = join_requirements(district=cast.district_b, agreement=agreement, annual_value=Decimal(3000))
    return participation_join(district=cast.district_b, agreement=agreement, estimated_value=3000,
                              mini_competition=competition, confirmed_steps=needs.confirmations, actor=buyer)


def test_participation_and_mini_competitions_answer_as_documented(client, cast, awarded, agreements,
                                                                  general_offer):  # noqa: F811
    api = Api(client)
    agreement, other = agreements[cast.vendor_a.pk], agreements[cast.vendor_b.pk]
    buyer, approver, vendor = cast.buyer_a, cast.approver_a, cast.vendor_user_a
    # A district district compares the vendors, asks for a quote and chooses.
    competition = api.call("post", "/mini-competitions", buyer, {
        "solicitation_id": awarded.pk, "quantities": {"CB": 800, "LIC": 800}, "price_weight": "60"}, status=201)
    assert competition["price_weight"] == "60.00" and len(competition["scores"]) == 2
    cid = competition["id"]
    scored = api.call("post", "/mini-competitions/{competition_id}/scores", buyer,
                      {"agreement_id": agreement.pk, "other_score": "30.5", "notes": "Good support"},
                      competition_id=cid)
    assert {s["other_score"] for s in scored["scores"]} >= {"30.50"}
    quote = api.call("post", "/mini-competitions/{competition_id}/quotes", buyer,
                     {"agreement_id": agreement.pk, "message": "Delivery by July?"}, status=201, competition_id=cid)
    api.call("post", "/quotes/{quote_id}/answer", vendor,
             {"quote_total": "250000", "implementation_plan": "Deliver in July"}, quote_id=quote["id"])
    api.call("get", "/mini-competitions/{competition_id}", buyer, competition_id=cid)
    decided = api.call("post", "/mini-competitions/{competition_id}/decision", buyer,
                       {"agreement_id": agreement.pk, "reasons": "Best total and plan"}, competition_id=cid)
    assert decided["chosen_agreement_id"] == agreement.pk and decided["quotes"][0]["quote_total"] == "250000.00"

    # It joins above its approval limit: the approver approves, the vendor countersigns.
    needs = api.call("get", A + "/join-requirements", buyer, agreement_id=agreement.pk,
                     query={"estimated_value": "60000"})
    assert needs["blocked"] == []
    joined_a = api.call("post", A + "/join", buyer, {
        "estimated_value": "60000", "mini_competition_id": cid, "confirmed_steps": needs["confirmations"],
        "board_finding_on": timezone.localdate() - dt.timedelta(days=3), "board_finding_reference": "R-2026-14"},
        status=201, agreement_id=agreement.pk)
    assert joined_a["needs_approval"] and joined_a["estimated_value"] == "60000.00"
    assert joined_a["dpa_joinder_id"] is not None and re.fullmatch(r"\d{4}-\d\d-\d\d", joined_a["board_finding_on"])
    pid = joined_a["id"]
    assert api.call("post", "/participations/{participation_id}/approve", approver,
                    participation_id=pid)["state"] == "approved"
    assert api.call("post", "/participations/{participation_id}/countersign", vendor,
                    participation_id=pid)["state"] == "active"
    assert [p["id"] for p in api.call("get", "/participations", buyer)] == [pid]
    prepared = _prepared_participation(cast, awarded, agreement)
    withdrawn = api.call("post", "/participations/{participation_id}/withdraw", cast.buyer_b,
                         {"reason": "Budget cut."}, participation_id=prepared.pk)
    assert withdrawn["state"] == "withdrawn" and withdrawn["board_finding_on"] is None
    assert len(api.call("get", "/participations", vendor)) == 2

    # The vendor proposes a price amendment; staff approve it.
    detail = api.call("get", A, agreement_id=agreement.pk)
    device = next(r for r in detail["schedule"] if r["line"] == "CB")
    proposed = api.call("post", A + "/amendments", vendor, {
        "summary": "Lower price", "set_entries": [{"product": device["product_id"], "tiers": [
            {"min_quantity": 1, "unit_price": "299.00"}]}]}, status=201, agreement_id=agreement.pk)
    assert proposed["changes"]["set"][0]["tiers"] == [{"min_quantity": 1, "unit_price": "299.00"}]
    api.call("post", A + "/amendments/{number}/decision", cast.staff, {"approve": True},
             agreement_id=agreement.pk, number=proposed["number"])

    # The catalog: anyone sees offers; a district also the verdict.
    public = api.call("get", "/catalog", query={"q": "Chromebook"})
    assert public["count"] == 2 and all("verdict" not in r for r in public["results"])
    mine = api.call("get", "/catalog", buyer, query={"q": "Chromebook"})
    assert {r["verdict"]["verdict"] for r in mine["results"]} <= {"allowed", "allowed_after_steps", "blocked"}
    assert "verdict" not in api.call("get", "/catalog/{product_id}", product_id=device["product_id"])
    one = api.call("get", "/catalog/{product_id}", buyer, product_id=device["product_id"])
    assert one["offers"][0]["unit_price_now"] == "299.00" and one["verdict"]["reasons"]
    api.call("get", "/catalog/{product_id}", status=404, product_id=999999)
    api.call("post", A + "/join", buyer, {"estimated_value": "1000", "mini_competition_id": cid}, status=422,
             agreement_id=other.pk)
    assert api.checked == PARTICIPATION_OPERATIONS | {("get", A)}


def test_sales_reports_and_invoices_answer_as_documented(client, cast, quarter, clock):  # noqa: F811
    api = Api(client)
    vendor, staff = cast.vendor_user_a, cast.staff
    order = place(cast, "a", [(cast.device, 10)])
    after(clock, quarter, days=50)
    overdue = api.call("get", "/sales-reports/overdue", staff)
    assert overdue and overdue[0]["days_overdue"] > 0 and overdue[0]["report_id"] is None
    report = api.call("post", A + "/sales-reports", vendor, {"quarter": quarter.key, "lines": [
        {"district": cast.district_a.state_leaid, "product": cast.device.name, "quantity": 10,
         "unit_price": "300.00", "amount": "3000.00", "order_number": order.number},
        {"district": cast.district_b.pk, "product": cast.licence.pk, "quantity": 2, "unit_price": 30}]},
        status=201, agreement_id=cast.agreement.pk)
    assert report["late"] and report["total_amount"] == "3060.00" and report["invoice"] is None
    assert report["lines"][1]["amount"] == "60.00" and report["versions"][0]["total_amount"] == "3060.00"
    rid = report["id"]
    assert [r["id"] for r in api.call("get", "/sales-reports", staff, query={"open": "true"})] == [rid]
    api.call("get", "/sales-reports/{report_id}", vendor, report_id=rid)
    rec = api.call("get", "/sales-reports/{report_id}/reconciliation", staff, report_id=rid)
    assert rec["fee_rate"] == "0.0200" and rec["fee_amount"] == "61.20" and not rec["ready_to_invoice"]
    item = next(i for i in rec["items"] if i["state"] == "open")
    resolved = api.call("post", "/sales-reports/{report_id}/items/{item_id}/resolve", staff,
                        {"note": "Sold at a conference; fine."}, report_id=rid, item_id=item["id"])
    assert resolved["resolved_at"] and resolved["report_lines"] == [2]
    invoice = api.call("post", "/sales-reports/{report_id}/invoice", staff, status=201, report_id=rid)
    assert invoice["fee_amount"] == "61.20" and invoice["paid_on"] is None
    paid = api.call("post", "/invoices/{invoice_id}/paid", staff, {"payment_reference": "WIRE-1"},
                    invoice_id=invoice["id"])
    assert paid["state"] == "paid" and paid["paid_on"] == timezone.localdate().isoformat()
    assert [i["id"] for i in api.call("get", "/invoices", vendor)] == [invoice["id"]]
    assert api.call("get", "/sales-reports", vendor)[0]["invoice"]["state"] == "paid"
    quarters = api.call("get", A + "/sales-quarters", vendor, agreement_id=cast.agreement.pk)
    assert any(q["report_id"] == rid and q["status"] == "paid" for q in quarters)
    api.call("post", A + "/sales-reports", vendor, {"quarter": "2026Q9"}, status=422, agreement_id=cast.agreement.pk)
    api.call("get", "/sales-reports/{report_id}", cast.buyer_a, status=403, report_id=rid)
    api.call("get", "/sales-reports/{report_id}", cast.vendor_user_b, status=404, report_id=rid)
    api.call("get", "/invoices", status=401)
    assert api.checked == REPORT_OPERATIONS


def test_every_contracts_and_reports_operation_is_driven_above_and_typed(client, db):
    from contracts.api import router as contracts_router
    from reports.api import router as reports_router

    document = client.get(PREFIX + "/openapi.json").json()
    operations = {}
    for router in (contracts_router, reports_router):
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                for method in operation.methods:
                    operations[(method.lower(), path)] = document["paths"][PREFIX + path][method.lower()]
    assert set(operations) == AGREEMENT_OPERATIONS | PARTICIPATION_OPERATIONS | REPORT_OPERATIONS
    for key, operation in operations.items():
        answers = {s: r for s, r in operation["responses"].items() if s.startswith("2")}
        assert len(answers) == 1, key
        schema = next(iter(answers.values()))["content"]["application/json"]["schema"]
        named = schema.get("items", schema).get("$ref", "")
        assert named.startswith("#/components/schemas/"), (key, schema)  # a named schema, not `object`

