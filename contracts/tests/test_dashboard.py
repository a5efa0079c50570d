"""The member dashboard (/my/agreements/): each agreement's documents, the renewal options left
(not the total), and the agreements ending within 180 days."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from contracts.selectors.participation import (join_requirements, participations_of_district,
                                               upcoming_ends)
from contracts.services.agreements import agreement_document_add, agreement_renew
from contracts.services.participation import participation_countersign, participation_join, participation_withdraw
from tests.helpers import decided_competition
from tests.cast import PASSWORD
from tests.helpers import pdf


@pytest.fixture
def joined(cast, awarded, agreements, general_offer):  # noqa: F811
    """District A active on vendor A's agreement (36 months, 2 renewal options of 12 months)."""
    agreement = agreements[cast.vendor_a.pk]
    competition = decided_competition(cast, awarded, agreements, cast.vendor_a)
    needs = join_requirements(district=cast.district_a, agreement=agreement, annual_value=Decimal(20000))
    participation = participation_join(district=cast.district_a, agreement=agreement, estimated_value=20000,
                                       mini_competition=competition, confirmed_steps=needs.confirmations,
                                       actor=cast.actor(cast.buyer_a))
    return participation_countersign(participation=participation, actor=cast.actor(cast.vendor_user_a))


def dashboard(client, user) -> str:
    client.logout()
    assert client.login(email=user.email, password=PASSWORD)
    response = client.get("/my/agreements/")
    assert response.status_code == 200
    return response.content.decode()


def test_documents_are_linked(client, cast, joined):
    agreement = joined.agreement
    page = dashboard(client, cast.buyer_a)
    assert "None yet" in page
    document = agreement_document_add(agreement=agreement, title="Signed master agreement", file=pdf(),
                                      actor=cast.actor(cast.staff))
    page = dashboard(client, cast.buyer_a)
    url = f"/agreements/{agreement.pk}/documents/{document.pk}/"
    assert f'href="{url}"' in page and "Signed master agreement" in page
    assert client.get(url).status_code == 200


def test_renewal_column_counts_the_options_left(client, cast, joined, clock):
    agreement = joined.agreement
    page = dashboard(client, cast.buyer_a)
    assert "2 of 2 renewal options left" in page
    agreement_renew(agreement=agreement, actor=cast.actor(cast.staff))
    page = dashboard(client, cast.buyer_a)
    assert "1 of 2 renewal options left" in page and "(2 renewal options)" not in page
    agreement_renew(agreement=agreement, actor=cast.actor(cast.staff))
    assert "no renewal option left" in dashboard(client, cast.buyer_a)


def test_upcoming_renewals_and_expiries(client, cast, joined, clock):
    agreement = joined.agreement
    page = dashboard(client, cast.buyer_a)
    assert "None of your agreements ends within the next 180 days." in page
    agreement_renew(agreement=agreement, actor=cast.actor(cast.staff))
    agreement.refresh_from_db()
    # 100 days before the (renewed) end date: listed, with the one renewal option left
    # (noon of that local day: adding whole days to "now" moves the hour across a DST change, which
    # between 23:00 and midnight landed on the next day)
    clock.set(timezone.make_aware(dt.datetime.combine(agreement.end_date - dt.timedelta(days=100), dt.time(12))))
    upcoming = upcoming_ends(participations_of_district(cast.district_a))
    assert [(u.agreement.pk, u.days_left, u.renewals_left) for u in upcoming] == [(agreement.pk, 100, 1)]
    page = dashboard(client, cast.buyer_a)
    section = page.split("Upcoming renewals and expiries", 1)[1].split("Participation agreements", 1)[0]
    assert agreement.number in section and ">100<" in section and "1 of 2 renewal options left" in section
    # 181 days before: not yet; after the end date: expired, no longer upcoming
    today = timezone.localdate()
    assert upcoming_ends([joined], today=agreement.end_date - dt.timedelta(days=181)) == []
    assert len(upcoming_ends([joined], today=agreement.end_date - dt.timedelta(days=180))) == 1
    assert upcoming_ends([joined], today=agreement.end_date + dt.timedelta(days=1)) == []
    assert today < agreement.end_date


def test_withdrawn_participations_are_not_upcoming(cast, awarded, agreements, general_offer):  # noqa: F811
    agreement = agreements[cast.vendor_a.pk]
    competition = decided_competition(cast, awarded, agreements, cast.vendor_a)
    needs = join_requirements(district=cast.district_a, agreement=agreement, annual_value=Decimal(20000))
    participation = participation_join(district=cast.district_a, agreement=agreement, estimated_value=20000,
                                       mini_competition=competition, confirmed_steps=needs.confirmations,
                                       actor=cast.actor(cast.buyer_a))
    soon = agreement.end_date - dt.timedelta(days=30)
    assert len(upcoming_ends([participation], today=soon)) == 1  # prepared counts
    participation = participation_withdraw(participation=participation, reason="Changed plans",
                                           actor=cast.actor(cast.buyer_a))
    assert upcoming_ends([participation], today=soon) == []
