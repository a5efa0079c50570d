"""Outside prices: who records and withdraws them, what is refused, and where they show."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from audit.models import AuditEvent
from contracts.models import LineVolume
from contracts.selectors.agreements import current_schedule
from prices import selectors
from prices.models import OutsidePrice
from prices.services import outside_price_record, outside_price_withdraw
from tests.helpers import login, token


@pytest.fixture
def scene(cast, agreements, clock):
    """Vendor A's Chromebook on the pool at $300.00 (first tier, no volume yet), vendor B's at $310.00."""
    a, b = agreements[cast.vendor_a.pk], agreements[cast.vendor_b.pk]
    cast.cb_a = current_schedule(a).entries.get(line_reference="CB").product
    cast.cb_b = current_schedule(b).entries.get(line_reference="CB").product
    cast.agreement_a, cast.agreement_b = a, b
    cast.today = clock.today()
    return cast


def record(cast, user=None, **over):
    data = {"description": "Chromebook 11 on the county contract", "unit_price": "289.00", "quantity": 200,
            "seen_on": cast.today - dt.timedelta(days=10), "source_kind": "cooperative",
            "source_name": "County contract 2025-14", "product_id": cast.cb_a.pk}
    data.update(over)
    return outside_price_record(**data, actor=cast.actor(user or cast.buyer_a))


def test_a_buyer_records_for_their_own_district_with_an_audit_event(scene):
    row = record(scene)
    assert row.district == scene.district_a and row.unit_price == Decimal("289.00")
    event = AuditEvent.objects.get(action="outside_price.recorded")
    assert event.object_id == str(row.pk) and event.after["unit_price"] == "289.00"


def test_who_may_record(scene):
    with pytest.raises(PermissionDenied):
        record(scene, district_id=scene.district_b.pk)  # a buyer, for another district
    for user in (scene.approver_a, scene.vendor_user_a, scene.evaluator):
        with pytest.raises(PermissionDenied):
            record(scene, user=user)
    staff_row = record(scene, user=scene.staff, district_id=scene.district_b.pk)
    assert staff_row.district == scene.district_b
    assert record(scene, user=scene.staff, source_name="Staff desk").district is None
    with pytest.raises(ValidationError) as refused:
        record(scene, user=scene.staff, district_id=999999, source_name="x")
    assert "district_id" in refused.value.message_dict


@pytest.mark.parametrize("over, field", [
    ({"seen_on": "2199-01-01"}, "seen_on"),
    ({"seen_on": "yesterday"}, "seen_on"),
    ({"seen_on": dt.date(2001, 1, 1)}, "seen_on"),
    ({"unit_price": "0"}, "unit_price"),
    ({"unit_price": "-5.00"}, "unit_price"),
    ({"unit_price": "12.345"}, "unit_price"),
    ({"unit_price": "1e9999"}, "unit_price"),
    ({"unit_price": "99999999999.00"}, "unit_price"),
    ({"unit_price": "2.89"}, "unit_price"),  # a decimal point slipped: 100 times under the pool's $300
    ({"unit_price": "28900.00"}, "unit_price"),
    ({"quantity": 0}, "quantity"),
    ({"quantity": 10**12}, "quantity"),
    ({"quantity": "12"}, "quantity"),
    ({"description": "Chrome\x00book"}, "description"),
    ({"description": "  "}, "description"),
    ({"source_name": "x\x00"}, "source_name"),
    ({"source_url": "javascript:alert(1)"}, "source_url"),
    ({"note": "n\x00"}, "note"),
    ({"source_kind": "rumour"}, "source_kind"),
    ({"match": "similar"}, "match"),
    ({"product_id": 999999}, "product_id"),
])
def test_refused_with_a_clear_error_and_nothing_stored(scene, over, field):
    with pytest.raises(ValidationError) as refused:
        record(scene, **over)
    assert field in refused.value.message_dict
    assert not OutsidePrice.objects.exists() and not AuditEvent.objects.filter(action__startswith="outside_price").exists()


def test_the_plausible_range_follows_the_pool_price(scene):
    # Within 3 times the pool's $300: recorded as given.
    assert not record(scene, unit_price="100.00").confirmed_far  # 300 / 3
    assert not record(scene, unit_price="900.00").confirmed_far  # 300 x 3
    # Beyond: refused unless confirmed (up to 20 times), and the confirmation is kept.
    for price in ("99.99", "900.01"):
        with pytest.raises(ValidationError) as refused:
            record(scene, unit_price=price)
        assert "confirm_far" in refused.value.message_dict
    assert record(scene, unit_price="15.00", confirm_far=True).confirmed_far  # 300 / 20
    assert record(scene, unit_price="6000.00", confirm_far=True).confirmed_far  # 300 x 20
    with pytest.raises(ValidationError):
        record(scene, unit_price="14.99", confirm_far=True, source_name="Another")
    # a product no agreement offers: only the bounds apply
    assert record(scene, product_id=None, unit_price="1.00", description="Other tablet").product is None


def test_a_double_submit_is_refused_and_a_withdrawn_price_may_be_recorded_again(scene):
    first = record(scene)
    with pytest.raises(ValidationError, match="already recorded"):
        record(scene)
    assert OutsidePrice.objects.count() == 1
    # The same member, product, source (case and spaces aside), date and price, described otherwise
    # or recorded by staff for the member: the same price.
    with pytest.raises(ValidationError, match="already recorded"):
        record(scene, description="CB 11", source_name="county  CONTRACT 2025-14")
    with pytest.raises(ValidationError, match="already recorded"):
        record(scene, user=scene.staff, district_id=scene.district_a.pk)
    assert OutsidePrice.objects.count() == 1
    # Another member, source, date or price is another price.
    assert record(scene, user=scene.staff, district_id=scene.district_b.pk)
    assert record(scene, unit_price="288.00")
    outside_price_withdraw(outside_price=first, actor=scene.actor(scene.buyer_a))
    assert record(scene).pk != first.pk


def test_the_database_refuses_a_duplicate_the_check_missed(scene):
    """Two requests at the same moment both pass the check: the unique index refuses the second."""
    from django.db import IntegrityError, transaction

    first = record(scene)
    copy = OutsidePrice.objects.get(pk=first.pk)
    copy.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        copy.save()


def test_withdraw_by_the_recording_district_or_staff_once(scene):
    row = record(scene)
    with pytest.raises(PermissionDenied):
        outside_price_withdraw(outside_price=row, actor=scene.actor(scene.buyer_b))
    outside_price_withdraw(outside_price=row, actor=scene.actor(scene.buyer_a))
    with pytest.raises(ValidationError, match="already withdrawn"):
        outside_price_withdraw(outside_price=row, actor=scene.actor(scene.staff))
    assert AuditEvent.objects.filter(action="outside_price.withdrawn").count() == 1
    assert not selectors.outside_prices().exists()


def test_comparison_and_renegotiation_list(scene):
    above = record(scene)
    below = record(scene, user=scene.staff, unit_price="279.00", source_name="State contract", source_kind="state_contract")
    old = record(scene, user=scene.staff, unit_price="250.00", source_name="Old quote",
                 seen_on=scene.today - dt.timedelta(days=selectors.RECENT_DAYS + 1))
    c = selectors.product_comparison(scene.cb_a)
    assert c.best_pool_price == Decimal("300.00")
    by_pk = {o.row.pk: o for o in c.outside}
    assert by_pk[above.pk].difference == Decimal("-11.00") and by_pk[above.pk].percent == Decimal("-3.7")
    assert [o.row.pk for o in c.beaten] == [below.pk, above.pk] or {o.row.pk for o in c.beaten} == {above.pk, below.pk}
    assert old.pk not in {o.row.pk for o in c.beaten}  # too old to count
    rows = selectors.renegotiation_list()
    assert len(rows) == 1 and rows[0].agreement == scene.agreement_a
    # The median of 279 and 289 (the old one no longer counts) against the pool's 300.
    assert rows[0].best_outside == below and rows[0].outside_count == 2
    assert (rows[0].median, rows[0].counted, rows[0].outliers, rows[0].gap) == (Decimal("284.00"), 2, 0, Decimal("16.00"))
    # the pool's price follows the tier the volume reaches: at 1,000 units A's price is 290
    LineVolume.objects.update_or_create(agreement=scene.agreement_a, line_reference="CB", defaults={"quantity": 1000})
    assert selectors.renegotiation_list()[0].gap == Decimal("6.00")


def test_one_typod_price_does_not_put_a_product_on_the_renegotiation_list(scene):
    """A review found one mistyped price enough to list a product. An outlier (3 times from the
    median of the product's prices) is left out, counted; the median of the rest decides."""
    record(scene, unit_price="305.00")
    record(scene, unit_price="310.00", source_name="State contract", source_kind="state_contract")
    record(scene, unit_price="29.00", source_name="Quote", source_kind="vendor_quote", confirm_far=True)
    assert selectors.renegotiation_list() == []
    record(scene, unit_price="280.00", source_name="Quote 2", source_kind="vendor_quote")
    record(scene, unit_price="285.00", source_name="Quote 3", source_kind="vendor_quote")
    (row,) = selectors.renegotiation_list()
    # 29.00 left out; the median of 280, 285, 305 and 310 is 295.00.
    assert (row.median, row.counted, row.outliers, row.outside_count) == (Decimal("295.00"), 4, 1, 2)
    assert selectors.median_price([Decimal("1.00"), Decimal("2.01")]) == Decimal("1.51")  # half up to the cent


def test_consolidation_of_volume_split_across_agreements(scene):
    LineVolume.objects.create(agreement=scene.agreement_a, line_reference="CB", quantity=600)
    LineVolume.objects.create(agreement=scene.agreement_b, line_reference="CB", quantity=500)
    result = selectors.consolidation_opportunities()
    split = [o for o in result.opportunities if o.kind == "split"]
    assert len(split) == 1
    o = split[0]
    # today 600 x 300 + 500 x 310 = 335,000; on B 1,100 units reach 285: 313,500
    assert o.target.agreement_id == scene.agreement_b.pk and o.saving == Decimal("21500.00")
    assert o.tier_min_after == 1000 and "would reach its 1,000-unit tier" in o.sentence


# --- pages -----------------------------------------------------------------------------------

def test_product_page_loads_the_panel_and_the_panel_shows_prices_to_members_only(client, scene):
    record(scene)
    page = client.get(f"/catalog/products/{scene.cb_a.pk}/")
    assert f'hx-get="/prices/products/{scene.cb_a.pk}/"' in page.content.decode()
    anon = client.get(f"/prices/products/{scene.cb_a.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "County contract" not in anon and "Sign in" in anon
    login(client, scene.vendor_user_a)
    assert "County contract" not in client.get(f"/prices/products/{scene.cb_a.pk}/").content.decode()
    login(client, scene.buyer_b)
    fragment = client.get(f"/prices/products/{scene.cb_a.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment and "County contract 2025-14" in fragment and "$300.00" in fragment
    full = client.get(f"/prices/products/{scene.cb_a.pk}/").content.decode()
    assert "<html" in full and "+$" not in full and "-$11.00" in full


def test_record_page_and_its_errors(client, scene):
    login(client, scene.buyer_a)
    form = client.get(f"/prices/outside/new/?product={scene.cb_a.pk}")
    assert form.status_code == 200 and "Seen by member district" not in form.content.decode()
    data = {"product_id": scene.cb_a.pk, "match": "same", "description": "Chromebook", "unit_price": "$289.00",
            "quantity": "200", "seen_on": (scene.today + dt.timedelta(days=1)).isoformat(),
            "source_kind": "vendor_quote", "source_name": "Quote 12"}
    refused = client.post("/prices/outside/new/", data)
    assert refused.status_code == 400 and "cannot be in the future" in refused.content.decode()
    data["seen_on"] = scene.today.isoformat()
    done = client.post("/prices/outside/new/", data)
    assert done.status_code == 302 and OutsidePrice.objects.get().district == scene.district_a
    again = client.post("/prices/outside/new/", data)
    assert again.status_code == 400 and OutsidePrice.objects.count() == 1
    listing = client.get("/prices/outside/").content.decode()
    assert "Quote 12" in listing and "Withdraw" in listing
    login(client, scene.staff)
    assert "Seen by member district" in client.get("/prices/outside/new/").content.decode()


def test_staff_choose_the_member_district_by_typing(client, scene):
    """Staff say which member saw the price with a search field (13,000 members at the national
    shape: not an <option> each); a unique name typed is taken, an id posted as it is too; several
    matches or none are a clear error (400), the typed text kept."""
    login(client, scene.staff)
    html = client.get("/prices/outside/new/").content.decode()
    assert 'type="search"' in html and 'name="district_id"' in html and "Beta Unified" not in html
    assert '<label for="id_district_id">' in html and 'id="id_district_id_help"' in html
    assert 'aria-describedby="id_district_id_help"' in html
    data = {"product_id": scene.cb_a.pk, "match": "same", "description": "Chromebook", "unit_price": "289.00",
            "quantity": "200", "seen_on": scene.today.isoformat(), "source_kind": "vendor_quote"}
    for typed, says in (("Unified", "districts match “Unified”"), ("Nowhere Valley", "No district matches"),
                        ("99999999999999999999", "No district matches")):
        refused = client.post("/prices/outside/new/", {**data, "source_name": "Quote 1", "district_id": typed})
        assert refused.status_code == 400 and says in refused.content.decode(), typed
        assert f'value="{typed}"' in refused.content.decode()
    assert not OutsidePrice.objects.exists()
    done = client.post("/prices/outside/new/", {**data, "source_name": "Quote 1", "district_id": "Beta Unified"})
    assert done.status_code == 302 and OutsidePrice.objects.get().district == scene.district_b
    by_id = client.post("/prices/outside/new/", {**data, "source_name": "Quote 2", "district_id": scene.district_a.pk})
    assert by_id.status_code == 302 and OutsidePrice.objects.get(source_name="Quote 2").district == scene.district_a
    nobody = client.post("/prices/outside/new/", {**data, "source_name": "Quote 3", "district_id": ""})
    assert nobody.status_code == 302 and OutsidePrice.objects.get(source_name="Quote 3").district is None


def test_withdraw_asks_for_confirmation(client, scene):
    row = record(scene)
    login(client, scene.buyer_b)
    assert client.get(f"/prices/outside/{row.pk}/withdraw/").status_code == 404
    login(client, scene.buyer_a)
    assert client.get(f"/prices/outside/{row.pk}/withdraw/").status_code == 200
    assert client.post(f"/prices/outside/{row.pk}/withdraw/").status_code == 409  # no confirmation token
    assert selectors.outside_prices().exists()


def test_staff_pages(client, scene):
    record(scene, unit_price="279.00")
    login(client, scene.staff)
    page = client.get("/prices/renegotiate/").content.decode()
    assert scene.agreement_a.number in page and "$21.00" in page
    assert "Median outside price" in page and "of 1 price" in page and "one price" in page and "is an outlier" in page
    page = client.get("/prices/consolidation/").content.decode()
    assert "Method" in page and "ROUND_HALF_UP" in page


# --- API -------------------------------------------------------------------------------------

def test_api_records_lists_compares_and_withdraws(client, scene):
    body = {"description": "Chromebook", "unit_price": "289.00", "quantity": 200,
            "seen_on": scene.today.isoformat(), "source_kind": "vendor_quote", "source_name": "Quote 12",
            "product_id": scene.cb_a.pk}
    headers = token(scene.buyer_a)
    made = client.post("/api/v1/prices/outside", json.dumps(body), content_type="application/json", **headers)
    assert made.status_code == 201, made.content
    assert made.json()["pool_price"] == "300.00" and made.json()["district_id"] == scene.district_a.pk
    twice = client.post("/api/v1/prices/outside", json.dumps(body), content_type="application/json", **headers)
    assert twice.status_code == 422
    far = {**body, "unit_price": "50.00", "source_name": "Quote 13"}
    refused = client.post("/api/v1/prices/outside", json.dumps(far), content_type="application/json", **headers)
    assert refused.status_code == 422 and "confirm_far" in refused.json()["errors"]
    far["confirm_far"] = True
    kept = client.post("/api/v1/prices/outside", json.dumps(far), content_type="application/json", **headers)
    assert kept.status_code == 201 and kept.json()["confirmed_far"] is True
    assert client.post(f"/api/v1/prices/outside/{kept.json()['id']}/withdraw", **headers).status_code == 200
    for bad in ({"description": "a\x00b"}, {"seen_on": "2199-12-31"}, {"unit_price": "-1"}, {"source_kind": "x"},
                {"district_id": scene.district_b.pk}):
        r = client.post("/api/v1/prices/outside", json.dumps({**body, **bad}), content_type="application/json", **headers)
        assert r.status_code in (403, 422), (bad, r.status_code)
    assert OutsidePrice.objects.count() == 2  # the first and the far one (withdrawn)
    listed = client.get("/api/v1/prices/outside", **token(scene.approver_b)).json()
    assert listed["count"] == 1 and listed["results"][0]["beats_pool"] is True
    compared = client.get(f"/api/v1/prices/products/{scene.cb_a.pk}/comparison", **token(scene.evaluator)).json()
    assert compared["best_pool_price"] == "300.00" and compared["beaten_by"] == 1
    staff = token(scene.staff)
    assert client.get("/api/v1/prices/renegotiate", **staff).json()[0]["gap"] == "11.00"
    assert "ROUND_HALF_UP" in client.get("/api/v1/prices/consolidation", **staff).json()["method"]
    row_id = made.json()["id"]
    assert client.post(f"/api/v1/prices/outside/{row_id}/withdraw", **token(scene.buyer_b)).status_code == 404
    assert client.post(f"/api/v1/prices/outside/{row_id}/withdraw", **headers).json()["withdrawn"] is True
    assert client.post(f"/api/v1/prices/outside/{row_id}/withdraw", **headers).status_code == 422


@pytest.mark.parametrize("typed", ["9" * 30, "x" * 100_000])
def test_an_absurd_district_is_refused_not_searched(db, typed):
    from prices.forms import MemberDistrictField

    with pytest.raises(ValidationError):
        MemberDistrictField(scope="members", required=False).clean(typed)


@pytest.mark.parametrize("typed", ["²", "٣", "(#²)", "Beta Unified (#٣)"])
def test_a_digit_that_is_no_number_is_refused_not_a_server_error(db, typed):
    from prices.forms import MemberDistrictField

    with pytest.raises(ValidationError):
        MemberDistrictField(scope="members", required=False).clean(typed)


def test_a_typed_code_is_its_district_even_where_an_id_has_the_same_digits(scene):
    from prices.forms import MemberDistrictField

    field = MemberDistrictField(scope="members", required=False)
    typed = str(scene.district_a.pk)
    assert field.clean(typed) == scene.district_a.pk  # an id that is nobody's code stays an id
    District = type(scene.district_b)
    District.objects.filter(pk=scene.district_b.pk).update(state_leaid=f"CA-{typed}")
    assert field.clean(typed) == scene.district_b.pk  # the district whose code it is
    District.objects.filter(pk=scene.district_b.pk).update(state_leaid="CA-7654321")
    assert field.clean("7654321") == scene.district_b.pk
