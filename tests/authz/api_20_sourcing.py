"""API: solicitations and bids (sourcing_world)."""

from tests.authz.common import (AGR, COMP, DISTRICT_A, DISTRICT_B, DISTRICT_BUYERS_APPROVERS, ORD,  # noqa: F401
                                OWN_EVIDENCE_422, PART, REP, REP_Q, SIGNED_IN, SOL, SUR, VENDORS, expect, only)

API = {
    # sourcing (see sourcing_world); the DELETE of the bid comes after the confirm on purpose
    ("GET", "/api/v1/solicitations"): (lambda c: {}, None, None, expect(200)),
    ("POST", "/api/v1/solicitations"): (lambda c: {}, "json", lambda c: {
        "title": "", "category": "nope", "lines": [], "criteria": [],
        "questions_deadline": "2030-01-01T00:00:00Z", "bid_deadline": "2030-01-02T00:00:00Z"},
        only(["staff"], ok=422, anon=401)),
    ("GET", "/api/v1/solicitations/{solicitation_id}"): (SOL, None, None, expect(200)),
    ("POST", "/api/v1/solicitations/{solicitation_id}/publish"): (SOL, None, None, only(["staff"], ok=422, anon=401)),
    ("POST", "/api/v1/solicitations/{solicitation_id}/cancel"): (SOL, "json", {"reason": ""}, only(["staff"], ok=422, anon=401)),
    ("POST", "/api/v1/solicitations/{solicitation_id}/start-evaluation"): (SOL, None, None, only(["staff"], ok=422, anon=401)),
    ("GET", "/api/v1/solicitations/{solicitation_id}/questions"): (SOL, None, None, expect(200)),
    ("POST", "/api/v1/solicitations/{solicitation_id}/questions"): (SOL, "json", {"text": ""}, only(VENDORS, ok=422, anon=401)),
    ("POST", "/api/v1/solicitations/{solicitation_id}/questions/{question_id}/answer"): (
        lambda c: {**SOL(c), "question_id": c.question.pk}, "json", {"answer": ""},
        only(["staff"], ok=422, anon=401)),
    ("GET", "/api/v1/solicitations/{solicitation_id}/addenda"): (SOL, None, None, expect(200)),
    ("POST", "/api/v1/solicitations/{solicitation_id}/documents"): (SOL, "json", {"content_base64": "x"},
                                                                    only(["staff"], ok=422, anon=401)),
    ("POST", "/api/v1/solicitations/{solicitation_id}/addenda"): (SOL, "json", {"summary": ""}, only(["staff"], ok=422, anon=401)),
    ("PUT", "/api/v1/solicitations/{solicitation_id}/bid"): (SOL, "json", {"lines": []}, only(VENDORS, ok=422, anon=401)),
    ("GET", "/api/v1/solicitations/{solicitation_id}/bid"): (SOL, None, None, {**only(VENDORS, anon=401), "vendor_b": 404}),
    ("POST", "/api/v1/solicitations/{solicitation_id}/bid/confirm"): (SOL, None, None, only(VENDORS, ok=422, anon=401)),
    ("DELETE", "/api/v1/solicitations/{solicitation_id}/bid"): (SOL, None, None, {**only(VENDORS, anon=401), "vendor_b": 422}),
    ("GET", "/api/v1/solicitations/{solicitation_id}/bids"): (SOL, None, None, expect(403)),  # sealed for everyone before the deadline
    ("GET", "/api/v1/solicitations/{solicitation_id}/tabulation"): (SOL, None, None, expect(403)),
    ("POST", "/api/v1/solicitations/{solicitation_id}/committee"): (SOL, "json", {"assignment_id": 999999}, only(["staff"], ok=422, anon=401)),
    # The seated evaluator sees that the declaration opens at the deadline (who bid is still secret).
    ("GET", "/api/v1/solicitations/{solicitation_id}/declaration"): (SOL, None, None, only(["evaluator"], anon=401)),
    ("POST", "/api/v1/solicitations/{solicitation_id}/declaration"): (SOL, "json", {"relationships": []}, only(["evaluator"], ok=422, anon=401)),
    ("POST", "/api/v1/solicitations/{solicitation_id}/scores"): (SOL, "json", {"bid_id": 999999, "criterion_id": 999999, "points": 5},
                             only(["evaluator"], ok=422, anon=401)),
    ("POST", "/api/v1/solicitations/{solicitation_id}/consensus"): (SOL, "json", {"bid_id": 999999, "criterion_id": 999999, "points": 5},
                                only(["staff"], ok=422, anon=401)),
    ("GET", "/api/v1/solicitations/{solicitation_id}/award-plan"): (SOL, None, None, expect(403, anon=401)),  # bids still sealed
    ("POST", "/api/v1/solicitations/{solicitation_id}/award-plan"): (SOL, None, None, only(["staff"], ok=422, anon=401)),  # not under evaluation
    ("POST", "/api/v1/solicitations/{solicitation_id}/award-notice"): (SOL, "json", {}, only(["staff"], ok=422, anon=401)),
    ("GET", "/api/v1/solicitations/{solicitation_id}/award"): (SOL, None, None, expect(404)),
    ("POST", "/api/v1/solicitations/{solicitation_id}/protests"): (SOL, "json", {"grounds": "x"}, only(VENDORS, ok=422, anon=401)),
    ("GET", "/api/v1/solicitations/{solicitation_id}/protests"): (SOL, None, None, only(["staff"] + VENDORS, anon=401)),
    ("POST", "/api/v1/solicitations/{solicitation_id}/protests/{protest_id}/decision"): (
        lambda c: {**SOL(c), "protest_id": 999999}, "json", {"upheld": False, "reasons": "x"},
        only(["staff"], ok=404, anon=401)),
}
