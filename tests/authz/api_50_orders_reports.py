"""API: orders, rebates, sales reports (contracts_world, reports_world)."""

from tests.authz.common import (AGR, COMP, DISTRICT_A, DISTRICT_B, DISTRICT_BUYERS_APPROVERS, ORD,  # noqa: F401
                                OWN_EVIDENCE_422, PART, REP, REP_Q, SIGNED_IN, SOL, SUR, VENDORS, expect, only)

API = {
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
}
