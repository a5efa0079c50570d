"""API: needs and matching."""

from tests.authz.common import (AGR, COMP, DISTRICT_A, DISTRICT_B, DISTRICT_BUYERS_APPROVERS, ORD,  # noqa: F401
                                OWN_EVIDENCE_422, PART, REP, REP_Q, SIGNED_IN, SOL, SUR, VENDORS, expect, only)

API = {
    # matching
    ("POST", "/api/v1/needs/match"): (lambda c: {}, "json", {"text": "chromebook"},
                                      only(["staff"] + DISTRICT_A + DISTRICT_B, anon=401)),
    ("GET", "/api/v1/needs"): (lambda c: {}, None, None, only(["staff"] + DISTRICT_A + DISTRICT_B, anon=401)),
    ("POST", "/api/v1/needs"): (lambda c: {}, "json", {"text": ""}, only(DISTRICT_BUYERS_APPROVERS, ok=422, anon=401)),
    ("GET", "/api/v1/needs/unmet-summary"): (lambda c: {}, None, None, only(["staff"], anon=401)),
    ("GET", "/api/v1/needs/{need_id}"): (lambda c: {"need_id": 999999}, None, None,
                                         only(["staff"] + DISTRICT_A + DISTRICT_B, ok=404, anon=401)),
    ("GET", "/api/v1/needs/{need_id}/matches"): (lambda c: {"need_id": 999999}, None, None,
                                                 only(["staff"] + DISTRICT_A + DISTRICT_B, ok=404, anon=401)),
}
