"""API: licence usage. The import's body fits the schema but names no product: refused (422) for
the district's buyer and approver, nothing stored; 403 for everyone else."""

from tests.authz.common import DISTRICT_A, DISTRICT_B, DISTRICT_BUYERS_APPROVERS, only

API = {
    ("POST", "/api/v1/usage"): (lambda c: {}, "json",
                                {"rows": [{"product": 999999, "month": "2026-01", "licences_used": 1}]},
                                only(DISTRICT_BUYERS_APPROVERS, ok=422, anon=401)),
    ("GET", "/api/v1/usage"): (lambda c: {}, None, None, only(DISTRICT_A + DISTRICT_B, anon=401)),
    ("GET", "/api/v1/usage/renewals"): (lambda c: {}, None, None, only(["staff"], anon=401)),
}
