"""Pages: agreements, participation, orders (contracts_world)."""

from tests.authz.common import (AGR, COMP, DISTRICT_A, DISTRICT_B, DISTRICT_BUYERS_APPROVERS, ORD,  # noqa: F401
                                OWN_EVIDENCE_422, PART, REP, REP_Q, SIGNED_IN, SOL, SUR, VENDORS, expect, only)

PAGES = {
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
}
