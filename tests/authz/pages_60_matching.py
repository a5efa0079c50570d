"""Pages: finding the right edtech for a need."""

from tests.authz.common import (AGR, COMP, DISTRICT_A, DISTRICT_B, DISTRICT_BUYERS_APPROVERS, ORD,  # noqa: F401
                                OWN_EVIDENCE_422, PART, REP, REP_Q, SIGNED_IN, SOL, SUR, VENDORS, expect, only)

PAGES = {
    # matching: finding the right edtech for a need (matching/tests for a district's own needs)
    "matching:find": (lambda c: {}, only(["staff"] + DISTRICT_A + DISTRICT_B)),
    "matching:needs": (lambda c: {}, only(DISTRICT_A + DISTRICT_B)),
    "matching:need": (lambda c: {"need_id": 999999}, only(["staff"] + DISTRICT_A + DISTRICT_B, ok=404)),
    "matching:unmet": (lambda c: {}, only(["staff"])),
}
