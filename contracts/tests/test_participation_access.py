"""Who may see and act on a participation agreement: one rule (the parties table in
contracts.selectors.participation), and the pages and the API give the same answer for each role,
for the participation's own district and vendor and for the others."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.http import Http404

from contracts.selectors.participation import (competition_for_actor, join_requirements,
                                               participation_for_actor, quote_for_actor)
from contracts.services.participation import participation_join
from tests.helpers import decided_competition, login, token

# What each operation answers, by role: "reached" (the participation was found and the role
# may act: the page redirects, the API answers 200 or its 409/422 for the state), "hidden"
# (404: not a party) or "refused" (403: the role may not do this at all).
EXPECTED = {
    "approve": {"approver_a": "reached", "approver_b": "hidden"},
    "withdraw": {"buyer_a": "reached", "approver_a": "reached", "buyer_b": "hidden", "approver_b": "hidden"},
    "countersign": {"vendor_a": "reached", "vendor_b": "hidden"},
}
PAGE_URL = {"approve": "/participations/{}/approve/", "withdraw": "/participations/{}/withdraw/",
            "countersign": "/vendor/participations/{}/countersign/"}


@pytest.fixture
def participation(cast, awarded, agreements, general_offer):
    """District A joins vendor A's agreement above its limit: it needs the approver."""
    agreement = agreements[cast.vendor_a.pk]
    competition = decided_competition(cast, awarded, agreements, cast.vendor_a)
    needs = join_requirements(district=cast.district_a, agreement=agreement, annual_value=Decimal(90000))
    return participation_join(district=cast.district_a, agreement=agreement, estimated_value=90000,
                              mini_competition=competition, confirmed_steps=needs.confirmations,
                              actor=cast.actor(cast.buyer_a))


def _answer(status: int) -> str:
    if status == 404:
        return "hidden"
    if status == 403:
        return "refused"
    assert status in (200, 302, 409, 422), status
    return "reached"


def test_the_parties_table(cast, participation):
    parties = {"staff", "buyer_a", "approver_a", "vendor_a"}
    for name, user in cast.users_by_role.items():
        actor = cast.actor(user)
        if name in parties:
            assert participation_for_actor(participation_id=participation.pk, actor=actor) == participation
        else:  # the other district's people, the other vendor, an evaluator of the district itself
            with pytest.raises(Http404, match="No such participation agreement"):
                participation_for_actor(participation_id=participation.pk, actor=actor)
    with pytest.raises(Http404):
        participation_for_actor(participation_id=participation.pk + 1000, actor=cast.actor(cast.staff))


def test_pages_and_api_give_the_same_answer_for_every_role(client, cast, participation):
    pk = participation.pk
    # Refusals first: they must leave the participation as it was for the calls that reach it.
    order = sorted(cast.users_by_role.items(),
                   key=lambda item: any(EXPECTED[op].get(item[0]) == "reached" for op in EXPECTED))
    for operation, expected in EXPECTED.items():
        for name, user in order:
            want = expected.get(name, "refused")
            login(client, user)
            page = client.post(PAGE_URL[operation].format(pk), {"reason": "Budget cut"})
            api = client.post(f"/api/v1/participations/{pk}/{operation}",
                              data=json.dumps({"reason": "Budget cut"}), content_type="application/json",
                              **token(user))
            assert (operation, name, _answer(page.status_code)) == (operation, name, want)
            assert (operation, name, _answer(api.status_code)) == (operation, name, want)


def test_a_competition_is_its_districts_and_a_quote_its_vendors(cast, awarded, agreements):
    competition = decided_competition(cast, awarded, agreements, cast.vendor_a)
    quote = competition.quotes.get()
    for user in (cast.buyer_a, cast.approver_a):
        assert competition_for_actor(competition_id=competition.pk, actor=cast.actor(user)) == competition
    for user in (cast.buyer_b, cast.vendor_user_a):
        with pytest.raises(Http404, match="No such mini-competition."):
            competition_for_actor(competition_id=competition.pk, actor=cast.actor(user))
    assert quote_for_actor(quote_id=quote.pk, actor=cast.actor(cast.vendor_user_a)) == quote
    for user in (cast.vendor_user_b, cast.buyer_a, cast.staff):
        with pytest.raises(Http404, match="No such quote request."):
            quote_for_actor(quote_id=quote.pk, actor=cast.actor(user))
