"""A district that is not an active member opens an agreement's join page: it is told why it
cannot join and led to the membership application, not shown a form that can only be refused."""

from __future__ import annotations

from members.models import Membership
from members.states import MembershipState
from tests.helpers import login


def _make_non_member(cast, state):
    Membership.objects.filter(pk=cast.membership_a.pk).update(state=state)


def test_non_member_join_page_links_to_the_membership_application(client, cast, awarded, agreements):
    agreement = agreements[cast.vendor_a.pk]
    _make_non_member(cast, MembershipState.WITHDRAWN)
    login(client, cast.buyer_a)
    page = client.get(f"/agreements/{agreement.pk}/join/").content.decode()
    assert "is not an active member yet" in page
    assert 'href="/membership/">Apply for membership</a>' in page
    assert "Prepare the participation agreement" not in page
    # the link leads to the application form itself
    mine = client.get("/membership/").content.decode()
    assert 'name="contact_email"' in mine


def test_applicant_join_page_links_to_the_application_in_progress(client, cast, awarded, agreements):
    agreement = agreements[cast.vendor_a.pk]
    _make_non_member(cast, MembershipState.APPLIED)
    login(client, cast.buyer_a)
    page = client.get(f"/agreements/{agreement.pk}/join/").content.decode()
    assert "Your application is in progress (state: Applied)" in page
    assert 'href="/membership/">See your membership application</a>' in page
    assert "Prepare the participation agreement" not in page


def test_member_join_page_shows_the_form(client, cast, awarded, agreements):
    agreement = agreements[cast.vendor_a.pk]
    login(client, cast.buyer_a)
    page = client.get(f"/agreements/{agreement.pk}/join/").content.decode()
    assert "not an active member" not in page and "Apply for membership" not in page
    assert "What compliance says for Alpha Unified" in page and "not-a-member" not in page
