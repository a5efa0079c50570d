"""The sourcing pages, end to end through the web UI (Django test client)."""

from __future__ import annotations

import datetime as dt
import json

from django.utils import timezone

from sourcing.models import Bid, Solicitation
from sourcing.states import SolicitationState as S
from tests.helpers import confirmed_post
from tests.helpers import login


def local(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def draft_post(category, now) -> dict:
    data = {
        "kind": "rfp", "title": "Interactive displays 2027", "description": "Classroom displays.",
        "category": category.pk, "questions_deadline": local(now + dt.timedelta(days=3)),
        "bid_deadline": local(now + dt.timedelta(days=7)), "standstill_days": 5,
        "award_method": "multi_award", "score_threshold": "50",
        "lines-TOTAL_FORMS": 2, "lines-INITIAL_FORMS": 0, "lines-MIN_NUM_FORMS": 1,
        "lines-MAX_NUM_FORMS": 1000,
        "lines-0-reference": "D75", "lines-0-description": "75-inch display", "lines-0-unit": "each",
        "lines-0-estimated_quantity": 400,
        "reqs-TOTAL_FORMS": 1, "reqs-INITIAL_FORMS": 0, "reqs-MIN_NUM_FORMS": 0, "reqs-MAX_NUM_FORMS": 1000,
        "reqs-0-text": "Will sign the state DPA",
        "crit-TOTAL_FORMS": 2, "crit-INITIAL_FORMS": 0, "crit-MIN_NUM_FORMS": 2, "crit-MAX_NUM_FORMS": 1000,
        "crit-0-name": "Price", "crit-0-weight": 60, "crit-0-is_price": "on",
        "crit-1-name": "Quality", "crit-1-weight": 40,
    }
    return data


def bid_post(price: str) -> dict:
    return {"l1-t1-min": 1, "l1-t1-price": price, "l1-t2-min": 300,
            "l1-t2-price": str(float(price) - 50), "attest-will-sign-the-state-dpa": "yes",
            "notes": "Installed"}


def test_full_journey_through_the_pages(client, cast, category, clock):
    from catalog.services import category_ensure  # noqa: F401  (category fixture used)

    now = clock.now()
    login(client, cast.staff)
    response = client.post("/solicitations/new/", draft_post(category, now))
    assert response.status_code == 302, response.content.decode()[:3000]
    s = Solicitation.objects.get()
    manage = client.get(f"/solicitations/{s.pk}/manage/")
    assert manage.status_code == 200
    # A draft has no public page, so the manage page does not link to one (it used to: a 404).
    assert f'href="/solicitations/{s.pk}/"' not in manage.content.decode()
    assert "No public page until it is published" in manage.content.decode()
    client.logout()
    assert client.get(f"/solicitations/{s.pk}/").status_code == 404  # drafts are not public
    login(client, cast.staff)
    assert confirmed_post(client, f"/solicitations/{s.pk}/publish/").status_code == 302
    s.refresh_from_db()
    assert s.state == S.PUBLISHED
    assert f'href="/solicitations/{s.pk}/"' in client.get(f"/solicitations/{s.pk}/manage/").content.decode()

    # Two vendors bid; one asks a question, staff answer it for everyone.
    for user, price in ((cast.vendor_user_a, "1500.00"), (cast.vendor_user_b, "1450.00")):
        login(client, user)
        page = client.get(f"/solicitations/{s.pk}/bid/")
        assert page.status_code == 200 and "Sealed until" in page.content.decode()
        response = client.post(f"/solicitations/{s.pk}/bid/", bid_post(price))
        assert response.status_code == 302, response.content.decode()[:2000]
    login(client, cast.vendor_user_a)
    client.post(f"/solicitations/{s.pk}/questions/", {"text": "Is wall mounting included?"})
    receipt = Bid.objects.get(vendor=cast.vendor_a).receipts.get()
    body = json.loads(b"".join([client.get(f"/solicitations/{s.pk}/bid/receipts/{receipt.pk}/").content]))
    assert body["sha256"] == receipt.digest and body["bid"]["lines"][0]["tiers"][0]["unit_price"] == "1500.00"
    login(client, cast.vendor_user_b)
    assert client.get(f"/solicitations/{s.pk}/bid/receipts/{receipt.pk}/").status_code == 404

    login(client, cast.staff)
    question = s.questions.get()
    client.post(f"/solicitations/{s.pk}/questions/{question.pk}/answer/", {"answer": "Yes."})
    public = client.get(f"/solicitations/{s.pk}/").content.decode()
    assert "Is wall mounting included?" in public and "Yes." in public
    # Before the deadline: not even the count (a consortium setting); the tabulation is refused,
    # prices appear nowhere.
    assert "Bids received</dt><dd>Not shown until the bids open" in public
    for url in (f"/solicitations/{s.pk}/tabulation/", f"/solicitations/{s.pk}/tabulation.csv",
                f"/api/v1/solicitations/{s.pk}/bids"):
        response = client.get(url)
        assert response.status_code == 403 and b"1500" not in response.content
    manage = client.get(f"/solicitations/{s.pk}/manage/").content.decode()
    assert "1500" not in manage and "1450" not in manage

    # Seat the evaluator; the declaration opens at the deadline, when the bidders are known.
    assignment = cast.evaluator.role_assignments.get()
    client.post(f"/solicitations/{s.pk}/committee/", {"assignment": assignment.pk})
    login(client, cast.evaluator)
    page = client.get(f"/solicitations/{s.pk}/evaluate/").content.decode()
    assert "opens at the bid deadline" in page and "Vendor A" not in page
    client.post(f"/solicitations/{s.pk}/evaluate/", {})
    assert s.seats.get().declaration == "pending"

    clock.set(s.bid_deadline + dt.timedelta(minutes=1))
    login(client, cast.evaluator)
    page = client.get(f"/solicitations/{s.pk}/evaluate/").content.decode()
    assert "Vendor A, Inc." in page and "Vendor B LLC" in page and "1500" not in page
    answers = {f"rel-{cast.vendor_a.pk}": "no", f"rel-{cast.vendor_b.pk}": "no"}
    assert client.post(f"/solicitations/{s.pk}/evaluate/", answers).status_code == 302
    login(client, cast.staff)
    csv_text = client.get(f"/solicitations/{s.pk}/tabulation.csv").content.decode()
    assert "1500.00" in csv_text and "1450.00" in csv_text
    xlsx = client.get(f"/solicitations/{s.pk}/tabulation.xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert client.post(f"/solicitations/{s.pk}/start-evaluation/").status_code == 302

    quality = s.criteria.get(name="Quality")
    login(client, cast.evaluator)
    page = client.get(f"/solicitations/{s.pk}/evaluate/").content.decode()
    assert "1,500.00" in page
    for bid in s.bids.all():
        client.post(f"/solicitations/{s.pk}/scores/{bid.pk}/{quality.pk}/", {"points": "7", "comment": "ok"})
    login(client, cast.staff)
    for bid in s.bids.all():
        client.post(f"/solicitations/{s.pk}/consensus/{bid.pk}/{quality.pk}/",
                    {"points": "8", "comment": "agreed"})
    assert confirmed_post(client, f"/solicitations/{s.pk}/award-notice/", {"rationale": "Both qualify"}).status_code == 302
    s.refresh_from_db()
    assert s.state == S.AWARD_NOTICE
    client.logout()
    public_tab = client.get(f"/solicitations/{s.pk}/tabulation/")
    assert public_tab.status_code == 200 and "1,450.00" in public_tab.content.decode()

    login(client, cast.vendor_user_a)
    client.post(f"/solicitations/{s.pk}/protests/", {"grounds": "Quality was under-scored"})
    login(client, cast.staff)
    protest = s.awards.get().protests.get()
    confirmed_post(client, f"/solicitations/{s.pk}/protests/{protest.pk}/decision/",
                {"decision": "denied", "reasons": "Scores are consistent"})
    clock.set(s.awards.get().standstill_ends_at)
    assert "The award is final" in client.get(f"/solicitations/{s.pk}/").content.decode()


def test_draft_form_errors_are_shown(client, cast, category, clock):
    login(client, cast.staff)
    data = draft_post(category, clock.now())
    data["crit-1-weight"] = 10
    response = client.post("/solicitations/new/", data)
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode() and "add up to 70" in response.content.decode()
    assert not Solicitation.objects.exists()


def test_bid_form_errors_are_shown(client, cast, open_solicitation):
    login(client, cast.vendor_user_a)
    response = client.post(f"/solicitations/{open_solicitation.pk}/bid/",
                           {"l1-t1-min": 5, "l1-t1-price": "10.00", "l1-t2-min": 2,
                            "l1-t2-price": "9.00", "attest-dpa": "yes", "attest-wcag": "no"})
    assert response.status_code == 400
    assert "increasing quantities" in response.content.decode()
    assert not Bid.objects.exists()


def test_the_bid_form_keeps_every_tier_of_a_bid_sent_through_the_api(client, cast, open_solicitation):
    """The API allows more tiers than the form's usual four; replacing the bid on the page must
    not silently drop tiers 5 and up."""
    from sourcing.services.bids import bid_submit

    tiers = [{"min_quantity": q, "unit_price": p} for q, p in
             ((1, "300.00"), (100, "295.00"), (200, "290.00"), (400, "285.00"), (800, "280.00"), (1600, "275.00"))]
    bid_submit(solicitation=open_solicitation, actor=cast.actor(cast.vendor_user_a),
               data={"lines": [{"line": "CB-11", "tiers": tiers}], "attestations": {"dpa": True, "wcag": True}})
    login(client, cast.vendor_user_a)
    page = client.get(f"/solicitations/{open_solicitation.pk}/bid/").content.decode()
    assert 'name="l1-t6-price"' in page and 'value="275.00"' in page
