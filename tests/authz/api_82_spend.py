"""API: spend analytics (issue 16)."""

from tests.authz.common import only

API = {
    ("GET", "/api/v1/analytics/spend"): (lambda c: {}, None, None,
                                         only(["staff", "buyer_a", "approver_a", "buyer_b", "approver_b"], anon=401)),
}
