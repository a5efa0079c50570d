"""API: tokens, inbox, surveys, jobs, members, vendors."""

from tests.authz.common import (AGR, COMP, DISTRICT_A, DISTRICT_B, DISTRICT_BUYERS_APPROVERS, ORD,  # noqa: F401
                                OWN_EVIDENCE_422, PART, REP, REP_Q, SIGNED_IN, SOL, SUR, VENDORS, expect, only)

API = {
    ("POST", "/api/v1/auth/token"): (lambda c: {}, "json", {"email": "x@example.org", "password": "x"},
                                     expect(403)),
    ("DELETE", "/api/v1/auth/token"): (lambda c: {}, None, None, expect(200, anon=401)),
    ("GET", "/api/v1/auth/tokens"): (lambda c: {}, None, None, expect(200, anon=401)),
    ("DELETE", "/api/v1/auth/tokens/{token_id}"): (lambda c: {"token_id": 999999}, None, None,
                                                   expect(404, anon=401)),
    ("GET", "/api/v1/me"): (lambda c: {}, None, None, expect(200, anon=401)),
    # only one's own notices: another person's id (or none) answers 404 (inbox/tests/test_api.py)
    ("GET", "/api/v1/inbox"): (lambda c: {}, None, None, expect(200, anon=401)),
    ("POST", "/api/v1/inbox/{notice_id}/read"): (lambda c: {"notice_id": 999999}, None, None,
                                                 expect(404, anon=401)),
    ("GET", "/api/v1/surveys"): (lambda c: {}, None, None, only(["staff"] + DISTRICT_A + DISTRICT_B, anon=401)),
    ("GET", "/api/v1/surveys/{survey_id}"): (SUR, None, None, only(["staff"] + DISTRICT_A + DISTRICT_B, ok=404, anon=401)),
    ("GET", "/api/v1/surveys/{survey_id}/answers"): (SUR, None, None, only(DISTRICT_A + DISTRICT_B, ok=404, anon=401)),
    ("PUT", "/api/v1/surveys/{survey_id}/answers"): (SUR, "json", {"answers": []}, only(["buyer_a", "buyer_b"], ok=404, anon=401)),
    ("GET", "/api/v1/surveys/{survey_id}/demand"): (SUR, None, None, only(["staff"], ok=404, anon=401)),
    ("GET", "/api/v1/jobs/{job_id}"): (lambda c: {"job_id": 999999}, None, None, expect(404, anon=401)),
    ("POST", "/api/v1/jobs/{job_id}/stop"): (lambda c: {"job_id": 999999}, None, None, expect(404, anon=401)),
    ("GET", "/api/v1/jobs/{job_id}/file"): (lambda c: {"job_id": 999999}, None, None, expect(404, anon=401)),
    ("GET", "/api/v1/members"): (lambda c: {}, None, None, expect(200)),
    ("GET", "/api/v1/members/{district_id}"): (lambda c: {"district_id": c.district_a.pk}, None,
                                               None, expect(200)),
    ("GET", "/api/v1/memberships"): (lambda c: {}, None, None,
                                     only(["staff"] + DISTRICT_A + DISTRICT_B, anon=401)),
    ("POST", "/api/v1/memberships"): (lambda c: {}, "json", lambda c: {"district_id": c.district_b.pk},
                                      expect(403, anon=401, staff=422, buyer_b=422, approver_b=422)),
    ("GET", "/api/v1/memberships/{membership_id}"): (
        lambda c: {"membership_id": c.membership_a.pk}, None, None,
        only(["staff"] + DISTRICT_A, anon=401)),
    ("POST", "/api/v1/memberships/{membership_id}/transitions"): (
        lambda c: {"membership_id": c.membership_a.pk}, "form", {"action": "no-such-step"},
        expect(403, anon=401, staff=422, buyer_a=422, approver_a=422)),
    ("POST", "/api/v1/districts/imports"): (lambda c: {}, "form", {"source": "x"},
                                            expect(403, anon=401, staff=422)),
    ("POST", "/api/v1/vendors/register"): (lambda c: {}, "json",
                                           {"company_name": "", "contact_name": "", "email": "x",
                                            "password": "x"}, expect(422)),
    ("POST", "/api/v1/vendors/verify"): (lambda c: {}, "json", {"token": "bogus-token"},
                                         expect(422)),
    ("GET", "/api/v1/vendors/me"): (lambda c: {}, None, None, only(VENDORS, anon=401)),
    ("PUT", "/api/v1/vendors/me/service-area"): (lambda c: {}, "json", {"states": []},
                                                 only(VENDORS, ok=422, anon=401)),
}
