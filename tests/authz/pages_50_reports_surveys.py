"""Pages: sales reports (reports_world), surveys, inbox, audit."""

from tests.authz.common import (AGR, COMP, DISTRICT_A, DISTRICT_B, DISTRICT_BUYERS_APPROVERS, ORD,  # noqa: F401
                                OWN_EVIDENCE_422, PART, REP, REP_Q, SIGNED_IN, SOL, SUR, VENDORS, expect, only)

PAGES = {
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
    "surveys:need-link": (lambda c: {**SUR(c), "need_id": 999999}, only(["staff"], ok=404)),
    "inbox:list": (lambda c: {}, only(SIGNED_IN)),
    "inbox:open": (lambda c: {"notice_id": 999999}, only(SIGNED_IN, ok=405)),
    "inbox:read-all": (lambda c: {}, only(SIGNED_IN, ok=405)),
    "audit:events": (lambda c: {}, only(["staff"])),
    "audit:object": (lambda c: {"object_type": "members.membership",
                                "object_id": str(c.membership_a.pk)}, only(["staff"])),
}
