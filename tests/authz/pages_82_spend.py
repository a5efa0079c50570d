"""Pages: spend analytics (issue 16). Staff see every member; district buyers and approvers their
own district and the consortium's totals; evaluators, vendors and anonymous visitors nothing."""

from tests.authz.common import only

SPEND_READERS = ["staff", "buyer_a", "approver_a", "buyer_b", "approver_b"]

PAGES = {
    "analytics:spend": (lambda c: {}, only(SPEND_READERS)),
    "analytics:spend-csv": (lambda c: {}, only(SPEND_READERS)),
    "analytics:spend-xlsx": (lambda c: {}, only(SPEND_READERS)),
}
