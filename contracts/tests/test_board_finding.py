"""The board finding recorded with a join (California: best interest, Cal. Pub. Contract Code
20118): validated by the join service, audited, and counted by the catalog's verdicts, the product
page and its API once the participation is in force, for that agreement only."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from audit.actions import AuditAction
from audit.models import AuditEvent
from contracts.selectors.catalog import catalog_items, catalog_search
from contracts.selectors.participation import join_requirements
from contracts.services.participation import participation_countersign, participation_join
from contracts.tests.test_pages_api import post_json
from tests.helpers import token
from tests.helpers import decided_competition
from tests.cast import PASSWORD


def _join(cast, awarded, agreements, **finding):
    agreement = agreements[cast.vendor_a.pk]
    competition = decided_competition(cast, awarded, agreements, cast.vendor_a)
    needs = join_requirements(district=cast.district_a, agreement=agreement, annual_value=Decimal(20000))
    return participation_join(district=cast.district_a, agreement=agreement, estimated_value=20000,
                              mini_competition=competition, confirmed_steps=needs.confirmations,
                              actor=cast.actor(cast.buyer_a), **finding)


def _devices(cast):
    items = catalog_items(list(catalog_search(q="chromebook")), district=cast.district_a)
    return {i.agreement.vendor.legal_name: i for i in items}


@pytest.mark.parametrize("finding, field", [
    ({"board_finding_on": "tomorrow", "board_finding_reference": "Res. 1"}, "board_finding_on"),
    ({"board_finding_on": "today", "board_finding_reference": "  "}, "board_finding_reference"),
    ({"board_finding_reference": "Res. 1"}, "board_finding_on"),
])
def test_the_join_validates_the_board_finding(cast, awarded, agreements, general_offer, finding, field):  # noqa: F811
    today = timezone.localdate()
    dates = {"today": today, "tomorrow": today + dt.timedelta(days=1)}
    finding = {k: dates.get(v, v) for k, v in finding.items()}
    with pytest.raises(ValidationError) as exc:
        _join(cast, awarded, agreements, **finding)
    assert field in exc.value.message_dict
    assert not cast.district_a.participations.exists()


def test_a_countersigned_join_with_a_finding_makes_its_catalog_rows_allowed(cast, awarded, agreements,
                                                                           general_offer):  # noqa: F811
    before = _devices(cast)
    assert before["Vendor A, Inc."].verdict.verdict == "allowed_after_steps"
    on = timezone.localdate() - dt.timedelta(days=7)
    participation = _join(cast, awarded, agreements, board_finding_on=on,
                          board_finding_reference="Resolution 2026-17")
    assert participation.board_finding_on == on and participation.board_finding_reference == "Resolution 2026-17"
    event = AuditEvent.objects.filter(action=AuditAction.PARTICIPATION_PREPARED).latest("pk")
    assert event.after["board_finding_on"] == on.isoformat()
    assert event.after["board_finding_reference"] == "Resolution 2026-17"
    # Not in force until the vendor countersigns.
    assert _devices(cast)["Vendor A, Inc."].verdict.verdict == "allowed_after_steps"
    participation_countersign(participation=participation, actor=cast.actor(cast.vendor_user_a))
    after = _devices(cast)
    assert after["Vendor A, Inc."].verdict.verdict == "allowed"
    assert after["Vendor A, Inc."].board_finding == participation
    # The other agreement has no finding of the district's: still a step there.
    assert after["Vendor B LLC"].verdict.verdict == "allowed_after_steps"
    assert "Board finding" in after["Vendor B LLC"].verdict.summary


def test_a_join_without_a_finding_keeps_the_step(cast, awarded, agreements, general_offer):  # noqa: F811
    participation = _join(cast, awarded, agreements)
    participation_countersign(participation=participation, actor=cast.actor(cast.vendor_user_a))
    assert participation.board_finding_on is None
    assert _devices(cast)["Vendor A, Inc."].verdict.verdict == "allowed_after_steps"


def test_product_page_and_api_count_the_finding_of_the_best_agreement(client, cast, awarded, agreements,
                                                                      general_offer):  # noqa: F811
    on = timezone.localdate() - dt.timedelta(days=3)
    participation = _join(cast, awarded, agreements, board_finding_on=on,
                          board_finding_reference="Resolution 2026-17")
    participation_countersign(participation=participation, actor=cast.actor(cast.vendor_user_a))
    device = _devices(cast)["Vendor A, Inc."].product
    assert client.login(email=cast.buyer_a.email, password=PASSWORD)
    page = client.get(f"/catalog/products/{device.pk}/").content.decode()
    assert "Resolution 2026-17" in page
    api = client.get(f"/api/v1/catalog/{device.pk}").json()
    assert api["verdict"]["verdict"] == "allowed" and api["verdict"]["agreement"] == participation.agreement.number
    satisfied = [r for r in api["verdict"]["reasons"] if r["rule_id"] == "ca-pcc-20118"]
    assert satisfied[0]["effect"] == "satisfied" and f"Resolution 2026-17, {on:%Y-%m-%d}" in satisfied[0]["summary"]


def test_the_join_page_and_api_take_the_finding(client, cast, awarded, agreements, general_offer):  # noqa: F811
    agreement = agreements[cast.vendor_a.pk]
    decided_competition(cast, awarded, agreements, cast.vendor_a)
    assert client.login(email=cast.buyer_a.email, password=PASSWORD)
    page = client.get(f"/agreements/{agreement.pk}/join/").content.decode()
    assert 'name="board_finding_on"' in page and 'name="board_finding_reference"' in page
    needs = join_requirements(district=cast.district_a, agreement=agreement, annual_value=Decimal(20000))
    future = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    body = {"estimated_value": "20000", "board_finding_on": future, "board_finding_reference": "R-1"}
    body.update({f"step_{i}": "on" for i in range(len(needs.confirmations))})
    refused = client.post(f"/agreements/{agreement.pk}/join/", body)
    assert refused.status_code == 400 and "cannot be dated in the future" in refused.content.decode()
    buyer = token(cast.buyer_a)
    joined = post_json(client, f"/api/v1/agreements/{agreement.pk}/join",
                       {"estimated_value": "20000", "confirmed_steps": needs.confirmations,
                        "mini_competition_id": cast.district_a.mini_competitions.get().pk,
                        "board_finding_on": timezone.localdate().isoformat(),
                        "board_finding_reference": "R-2"}, buyer)
    assert joined.status_code == 201, joined.content
    assert joined.json()["board_finding_on"] == timezone.localdate().isoformat()
    assert joined.json()["board_finding_reference"] == "R-2"
