"""How many bids arrived is itself sealed until the deadline unless the consortium publishes it."""

from __future__ import annotations

import re

from orgs.models import ConsortiumProfile
from sourcing.services.bids import bid_submit
from tests.helpers import bid_data
from tests.cast import PASSWORD


def shown_counts(client, solicitation) -> dict:
    """The number of bids as each channel shows it (None: not shown)."""
    detail = client.get(f"/solicitations/{solicitation.pk}/").content.decode()
    listing = client.get("/solicitations/").content.decode()
    api_list = client.get("/api/v1/solicitations").json()[0]["bids_received"]
    api_detail = client.get(f"/api/v1/solicitations/{solicitation.pk}").json()["bids_received"]
    found = re.search(r"<dt>Bids received</dt><dd>(\d+)</dd>", detail)
    row = re.search(r'<td class="num">(\d+)</td></tr>', listing)
    return {"detail": found and int(found.group(1)), "list": row and int(row.group(1)),
            "api_list": api_list, "api_detail": api_detail}


def test_the_number_of_bids_is_hidden_until_the_deadline_by_default(client, cast, open_solicitation, clock):
    bid_submit(solicitation=open_solicitation, data=bid_data(), actor=cast.actor(cast.vendor_user_a))
    hidden = {"detail": None, "list": None, "api_list": None, "api_detail": None}
    assert shown_counts(client, open_solicitation) == hidden  # the public
    assert "Not shown until the bids open" in client.get(f"/solicitations/{open_solicitation.pk}/").content.decode()
    client.login(email=cast.staff.email, password=PASSWORD)  # staff neither
    assert shown_counts(client, open_solicitation) == hidden
    manage = client.get(f"/solicitations/{open_solicitation.pk}/manage/").content.decode()
    assert "Not shown until the bids open" in manage
    clock.set(open_solicitation.bids_open_at)
    client.logout()
    assert shown_counts(client, open_solicitation) == {"detail": 1, "list": 1, "api_list": 1, "api_detail": 1}


def test_a_consortium_may_publish_the_number_of_bids_before_the_deadline(client, cast, open_solicitation):
    ConsortiumProfile.objects.update(bid_count_public=True)
    bid_submit(solicitation=open_solicitation, data=bid_data(), actor=cast.actor(cast.vendor_user_a))
    assert shown_counts(client, open_solicitation) == {"detail": 1, "list": 1, "api_list": 1, "api_detail": 1}
