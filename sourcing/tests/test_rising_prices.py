"""A bid whose price rises with volume (a higher tier dearer than a lower one) is usually a typing
mistake: the vendor is warned, and it is refused unless the vendor confirms it is intended."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from sourcing import selectors
from sourcing.models import Bid
from sourcing.services import bids as bid_services
from sourcing.services.bids import bid_confirm, bid_submit, rising_prices
from sourcing.services.solicitations import addendum_publish
from tests.helpers import bid_data
from sourcing.tests.test_api import send
from tests.helpers import token
from tests.cast import PASSWORD


def rising_data():
    data = bid_data()
    data["lines"][0]["tiers"] = [{"min_quantity": 1, "unit_price": "289.00"},
                                 {"min_quantity": 500, "unit_price": "279.00"},
                                 {"min_quantity": 1000, "unit_price": "1289.00"}]
    return data


def test_rising_prices_name_the_line_and_tiers():
    content = rising_data()
    assert rising_prices(content) == [
        "Line CB-11: tier 3 (from 1,000 units) costs $1,289.00 a unit, more than tier 2 (from 500 "
        "units) at $279.00."]
    content["lines"][0]["tiers"][2]["unit_price"] = "279.00"  # equal is not rising
    assert rising_prices(content) == [] and rising_prices(bid_data()) == []


def test_a_rising_bid_is_refused_unless_confirmed(cast, open_solicitation):
    vendor = cast.actor(cast.vendor_user_a)
    with pytest.raises(ValidationError) as exc:
        bid_submit(solicitation=open_solicitation, data=rising_data(), actor=vendor)
    message = exc.value.message_dict["confirm_rising_prices"][0]
    assert "Line CB-11: tier 3 (from 1,000 units)" in message and "tier 2" in message
    assert Bid.objects.count() == 0
    bid, receipt = bid_submit(solicitation=open_solicitation, data=rising_data(), actor=vendor,
                              confirm_rising_prices=True)
    assert receipt.canonical_bid["rising_prices_confirmed"] is True
    assert receipt.as_dict()["warnings"] == rising_prices(rising_data())
    # Re-confirming after an addendum: already confirmed with the bid, not asked again.
    addendum_publish(solicitation=open_solicitation, summary="x", actor=cast.actor(cast.staff))
    bid, receipt = bid_confirm(solicitation=open_solicitation, actor=vendor)
    assert bid.addenda_confirmed == 1 and receipt.warnings


def test_reconfirming_an_unconfirmed_rising_bid_needs_the_confirmation(cast, open_solicitation, monkeypatch):
    vendor = cast.actor(cast.vendor_user_a)
    monkeypatch.setattr(bid_services, "rising_prices", lambda content: [])  # a bid from before the check
    bid_submit(solicitation=open_solicitation, data=rising_data(), actor=vendor)
    monkeypatch.undo()
    addendum_publish(solicitation=open_solicitation, summary="x", actor=cast.actor(cast.staff))
    with pytest.raises(ValidationError, match="tier 3"):
        bid_confirm(solicitation=open_solicitation, actor=vendor)
    bid, _ = bid_confirm(solicitation=open_solicitation, actor=vendor, confirm_rising_prices=True)
    assert bid.addenda_confirmed == 1


def test_the_api_warns_and_refuses_without_the_boolean(client, cast, open_solicitation):
    vendor = token(cast.vendor_user_a)
    base = f"/api/v1/solicitations/{open_solicitation.pk}"
    refused = send(client, "PUT", base + "/bid", rising_data(), vendor)
    assert refused.status_code == 422
    assert "Line CB-11: tier 3" in refused.json()["errors"]["confirm_rising_prices"][0]
    accepted = send(client, "PUT", base + "/bid", {**rising_data(), "confirm_rising_prices": True}, vendor)
    assert accepted.status_code == 200 and accepted.json()["warnings"][0].startswith("Line CB-11: tier 3")
    mine = client.get(base + "/bid", **vendor).json()
    assert mine["warnings"] and mine["bid"]["rising_prices_confirmed"] is True
    plain = send(client, "PUT", base + "/bid", bid_data(), vendor)
    assert plain.json()["warnings"] == [] and client.get(base + "/bid", **vendor).json()["warnings"] == []
    send(client, "POST", base + "/addenda", {"summary": "x"}, token(cast.staff))
    assert send(client, "POST", base + "/bid/confirm", headers=vendor).status_code == 200  # no body


def test_the_bid_page_warns_and_asks_for_the_confirmation(client, cast, open_solicitation):
    assert client.login(email=cast.vendor_user_a.email, password=PASSWORD)
    url = f"/solicitations/{open_solicitation.pk}/bid/"
    post = {"l1-t1-min": 1, "l1-t1-price": "289.00", "l1-t2-min": 1000, "l1-t2-price": "298.00",
            "l2-t1-min": 1, "l2-t1-price": "20.00", "attest-dpa": "yes", "attest-wcag": "yes"}
    refused = client.post(url, post)
    page = refused.content.decode()
    assert refused.status_code == 400 and Bid.objects.count() == 0
    assert "Line CB-11: tier 2 (from 1,000 units) costs $298.00 a unit, more than tier 1" in page
    assert 'name="confirm_rising_prices"' in page
    assert client.post(url, {**post, "confirm_rising_prices": "on"}).status_code == 302
    page = client.get(url).content.decode()
    assert "Your prices rise with volume" in page and "You confirmed this is intended" in page
    _, content = selectors.own_bid(solicitation=open_solicitation, vendor=cast.vendor_a)
    assert content["rising_prices_confirmed"] is True
