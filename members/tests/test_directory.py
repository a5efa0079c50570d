from __future__ import annotations

import pytest

from members.selectors import member_directory, member_directory_totals
from members.services import membership_suspend


def test_directory_lists_active_members_with_totals(cast):
    names = [m.district.name for m in member_directory()]
    assert names == ["Alpha Unified", "Beta Unified"]
    totals = member_directory_totals()
    assert (totals.members, totals.students, totals.states) == (2, 15400, 1)
    assert totals.students_estimated is False


def test_suspended_members_leave_the_directory(cast):
    membership_suspend(membership=cast.membership_b,
                       actor=cast.actor(cast.staff), reason="Dues")
    assert [m.district.name for m in member_directory()] == ["Alpha Unified"]
    assert member_directory_totals().students == 12000


def test_directory_filters(cast):
    assert [m.district.name for m in member_directory(q="beta")] == ["Beta Unified"]
    assert list(member_directory(state="NY")) == []


@pytest.mark.django_db
def test_public_directory_page(client, cast):
    response = client.get("/members/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Alpha Unified" in body and "15,400" in body
    assert "2</span> member agencies" in body
    partial = client.get("/members/?q=beta", HTTP_HX_REQUEST="true")
    assert "Beta Unified" in partial.content.decode() and "<html" not in partial.content.decode()


def test_directory_pages_and_state_filter(client, cast):
    from tests.factories import ActiveMembershipFactory, DistrictFactory

    ActiveMembershipFactory.create_batch(60)
    ActiveMembershipFactory(district=DistrictFactory(state="NV", state_leaid="NV-0000001",
                                                     enrollment=5000))
    totals = member_directory_totals()
    assert totals.members == 63 and totals.states == 2
    first = client.get("/members/").content.decode()
    assert "page 1 of 2" in first and "Next page" in first
    nevada = client.get("/members/?state=NV").content.decode()
    assert "page 1 of 1" in nevada and "5,000" in nevada
    api = client.get("/api/v1/members?state=NV").json()
    assert api["count"] == 1 and api["totals"]["students"] == 5000
