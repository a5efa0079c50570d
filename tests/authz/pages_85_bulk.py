"""Pages: members' bulk downloads (issue 17). Staff download every district's data; a district's
buyers and approvers their own; evaluators, vendors and anonymous visitors nothing. Another
district's id answers 404 (bulkdata/tests/test_downloads.py walks that with two districts)."""

from tests.authz.common import only

DOWNLOADERS = ["staff", "buyer_a", "approver_a", "buyer_b", "approver_b"]

PAGES = {
    "bulkdata:downloads": (lambda c: {}, only(DOWNLOADERS)),
    "bulkdata:download": (lambda c: {"dataset": "orders", "fmt": "csv"}, only(DOWNLOADERS)),
}
