"""API: agreements and participation (contracts_world)."""

from tests.authz.common import (AGR, COMP, DISTRICT_A, DISTRICT_B, DISTRICT_BUYERS_APPROVERS, ORD,  # noqa: F401
                                OWN_EVIDENCE_422, PART, REP, REP_Q, SIGNED_IN, SOL, SUR, VENDORS, expect, only)

API = {
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
}
