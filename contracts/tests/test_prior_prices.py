"""What a district pays now, stated when it joins an agreement (the savings "price paid before"
baseline): on the join page and in the API, checked, stored with its source and date."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from contracts.models import PriorPrice
from contracts.selectors.agreements import current_schedule
from contracts.selectors.participation import join_requirements
from contracts.tests.test_pages_api import post_json
from tests.cast import PASSWORD
from tests.helpers import decided_competition, token


def test_the_join_page_and_api_take_prior_prices(client, cast, awarded, agreements, general_offer):
    agreement = agreements[cast.vendor_a.pk]
    device = current_schedule(agreement).entries.get(line_reference="CB").product
    decided_competition(cast, awarded, agreements, cast.vendor_a)
    assert client.login(email=cast.buyer_a.email, password=PASSWORD)
    page = client.get(f"/agreements/{agreement.pk}/join/").content.decode()
    assert f'name="prior_{device.pk}"' in page and "What you pay now per unit" in page
    needs = join_requirements(district=cast.district_a, agreement=agreement, annual_value=Decimal(20000))
    body = {"estimated_value": "20000", f"prior_{device.pk}": "-3"}
    body.update({f"step_{i}": "on" for i in range(len(needs.confirmations))})
    refused = client.post(f"/agreements/{agreement.pk}/join/", body)
    assert refused.status_code == 400 and not PriorPrice.objects.exists()
    buyer = token(cast.buyer_a)
    base = {"estimated_value": "20000", "confirmed_steps": needs.confirmations,
            "mini_competition_id": cast.district_a.mini_competitions.get().pk}
    other = post_json(client, f"/api/v1/agreements/{agreement.pk}/join",
                      {**base, "prior_prices": [{"product_id": 999999, "unit_price": "10.00"}]}, buyer)
    assert other.status_code in (400, 422) and not PriorPrice.objects.exists()
    joined = post_json(client, f"/api/v1/agreements/{agreement.pk}/join",
                       {**base, "prior_prices": [{"product_id": device.pk, "unit_price": "312.50"}]}, buyer)
    assert joined.status_code == 201, joined.content
    stored = PriorPrice.objects.get()
    assert (stored.product_id, stored.unit_price, stored.source, stored.stated_on) == (
        device.pk, Decimal("312.50"), "join", timezone.localdate())
