"""Pages: licence usage (a district's bought vs used and its import; staff's renewal list)."""

from tests.authz.common import DISTRICT_A, DISTRICT_B, DISTRICT_BUYERS_APPROVERS, only

PAGES = {
    "usage:district": (lambda c: {}, only(DISTRICT_A + DISTRICT_B)),
    "usage:import": (lambda c: {}, only(DISTRICT_BUYERS_APPROVERS, ok=405)),  # POST only
    "usage:template": (lambda c: {}, only(DISTRICT_A + DISTRICT_B)),
    "usage:renewals": (lambda c: {}, only(["staff"])),
}
