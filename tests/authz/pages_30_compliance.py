"""Pages: products and compliance (compliance_world)."""

from tests.authz.common import (AGR, COMP, DISTRICT_A, DISTRICT_B, DISTRICT_BUYERS_APPROVERS, ORD,  # noqa: F401
                                OWN_EVIDENCE_422, PART, REP, REP_Q, SIGNED_IN, SOL, SUR, VENDORS, expect, only)

PAGES = {
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
    "compliance:adopt": (lambda c: {"dpa_id": c.dpa.pk}, only(["buyer_a", "approver_a"] + DISTRICT_B)),  # GET: the confirmation
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
}
