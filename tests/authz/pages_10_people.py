"""Pages: home, accounts, jobs, members, vendors."""

from tests.authz.common import (AGR, COMP, DISTRICT_A, DISTRICT_B, DISTRICT_BUYERS_APPROVERS, ORD,  # noqa: F401
                                OWN_EVIDENCE_422, PART, REP, REP_Q, SIGNED_IN, SOL, SUR, VENDORS, expect, only)

PAGES = {
    "home": (lambda c: {}, expect(200)),
    "workspace": (lambda c: {}, only(SIGNED_IN)),
    "accounts:login": (lambda c: {}, only(SIGNED_IN, ok=302, anon=200)),
    "accounts:logout": (lambda c: {}, expect(405)),
    "accounts:password-reset": (lambda c: {}, expect(200)),
    "accounts:password-reset-done": (lambda c: {}, expect(200)),
    "accounts:password-reset-confirm": (lambda c: {"uidb64": "MQ", "token": "bad-token"}, expect(200)),
    "accounts:password-reset-complete": (lambda c: {}, expect(200)),
    "accounts:password-change": (lambda c: {}, only(SIGNED_IN)),
    "accounts:act-as": (lambda c: {}, only(SIGNED_IN)),
    "accounts:account": (lambda c: {}, only(SIGNED_IN)),
    "accounts:token-create": (lambda c: {}, only(SIGNED_IN, ok=405)),
    "accounts:token-revoke": (lambda c: {"token_id": 999999}, only(SIGNED_IN, ok=405)),
    # A job is seen by whoever started it and by staff (jobs/tests); anyone else gets a 404.
    "jobs:status": (lambda c: {"job_id": 999999}, only(SIGNED_IN, ok=404)),
    "jobs:cancel": (lambda c: {"job_id": 999999}, only(SIGNED_IN, ok=405)),
    "jobs:stop": (lambda c: {"job_id": 999999}, only(SIGNED_IN, ok=405)),
    "jobs:file": (lambda c: {"job_id": 999999}, only(SIGNED_IN, ok=404)),
    "members:directory": (lambda c: {}, expect(200)),
    "members:mine": (lambda c: {}, only(DISTRICT_A + DISTRICT_B)),
    "members:queue": (lambda c: {}, only(["staff"])),
    "members:detail": (lambda c: {"membership_id": c.membership_a.pk}, only(["staff"] + DISTRICT_A)),
    "members:resolution": (lambda c: {"membership_id": c.membership_a.pk},
                           only(["staff"] + DISTRICT_A, ok=200)),
    "members:transition": (lambda c: {"membership_id": c.membership_a.pk, "action": "withdraw"},
                           only(["staff", "buyer_a", "approver_a", "buyer_b", "approver_b"], ok=405)),
    "members:districts": (lambda c: {}, only(["staff"])),
    "members:district-import": (lambda c: {}, only(["staff"])),
    "members:district-options": (lambda c: {}, only(SIGNED_IN)),
    "members:apply-on-behalf": (lambda c: {"district_id": c.district_b.pk}, only(["staff"], ok=405)),
    "vendors:profile": (lambda c: {}, only(VENDORS)),
    "vendors:colleague-add": (lambda c: {}, only(VENDORS, ok=405)),
    "vendors:register": (lambda c: {}, expect(200)),
    "vendors:register-done": (lambda c: {}, expect(200)),
    "vendors:verify": (lambda c: {"token": "bogus-token"}, expect(400)),
}
