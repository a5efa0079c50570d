"""API: members' bulk downloads (issue 17)."""

from tests.authz.common import only

DOWNLOADERS = ["staff", "buyer_a", "approver_a", "buyer_b", "approver_b"]

API = {
    ("GET", "/api/v1/bulk"): (lambda c: {}, None, None, only(DOWNLOADERS, anon=401)),
    ("GET", "/api/v1/bulk/{dataset}"): (lambda c: {"dataset": "rebates"}, None, None, only(DOWNLOADERS, anon=401)),
}
