"""API: vendors' own evidence (compliance_world)."""

from tests.authz.common import (AGR, COMP, DISTRICT_A, DISTRICT_B, DISTRICT_BUYERS_APPROVERS, ORD,  # noqa: F401
                                OWN_EVIDENCE_422, PART, REP, REP_Q, SIGNED_IN, SOL, SUR, VENDORS, expect, only)

API = {
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
}
