"""One bid receipt (`sourcing.receipts`): the service's answer, the API's and the downloaded file
have the same fields; the detail page learns of the vendor's own bid without unsealing it."""

from __future__ import annotations

import json

from sourcing import sealing, selectors
from sourcing.models import BidReceipt
from sourcing.receipts import HOW_TO_VERIFY
from sourcing.services.bids import bid_submit, bid_withdraw
from tests.helpers import bid_data
from tests.cast import PASSWORD

FIELDS = {"solicitation", "vendor", "action", "revision", "received_at", "sha256",
          "addenda_acknowledged", "warnings"}


def _rising():
    data = bid_data()
    data["lines"][0]["tiers"] = [{"min_quantity": 1, "unit_price": "289.00"},
                                 {"min_quantity": 500, "unit_price": "1289.00"}]
    return data


def _download(client, cast, solicitation, stored):
    assert client.login(email=cast.vendor_user_a.email, password=PASSWORD)
    response = client.get(f"/solicitations/{solicitation.pk}/bid/receipts/{stored.pk}/")
    assert response.status_code == 200
    return json.loads(response.content)


def test_downloaded_receipt_equals_the_one_the_service_gave(client, cast, open_solicitation):
    _, given = bid_submit(solicitation=open_solicitation, data=_rising(), confirm_rising_prices=True,
                          actor=cast.actor(cast.vendor_user_a))
    body = _download(client, cast, open_solicitation, BidReceipt.objects.get())
    assert body == given.as_dict()
    assert set(body) == FIELDS | {"bid", "how_to_verify"} and body["how_to_verify"] == HOW_TO_VERIFY
    assert body["warnings"] and body["warnings"][0].startswith("Line CB-11: tier 2")
    assert body["addenda_acknowledged"] == 0 and body["vendor"] == cast.vendor_a.legal_name


def test_an_older_version_or_a_withdrawal_carries_no_bid(client, cast, open_solicitation):
    actor = cast.actor(cast.vendor_user_a)
    bid_submit(solicitation=open_solicitation, data=bid_data(price1="300.00"), actor=actor)
    bid_submit(solicitation=open_solicitation, data=bid_data(price1="295.00"), actor=actor)
    first, second = BidReceipt.objects.order_by("pk")
    assert set(_download(client, cast, open_solicitation, first)) == FIELDS
    assert _download(client, cast, open_solicitation, second)["bid"]["lines"][0]["tiers"][0]["unit_price"] == "295.00"
    _, withdrawal = bid_withdraw(solicitation=open_solicitation, actor=actor)
    body = _download(client, cast, open_solicitation, BidReceipt.objects.order_by("pk").last())
    assert set(body) == FIELDS and body["action"] == "withdrawn"
    assert withdrawal.as_dict()["bid"] == {"solicitation": open_solicitation.number, "withdrawn": True}


def test_detail_page_names_the_own_bid_without_unsealing(client, cast, open_solicitation, monkeypatch):
    bid, _ = bid_submit(solicitation=open_solicitation, data=bid_data(), actor=cast.actor(cast.vendor_user_a))
    assert selectors.own_bid_record(solicitation=open_solicitation, vendor=cast.vendor_a) == bid
    assert selectors.own_bid_record(solicitation=open_solicitation, vendor=cast.vendor_b) is None
    assert selectors.own_bid_record(solicitation=open_solicitation, vendor=None) is None

    def refuse(*args, **kwargs):
        raise AssertionError("the detail page unsealed a bid")

    monkeypatch.setattr(sealing, "unseal", refuse)
    assert client.login(email=cast.vendor_user_a.email, password=PASSWORD)
    page = client.get(f"/solicitations/{open_solicitation.pk}/")
    assert page.status_code == 200 and "revision 1." in page.content.decode()
