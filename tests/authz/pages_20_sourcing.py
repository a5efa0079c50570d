"""Pages: solicitations, bids, evaluation (sourcing_world)."""

from tests.authz.common import (AGR, COMP, DISTRICT_A, DISTRICT_B, DISTRICT_BUYERS_APPROVERS, ORD,  # noqa: F401
                                OWN_EVIDENCE_422, PART, REP, REP_Q, SIGNED_IN, SOL, SUR, VENDORS, expect, only)

PAGES = {
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
}
