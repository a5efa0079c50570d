"""An addendum always leaves bidders the consortium's minimum notice (default 72 hours) before the
bid deadline: a closer deadline, kept or requested, is extended, and the addendum says so."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from orgs.models import ConsortiumProfile
from sourcing.models import Bid
from sourcing.services.bids import bid_confirm, bid_submit
from sourcing.services.solicitations import addendum_publish
from tests.helpers import bid_data, confirmed_post
from tests.cast import PASSWORD


def local(moment):
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M %Z}"


def test_a_deadline_moved_to_seconds_away_is_extended_to_the_minimum_notice(
        cast, open_solicitation, clock, django_capture_on_commit_callbacks):
    staff = cast.actor(cast.staff)
    bid_submit(solicitation=open_solicitation, data=bid_data(), actor=cast.actor(cast.vendor_user_a))
    old = open_solicitation.bid_deadline  # 10 days away
    now = clock.now()
    with django_capture_on_commit_callbacks(execute=True):
        addendum = addendum_publish(solicitation=open_solicitation, summary="Deadline brought forward",
                                    changes={"bid_deadline": now + dt.timedelta(seconds=6),
                                             "questions_deadline": now + dt.timedelta(seconds=3)},
                                    actor=staff)
    open_solicitation.refresh_from_db()
    new = open_solicitation.bid_deadline
    assert new >= now + dt.timedelta(hours=72) and new < now + dt.timedelta(hours=72, minutes=1)
    assert new.second == 0 and new.microsecond == 0  # a whole minute, as pages show it
    assert (addendum.bid_deadline_before, addendum.bid_deadline_after) == (old, new)
    assert addendum.deadline_extended and addendum.notice_hours == 72
    note = addendum.deadline_note()
    assert local(old) in note and local(new) in note and "72 hours" in note
    # The notice to bidders states the old and the new deadline.
    body = mail.outbox[0].body
    assert local(old) in body and local(new) in body and "at least 72 hours" in body
    # The vendor that must re-confirm has the whole 72 hours.
    clock.set(now + dt.timedelta(hours=71, minutes=59))
    bid, _ = bid_confirm(solicitation=open_solicitation, actor=cast.actor(cast.vendor_user_a))
    assert bid.addenda_confirmed == 1


def test_an_addendum_close_to_the_deadline_extends_it_even_without_a_change(cast, open_solicitation, clock):
    deadline = open_solicitation.bid_deadline
    clock.set(deadline - dt.timedelta(microseconds=1))  # the last moment before the deadline
    addendum = addendum_publish(solicitation=open_solicitation, summary="Clarified the warranty",
                                actor=cast.actor(cast.staff))
    open_solicitation.refresh_from_db()
    assert addendum.deadline_extended and open_solicitation.bid_deadline >= deadline + dt.timedelta(hours=72)
    # At the deadline itself it is too late for any addendum: bids are open.
    clock.set(open_solicitation.bid_deadline)
    with pytest.raises(ValidationError, match="only while the solicitation is open"):
        addendum_publish(solicitation=open_solicitation, summary="late", actor=cast.actor(cast.staff))


def test_a_deadline_far_enough_is_kept_and_the_addendum_says_so(cast, open_solicitation, clock):
    staff = cast.actor(cast.staff)
    kept = addendum_publish(solicitation=open_solicitation, summary="Typo", actor=staff)
    assert not kept.deadline_extended and not kept.deadline_moved
    assert kept.deadline_note() == f"The bid deadline is unchanged: {local(open_solicitation.bid_deadline)}."
    # A shorter deadline that still leaves the minimum notice is taken as requested.
    requested = clock.now() + dt.timedelta(hours=80)
    moved = addendum_publish(solicitation=open_solicitation, summary="Earlier deadline",
                             changes={"bid_deadline": requested,
                                      "questions_deadline": clock.now() + dt.timedelta(hours=1)},
                             actor=staff)
    open_solicitation.refresh_from_db()
    assert open_solicitation.bid_deadline == requested and moved.deadline_moved
    assert not moved.deadline_extended
    # A deadline in the past is a mistake, not something to extend.
    with pytest.raises(ValidationError, match="must be in the future"):
        addendum_publish(solicitation=open_solicitation, summary="x",
                         changes={"bid_deadline": clock.now() - dt.timedelta(hours=1)}, actor=staff)


def test_the_minimum_notice_is_a_consortium_setting(cast, open_solicitation, clock):
    ConsortiumProfile.objects.update(addendum_notice_hours=24)
    now = clock.now()
    addendum = addendum_publish(solicitation=open_solicitation, summary="Sooner",
                                changes={"bid_deadline": now + dt.timedelta(hours=1),
                                         "questions_deadline": now + dt.timedelta(minutes=30)},
                                actor=cast.actor(cast.staff))
    open_solicitation.refresh_from_db()
    assert addendum.notice_hours == 24
    assert now + dt.timedelta(hours=24) <= open_solicitation.bid_deadline < now + dt.timedelta(hours=24, minutes=1)


def test_the_addendum_page_and_api_show_the_old_and_new_deadline(client, cast, open_solicitation, clock):
    old = open_solicitation.bid_deadline
    clock.set(old - dt.timedelta(hours=2))
    assert client.login(email=cast.staff.email, password=PASSWORD)
    response = confirmed_post(client, f"/solicitations/{open_solicitation.pk}/addenda/",
                              {"summary": "Clarified the rostering standard"}, follow=True)
    assert response.status_code == 200
    open_solicitation.refresh_from_db()
    new = open_solicitation.bid_deadline
    page = response.content.decode()
    assert "at least 72 hours" in page  # the staff's confirmation message
    public = client.get(f"/solicitations/{open_solicitation.pk}/").content.decode()
    assert f"from {old.astimezone(timezone.get_current_timezone()):%Y-%m-%d %H:%M}" in public
    assert f"{timezone.localtime(new):%Y-%m-%d %H:%M}" in public and "at least 72 hours" in public
    api = client.get(f"/api/v1/solicitations/{open_solicitation.pk}/addenda").json()[0]
    assert api["deadline_extended"] is True and api["notice_hours"] == 72
    assert api["bid_deadline_before"].startswith(old.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M"))
    assert api["bid_deadline_after"].startswith(new.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M"))
    assert "72 hours" in api["deadline_note"]
    assert Bid.objects.count() == 0


def test_a_double_click_publishes_one_addendum(cast, open_solicitation, clock):
    staff = cast.actor(cast.staff)
    changes = {"bid_deadline": clock.now() + dt.timedelta(seconds=6),
               "questions_deadline": clock.now() + dt.timedelta(seconds=3)}
    addendum_publish(solicitation=open_solicitation, summary="Deadline moved", changes=changes, actor=staff)
    clock.advance(seconds=1)
    with pytest.raises(ValidationError, match="Addendum 1 with this text was published"):
        addendum_publish(solicitation=open_solicitation, summary="Deadline moved ", changes=changes, actor=staff)
    assert open_solicitation.addenda.count() == 1
    # A different change, or the same text later, is a new addendum.
    addendum_publish(solicitation=open_solicitation, summary="Warranty clarified", actor=staff)
    clock.advance(minutes=3)
    addendum_publish(solicitation=open_solicitation, summary="Deadline moved", actor=staff)
    assert open_solicitation.addenda.count() == 3
