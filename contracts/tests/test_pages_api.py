"""Agreement and participation pages and API, end to end."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from contracts.models import MasterAgreement, ParticipationAgreement
from tests.helpers import make_product
from tests.helpers import confirm_page, login, token


def post_json(client, url, body, headers):
    return client.post(url, data=json.dumps(body, default=str), content_type="application/json", **headers)


def test_staff_and_vendor_set_up_agreements_through_the_pages(client, cast, awarded):
    login(client, cast.staff)
    assert "Create the master agreements" in client.get(f"/solicitations/{awarded.pk}/manage/").content.decode()
    assert client.post(f"/solicitations/{awarded.pk}/agreements/").status_code == 302
    agreement = MasterAgreement.objects.get(vendor=cast.vendor_a)
    client.logout()
    assert client.get(f"/agreements/{agreement.pk}/").status_code == 404  # not public before signature
    login(client, cast.vendor_user_a)
    page = client.get(f"/agreements/{agreement.pk}/manage/").content.decode()
    assert "Put products on the schedule" in page
    device = make_product(cast.vendor_a, "A Chromebook")
    licence = make_product(cast.vendor_a, "A Licence", "35.00")
    client.post(f"/agreements/{agreement.pk}/schedule/", {"line_reference": "CB", "product": device.pk})
    client.post(f"/agreements/{agreement.pk}/schedule/", {"line_reference": "LIC", "product": licence.pk})
    login(client, cast.vendor_user_b)
    assert client.get(f"/agreements/{agreement.pk}/manage/").status_code == 404
    login(client, cast.staff)
    response = client.post(f"/agreements/{agreement.pk}/activate/", {
        "start_date": timezone.localdate().isoformat(), "term_months": 36, "renewal_options": 2,
        "renewal_months": 12, "admin_fee_rate": "0.02", "vendor_signed_by": "VP", "consortium_signed_by": "Chair"})
    assert response.status_code == 302, response.content.decode()[:2000]
    client.logout()
    public = client.get(f"/agreements/{agreement.pk}/").content.decode()
    assert "A Chromebook" in public and "300.00" in public and "$330.00" in public
    assert "after 1000 more" in public  # the next tier and how far away it is


def test_district_runs_a_mini_competition_and_joins_through_the_pages(client, cast, awarded, agreements,
                                                                      general_offer):  # noqa: F811
    agreement = agreements[cast.vendor_a.pk]
    login(client, cast.buyer_a)
    page = client.get(f"/agreements/{agreement.pk}/join/").content.decode()
    assert "Start a mini-competition" in page
    response = client.post(f"/solicitations/{awarded.pk}/mini-competition/", {"q-1": "800", "q-2": "800",
                                                                              "price_weight": "60"})
    assert response.status_code == 302
    competition_url = response.url
    client.post(competition_url + "quote/", {"agreement": agreement.pk, "message": "July delivery?"})
    login(client, cast.vendor_user_a)
    quote = agreement.quote_requests.get()
    assert "July delivery?" in client.get("/vendor/contracts/").content.decode()
    client.post(f"/vendor/quotes/{quote.pk}/answer/", {"quote_total": "250000", "implementation_plan": "Ship in July"})
    login(client, cast.buyer_a)
    client.post(competition_url + "decide/", {"agreement": agreement.pk, "reasons": "Lowest price, good plan"})
    page = client.get(f"/agreements/{agreement.pk}/join/").content.decode()
    assert "Board finding of best interest" in page and "adopts the vendor" in page
    form = {"estimated_value": "20000"}
    form.update({f"step_{i}": "on" for i in range(page.count('name="step_'))})
    response = client.post(f"/agreements/{agreement.pk}/join/", form)
    assert response.status_code == 302, response.content.decode()[:3000]
    participation = ParticipationAgreement.objects.get()
    assert participation.dpa_joinder is not None
    login(client, cast.vendor_user_a)
    url = f"/vendor/participations/{participation.pk}/countersign/"
    page, confirm = confirm_page(client, url)  # signing is confirmed first
    assert "buyers (2), by email" in page.content.decode()  # buyer_a and the multi-role user
    assert "$20,000.00" in page.content.decode()
    assert client.post(url).status_code == 409  # the one-click POST does nothing
    participation.refresh_from_db()
    assert participation.state == "prepared"
    client.post(url, {"confirm": confirm})
    again = client.post(url, {"confirm": confirm}, follow=True)  # a double click: refused, harmless
    assert again.status_code == 200 and "Cannot countersign" in again.content.decode()
    participation.refresh_from_db()
    assert participation.state == "active"
    login(client, cast.buyer_a)
    assert "Adopted general offer" in client.get("/my/agreements/").content.decode()


def test_agreements_api(client, cast, awarded, agreements, general_offer):  # noqa: F811
    agreement = agreements[cast.vendor_b.pk]
    listing = client.get("/api/v1/agreements").json()
    assert {a["vendor"] for a in listing} == {"Vendor A, Inc.", "Vendor B LLC"}
    detail = client.get(f"/api/v1/agreements/{agreement.pk}").json()
    assert detail["schedule"][0]["next_tier_min"] == 1000 and detail["schedule"][0]["units_to_next_tier"] == 1000
    buyer = token(cast.buyer_a)
    competition = post_json(client, "/api/v1/mini-competitions",
                            {"solicitation_id": awarded.pk, "quantities": {"CB": 100}}, buyer)
    assert competition.status_code == 201
    cid = competition.json()["id"]
    quote = post_json(client, f"/api/v1/mini-competitions/{cid}/quotes", {"agreement_id": agreement.pk}, buyer)
    answered = post_json(client, f"/api/v1/quotes/{quote.json()['id']}/answer",
                         {"quote_total": "30000", "implementation_plan": "Next week"}, token(cast.vendor_user_b))
    assert answered.status_code == 200
    post_json(client, f"/api/v1/mini-competitions/{cid}/decision",
              {"agreement_id": agreement.pk, "reasons": "Support"}, buyer)
    needs = client.get(f"/api/v1/agreements/{agreement.pk}/join-requirements", **buyer).json()
    assert needs["blocked"]  # vendor B has no DPA for California
    refused = post_json(client, f"/api/v1/agreements/{agreement.pk}/join",
                        {"estimated_value": "1000", "mini_competition_id": cid}, buyer)
    assert refused.status_code == 422 and "data privacy agreement" in refused.json()["detail"]
    # Price amendment by the vendor, approved by staff: a new schedule version.
    device = next(row for row in detail["schedule"] if row["line"] == "CB")
    proposed = post_json(client, f"/api/v1/agreements/{agreement.pk}/amendments",
                         {"summary": "Lower price", "set_entries": [{"product": device["product_id"], "tiers": [
                             {"min_quantity": 1, "unit_price": "299.00"}]}]}, token(cast.vendor_user_b))
    assert proposed.status_code == 201
    decided = post_json(client, f"/api/v1/agreements/{agreement.pk}/amendments/1/decision", {"approve": True},
                        token(cast.staff))
    assert decided.json()["state"] == "approved"
    after = client.get(f"/api/v1/agreements/{agreement.pk}").json()
    assert next(r for r in after["schedule"] if r["line"] == "CB")["unit_price_now"] == "299.00"


def test_pages_refuse_absurd_numbers_and_ids_naming_the_field(client, cast, awarded, agreements):
    """Numbers typed into pages: a quantity beyond any district's need, an id that is not a number
    or beyond 64 bits, a money value of 10^30 each gave a 500 (ValueError, OverflowError or a
    decimal overflow on save); now the page says what is wrong and nothing is stored."""
    from contracts.models import MiniCompetition

    agreement = agreements[cast.vendor_a.pk]
    login(client, cast.buyer_a)
    absurd = client.post(f"/solicitations/{awarded.pk}/mini-competition/",
                         {"q-1": "99999999999999", "q-2": "800", "price_weight": "60"})
    assert absurd.status_code == 400 and "1,000,000" in absurd.content.decode()
    assert not MiniCompetition.objects.exists()
    from contracts.services.participation import participation_join

    for value in ("1e30", "-1", "10000000000.01", "1.234"):
        with pytest.raises(ValidationError) as exc:
            participation_join(district=cast.district_a, agreement=agreement, estimated_value=value,
                               actor=cast.actor(cast.buyer_a))
        assert "estimated_value" in exc.value.message_dict
    assert not ParticipationAgreement.objects.exists()
    login(client, cast.vendor_user_a)
    for product in ("abc", "99999999999999999999999"):
        response = client.post(f"/agreements/{agreement.pk}/schedule/", {"line_reference": "CB", "product": product},
                               follow=True)
        assert response.status_code == 200 and "Choose one of the vendor" in response.content.decode()
        response = client.post(f"/agreements/{agreement.pk}/amendments/", {
            "product": product, "line_reference": "CB", "summary": "x", "tiers": "[]"}, follow=True)
        assert response.status_code == 200 and "is not an id from 1 to" in response.content.decode()
