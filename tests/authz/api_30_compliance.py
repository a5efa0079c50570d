"""API: products and compliance (compliance_world)."""

from tests.authz.common import (AGR, COMP, DISTRICT_A, DISTRICT_B, DISTRICT_BUYERS_APPROVERS, ORD,  # noqa: F401
                                OWN_EVIDENCE_422, PART, REP, REP_Q, SIGNED_IN, SOL, SUR, VENDORS, expect, only)

API = {
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
}
