"""Explained results on agreements, saved and unmet needs, the API and the pages."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from audit.models import AuditEvent
from matching.models import Need, NeedStatus
from matching.selectors import match, unmet_needs_summary
from matching.services import need_rematch, need_save
from matching.spec import need_spec
from tests.helpers import login, make_product, token


@pytest.fixture
def off_contract(cast):
    return make_product(cast.vendor_a, "Lenovo 300e Chromebook", price="250.00")


def test_agreement_products_come_first_with_prices_tiers_and_verdicts(cast, agreements, off_contract):
    outcome = match(need_spec(text="chromebook", quantity=1200), district=cast.district_a)
    names = [r.product.name for r in outcome.results]
    assert [r.on_agreement for r in outcome.results] == [True, True, False]
    assert names[-1] == "Lenovo 300e Chromebook"
    first = outcome.on_agreement[0]
    # the pool has bought nothing: first tier now; 1,200 units reach the 1,000 tier
    assert first.tier_now_min == 1 and first.tier_with_min == 1000
    assert first.price_with_quantity < first.price_now
    assert first.verdict is not None and first.similar_districts == 0
    other = outcome.other[0]
    assert other.price_now == Decimal("250.00") and other.agreement is None and not other.good
    assert other.verdict is not None


def test_budget_decides_a_good_match(cast, agreements):
    assert not match(need_spec(text="chromebook", quantity=10, budget_per_unit="500"),
                     district=cast.district_a).is_unmet
    assert match(need_spec(text="chromebook", quantity=10, budget_per_unit="100"),
                 district=cast.district_a).is_unmet


def test_saving_a_need_audits_it_and_keeps_the_unmet_one(cast, agreements):
    buyer = cast.actor(cast.buyer_a)
    met = need_save(district=cast.district_a, spec=need_spec(text="chromebook", quantity=50), actor=buyer)
    assert met.status == NeedStatus.MATCHED and met.good_count == 2
    unmet = need_save(district=cast.district_a, spec=need_spec(text="K-2 phonics", quantity=300,
                                                                budget_per_unit="12"), actor=buyer)
    assert unmet.status == NeedStatus.UNMET and unmet.result_count == 0
    actions = list(AuditEvent.objects.filter(object_type="matching.need").values_list("action", flat=True))
    assert actions.count("need.saved") == 2 and actions.count("need.unmet") == 1
    # a double submit saves once
    again = need_save(district=cast.district_a, spec=need_spec(text="K-2 phonics", quantity=300,
                                                               budget_per_unit="12"), actor=buyer)
    assert again.pk == unmet.pk and Need.objects.count() == 2
    groups = unmet_needs_summary()
    assert len(groups) == 1 and groups[0].districts == 1 and groups[0].quantity == 300
    assert ("grade:K-2", 1) in groups[0].must_haves
    # once a product fits, matching again says so (audited)
    make_product(cast.vendor_a, "Phonics First K-2", price="9.00", category_code="reading", kind="software")
    assert need_rematch(need=unmet, actor=buyer).status == NeedStatus.UNMET  # on no agreement: still unmet


def test_only_the_districts_joiners_save_its_needs(cast, agreements):
    spec = need_spec(text="chromebook")
    for user in (cast.buyer_b, cast.evaluator, cast.vendor_user_a, cast.staff):
        with pytest.raises(PermissionDenied):
            need_save(district=cast.district_a, spec=spec, actor=cast.actor(user))
    assert Need.objects.count() == 0


def test_api_match_save_list_and_other_districts(client, cast, agreements, off_contract):
    body = {"text": "1:1 chromebooks", "quantity": 1200, "budget_per_unit": "400.00",
            "must_haves": ["kind:device"]}
    r = client.post("/api/v1/needs/match", json.dumps(body), content_type="application/json", **token(cast.buyer_a))
    assert r.status_code == 200, r.content
    data = r.json()
    assert [x["on_agreement"] for x in data["results"]] == [True, True, False]
    assert data["results"][0]["met"][0]["label"] == "Kind: Device" and data["unmet"] is False
    r = client.post("/api/v1/needs", json.dumps(body), content_type="application/json", **token(cast.buyer_a))
    assert r.status_code == 201, r.content
    need_id = r.json()["id"]
    assert client.get("/api/v1/needs", **token(cast.buyer_a)).json()["count"] == 1
    assert client.get("/api/v1/needs", **token(cast.buyer_b)).json()["count"] == 0
    assert client.get(f"/api/v1/needs/{need_id}", **token(cast.buyer_b)).status_code == 404
    assert client.get(f"/api/v1/needs/{need_id}/matches", **token(cast.buyer_a)).status_code == 200
    assert client.get(f"/api/v1/needs/{need_id}", **token(cast.staff)).status_code == 200


@pytest.mark.parametrize("body,field", [
    ({"text": "x", "quantity": 0}, "quantity"),
    ({"text": "x", "must_haves": ["nope:1"]}, "must_haves"),
    ({"text": "a\u0000b"}, None),
    ({"text": ""}, "text"),
    ({"text": "x" * 501}, "text"),
    ({"text": "x", "budget_per_unit": "99999999999"}, "budget_per_unit"),
])
def test_api_refuses_absurd_needs_and_stores_nothing(client, cast, body, field):
    r = client.post("/api/v1/needs", json.dumps(body), content_type="application/json", **token(cast.buyer_a))
    assert r.status_code == 422, r.content
    if field:
        assert any(field in key for key in r.json()["errors"])
    assert Need.objects.count() == 0


def test_staff_unmet_api_and_page(client, cast, agreements):
    need_save(district=cast.district_a, spec=need_spec(text="dyslexia screener", quantity=40),
              actor=cast.actor(cast.buyer_a))
    r = client.get("/api/v1/needs/unmet-summary", **token(cast.staff))
    assert r.status_code == 200 and r.json()[0]["districts"] == 1
    assert client.get("/api/v1/needs/unmet-summary", **token(cast.buyer_a)).status_code == 403
    assert client.get("/api/v1/needs?status=unmet", **token(cast.staff)).json()["count"] == 1
    login(client, cast.staff)
    page = client.get("/needs/unmet/")
    assert page.status_code == 200 and b"dyslexia screener" in page.content


def test_find_page_shows_and_saves(client, cast, agreements, off_contract):
    login(client, cast.buyer_a)
    page = client.get("/needs/find/", {"text": "chromebooks", "quantity": "1200"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "On the consortium&#x27;s agreements" in html or "On the consortium's agreements" in html
    assert "on no agreement yet" in html and "$250.00" in html
    r = client.post("/needs/find/", {"text": "chromebooks", "quantity": "1200"})
    need = Need.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/needs/{need.pk}/"
    assert client.get(r["Location"]).status_code == 200
    assert client.get("/needs/").status_code == 200
    bad = client.get("/needs/find/", {"text": "x", "quantity": "-5"})
    assert bad.status_code == 400 and Need.objects.count() == 1
    login(client, cast.buyer_b)
    assert client.get(f"/needs/{need.pk}/").status_code == 404
