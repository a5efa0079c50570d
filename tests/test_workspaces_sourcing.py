"""Workspaces and sourcing: stages with their next date (from the clock), committees missing
consensus, evaluators' declarations and scores, vendors' bids to re-confirm after an addendum;
a sealed bid's price never appears, and a vendor never sees another's bid."""

from __future__ import annotations

import datetime as dt

import pytest

from core import clock as core_clock

from sourcing.services.bids import bid_submit
from sourcing.services.evaluation import evaluator_seat
from sourcing.services.solicitations import addendum_publish
from tests.helpers import bid_data, login
from tests.test_workspaces import panel

pytestmark = pytest.mark.django_db


def home(client, user) -> str:
    """The workspace of `user`, signed in afresh (moving the clock ends sessions)."""
    login(client, user)
    response = client.get("/home/")
    assert response.status_code == 200
    return response.content.decode()


def test_staff_see_each_stage_with_its_next_date(client, cast, open_solicitation, clock):
    login(client, cast.staff)
    stages = panel(client.get("/home/").content.decode(), "solicitations")
    assert open_solicitation.number in stages and "Open for bids" in stages
    assert f'href="/solicitations/{open_solicitation.pk}/manage/"' in stages
    # the consortium's calendar day of the deadline (core.clock), not UTC's
    day = core_clock.date_of(open_solicitation.questions_deadline)
    assert f'Questions close: <time datetime="{day.isoformat()}">' in stages
    # After the questions deadline, the next date is when bids open.
    clock.set(open_solicitation.questions_deadline + dt.timedelta(minutes=1))
    stages = panel(home(client, cast.staff), "solicitations")
    assert "Bids open" in stages and "Questions close" not in stages
    # Past the deadline: closed (derived), and the next step is someone's.
    clock.set(open_solicitation.bids_open_at + dt.timedelta(minutes=1))
    stages = panel(home(client, cast.staff), "solicitations")
    assert "Closed: bids opened" in stages and "start the evaluation" in stages


def test_committee_missing_consensus_and_evaluator_scores_to_give(client, cast, evaluating):
    login(client, cast.staff)
    gaps = panel(client.get("/home/").content.decode(), "committees")
    # two bids x two non-price criteria (functionality, support), none recorded yet
    assert evaluating.number in gaps and "4 of 4 consensus scores missing" in gaps
    login(client, cast.evaluator)
    page = client.get("/home/").content.decode()
    assert "0 of 4 scores given" in panel(page, "scores")
    assert evaluating.number in panel(page, "seats")
    assert "No declaration waits for your signature." in panel(page, "declarations")


def test_evaluator_sees_a_declaration_to_sign_once_bids_open(client, cast, open_solicitation, clock):
    evaluator_seat(solicitation=open_solicitation, assignment=cast.evaluator.role_assignments.get(),
                   actor=cast.actor(cast.staff))
    login(client, cast.evaluator)
    page = client.get("/home/").content.decode()
    assert open_solicitation.number in panel(page, "seats")
    assert "No declaration waits" in panel(page, "declarations")
    assert open_solicitation.number in panel(page, "deadlines")
    clock.set(open_solicitation.bids_open_at + dt.timedelta(minutes=1))
    declarations = panel(home(client, cast.evaluator), "declarations")
    assert open_solicitation.number in declarations and "Declare, bidder by bidder" in declarations
    # Another district's evaluator (multi acts as evaluator for district B) has no seat here.
    multi = cast.multi.role_assignments.get(role="evaluator")
    client.logout()
    client.force_login(cast.multi)
    session = client.session
    session["acting_as"] = multi.pk
    session.save()
    assert open_solicitation.number not in client.get("/home/").content.decode()


def test_vendor_sees_own_bid_to_reconfirm_never_its_price_nor_another_vendors_bid(client, cast, open_solicitation,
                                                                                  category):
    cast.vendor_a.categories.add(category)
    bid_submit(solicitation=open_solicitation, data=bid_data(price1="287.45", price2="19.95"),
               actor=cast.actor(cast.vendor_user_a))
    login(client, cast.vendor_user_a)
    page = client.get("/home/").content.decode()
    bids = panel(page, "bids")
    assert open_solicitation.number in bids and "Re-confirm" not in bids
    assert open_solicitation.number in panel(page, "solicitations")
    addendum_publish(solicitation=open_solicitation, summary="Rostering must use OneRoster 1.2.",
                     actor=cast.actor(cast.staff))
    page = client.get("/home/").content.decode()
    bids = panel(page, "bids")
    assert "Re-confirm it: addendum 1 was published" in bids
    assert f'href="/solicitations/{open_solicitation.pk}/bid/"' in bids
    login(client, cast.vendor_user_b)
    other = client.get("/home/").content.decode()
    assert "You have no bid on a solicitation in progress." in other
    assert "No solicitation in your categories is open for bids." in other  # B is not in the category
    # The sealed prices appear on no workspace, whoever asks.
    for user in (cast.vendor_user_a, cast.vendor_user_b, cast.staff, cast.buyer_a, cast.evaluator):
        login(client, user)
        html = client.get("/home/").content.decode()
        assert "287.45" not in html and "19.95" not in html and "277.45" not in html
