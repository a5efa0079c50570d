"""The sourcing API: a whole solicitation through the API, and who may read bids when."""

from __future__ import annotations

import datetime as dt
import json


from tests.helpers import bid_data
from tests.helpers import token


def send(client, method, url, body=None, headers=None):
    return client.generic(method, url, data=json.dumps(body) if body is not None else "",
                          content_type="application/json", **(headers or {}))


def test_solicitation_through_the_api(client, cast, category, clock):
    staff, vendor_a, vendor_b = token(cast.staff), token(cast.vendor_user_a), token(cast.vendor_user_b)
    evaluator = token(cast.evaluator)
    now = clock.now()
    body = {"title": "Chromebooks", "category": "chromebooks", "description": "x",
            "lines": [{"reference": "CB-11", "description": "Chromebook", "unit": "device",
                       "estimated_quantity": 1200},
                      {"reference": "LIC", "description": "Licence", "estimated_quantity": 1200}],
            "requirements": [{"code": "dpa", "text": "DPA"}, {"code": "wcag", "text": "VPAT"}],
            "criteria": [{"name": "Price", "weight": 50, "is_price": True}, {"name": "Fit", "weight": 50}],
            "questions_deadline": (now + dt.timedelta(days=1)).isoformat(),
            "bid_deadline": (now + dt.timedelta(days=4)).isoformat(), "score_threshold": "10"}
    created = send(client, "POST", "/api/v1/solicitations", body, staff)
    assert created.status_code == 201, created.content
    sid = created.json()["id"]
    base = f"/api/v1/solicitations/{sid}"
    assert client.get(base).status_code == 404  # a draft is not public
    assert send(client, "POST", base + "/publish", headers=staff).json()["state"] == "published"
    assert client.get("/api/v1/solicitations").json()[0]["bids_received"] is None  # sealed

    receipt = send(client, "PUT", base + "/bid", bid_data(), vendor_a).json()
    assert receipt["sha256"] and receipt["bid"]["lines"][0]["line"] == "CB-11"
    assert receipt["addenda_acknowledged"] == 0 and receipt["warnings"] == []
    send(client, "PUT", base + "/bid", bid_data(price1="279.00"), vendor_b)
    q = send(client, "POST", base + "/questions", {"text": "Warranty length?"}, vendor_a).json()
    send(client, "POST", base + f"/questions/{q['id']}/answer", {"answer": "Three years."}, staff)
    assert client.get(base + "/questions").json()[0]["answer"] == "Three years."
    assert "vendor" not in json.dumps(client.get(base + "/questions").json())
    addendum = send(client, "POST", base + "/addenda", {"summary": "Warranty clarified"}, staff)
    assert addendum.status_code == 201 and addendum.json()["number"] == 1
    mine = client.get(base + "/bid", **vendor_a).json()
    assert mine["confirmed"] is False
    confirmed = send(client, "POST", base + "/bid/confirm", headers=vendor_a)
    assert confirmed.status_code == 200
    # The receipt has the shape of every receipt (sourcing.receipts), the addenda it accounts for included.
    assert confirmed.json()["addenda_acknowledged"] == 1 and confirmed.json()["action"] == "confirmed"
    assert client.get(base + "/bid", **vendor_a).json()["confirmed"] is True
    seat = send(client, "POST", base + "/committee",
                {"assignment_id": cast.evaluator.role_assignments.get().pk}, staff)
    assert seat.status_code == 201
    # The declaration names the bidders, who are confidential until the deadline.
    pending = client.get(base + "/declaration", **evaluator).json()
    assert pending["may_sign"] is False and pending["bidders"] == []
    assert "opens at the bid deadline" in pending["message"]
    early = send(client, "POST", base + "/declaration", {"relationships": []}, evaluator)
    assert early.status_code == 422 and "opens at the bid deadline" in early.json()["detail"]

    # Sealed for everybody before the deadline, in every channel.
    for headers in (staff, evaluator, vendor_a, vendor_b, {}):
        for path in ("/bids", "/tabulation"):
            response = client.get(base + path, **headers)
            assert response.status_code == 403 and b"289" not in response.content

    clock.set(clock.now() + dt.timedelta(days=4, minutes=1))
    assert send(client, "PUT", base + "/bid", bid_data(), vendor_a).status_code == 422
    bids = client.get(base + "/bids", **staff).json()
    assert {b["content"]["lines"][0]["tiers"][0]["unit_price"] for b in bids} == {"289.00", "279.00"}
    # Vendor B did not re-confirm after the addendum: non-responsive, with the reason.
    tab = client.get(base + "/tabulation", **staff).json()
    by_vendor = {b["vendor"]: b for b in tab["bids"]}
    assert by_vendor["Vendor B LLC"]["responsive"] is False
    assert "re-confirmed" in by_vendor["Vendor B LLC"]["reasons"][0]
    assert client.get(base + "/bids", **evaluator).status_code == 403  # declaration first
    to_declare = client.get(base + "/declaration", **evaluator).json()
    assert to_declare["may_sign"] is True
    assert to_declare["bidders"] == [{"vendor_id": cast.vendor_a.pk, "name": "Vendor A, Inc."},
                                     {"vendor_id": cast.vendor_b.pk, "name": "Vendor B LLC"}]
    assert "289" not in json.dumps(to_declare)  # names only
    missing = send(client, "POST", base + "/declaration",
                   {"relationships": [{"vendor_id": cast.vendor_b.pk, "details": ""}]}, evaluator)
    assert missing.status_code == 422 and "relationships[1].details" in missing.json()["errors"]
    signed = send(client, "POST", base + "/declaration", {"relationships": []}, evaluator).json()
    assert signed["declaration"] == "no_conflict" and signed["may_sign"] is False
    assert [(d["name"], d["has_relationship"]) for d in signed["declared"]] == [
        ("Vendor A, Inc.", False), ("Vendor B LLC", False)]
    assert client.get(base + "/bids", **evaluator).status_code == 200
    for headers in (vendor_a, vendor_b, {}):
        assert client.get(base + "/bids", **headers).status_code == 403

    send(client, "POST", base + "/start-evaluation", headers=staff)
    bid_a = next(b["bid_id"] for b in bids if b["vendor"] == "Vendor A, Inc.")
    fit = next(c["id"] for c in client.get(base).json()["criteria"] if c["name"] == "Fit")
    assert send(client, "POST", base + "/scores", {"bid_id": bid_a, "criterion_id": fit, "points": 7},
                evaluator).status_code == 200
    # The award notice refuses, as the page does, while a consensus score is missing (naming the
    # bid and the criterion) and without a rationale.
    early = send(client, "POST", base + "/award-notice", {"rationale": "Best value"}, staff)
    assert early.status_code == 422
    assert f"Vendor A, Inc. (bid {bid_a}): Fit" in early.content.decode()
    send(client, "POST", base + "/consensus", {"bid_id": bid_a, "criterion_id": fit, "points": 7,
                                              "comment": "Good"}, staff)
    blank = send(client, "POST", base + "/award-notice", {"rationale": "  "}, staff)
    assert blank.status_code == 422 and "rationale" in blank.content.decode()
    plan = client.get(base + "/award-plan", **staff).json()
    assert plan["ready"] and [w["vendor"] for w in plan["winners"]] == ["Vendor A, Inc."]
    award = send(client, "POST", base + "/award-notice", {"rationale": "Best value"}, staff)
    assert award.status_code == 201 and award.json()["final"] is False
    # After the notice the tabulation is public record; the bids themselves (notes, salt,
    # documents) stay with staff and the declared committee.
    public_tab = client.get(base + "/tabulation")
    assert public_tab.status_code == 200 and "279.00" in public_tab.content.decode()
    assert "salt" not in public_tab.content.decode() and "warranty" not in public_tab.content.decode()
    for headers in (vendor_a, vendor_b, {}):
        refused = client.get(base + "/bids", **headers)
        assert refused.status_code == 403 and b"salt" not in refused.content
    assert client.get(base + "/bids", **staff).status_code == 200
    assert client.get(base + "/award").json()["awarded"][0]["vendor"] == "Vendor A, Inc."
    protest = send(client, "POST", base + "/protests", {"grounds": "Late addendum"}, vendor_b)
    assert protest.status_code == 201
    decision = send(client, "POST", base + f"/protests/{protest.json()['id']}/decision",
                    {"upheld": False, "reasons": "The addendum gave five days"}, staff)
    assert decision.json()["state"] == "denied"
    clock.set(clock.now() + dt.timedelta(days=8))
    assert client.get(base).json()["state"] == "awarded"
