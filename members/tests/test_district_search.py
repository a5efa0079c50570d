"""Choosing a district among hundreds is a search field (members.fields), not a drop-down: no
page renders a select of more than 200 districts; the suggestions search by name, city and CDS
code, at most 20; and a form without JavaScript takes a unique match or names the candidates."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from members.fields import district_pick_label
from members.models import District, Membership
from members.states import MembershipState
from orgs.models import Organisation
from tests.helpers import login


@pytest.fixture
def many_districts(cast):
    """300 more Californian districts, active members, as in a real state directory."""
    orgs = Organisation.objects.bulk_create([Organisation(kind="district", name=f"Valley District {i:03d}",
                                                          slug=f"valley-{i:03d}", state="CA")
                                             for i in range(300)])
    districts = District.objects.bulk_create([
        District(organisation=o, state="CA", state_leaid=f"CA-77{i:05d}", city="Fresno" if i == 7 else "Modesto")
        for i, o in enumerate(orgs)])
    Membership.objects.bulk_create([Membership(district=d, state=MembershipState.ACTIVE, applied_at=timezone.now())
                                    for d in districts])
    return districts


def _largest_select(html: str) -> int:
    selects = re.findall(r"<select\b.*?</select>", html, flags=re.S)
    return max((s.count("<option") for s in selects), default=0)


def test_no_page_renders_a_select_of_hundreds_of_districts(client, cast, many_districts):
    login(client, cast.staff)
    for url in ("/compliance/check/", "/districts/?q=Valley", "/members/"):
        page = client.get(url)
        assert page.status_code == 200, url
        assert _largest_select(page.content.decode()) <= 200, url
    login(client, cast.vendor_user_a)
    page = client.get("/vendor/evidence/").content.decode()
    assert 'name="dpa-district"' in page and _largest_select(page) <= 200
    field = re.search(r'<input[^>]*name="dpa-district"[^>]*>', page).group(0)
    assert 'type="search"' in field and 'list="id_dpa-district_options"' in field
    assert 'aria-describedby="id_dpa-district_help"' in field  # the hint is read out


def test_suggestions_search_by_name_city_and_cds_code_at_most_20(client, cast, many_districts):
    login(client, cast.vendor_user_a)
    by_name = client.get("/districts/options/", {"field": "dpa-district", "dpa-district": "Valley District 01"})
    options = re.findall(r'<option value="([^"]*)">', by_name.content.decode())
    assert len(options) == 10 and all("Valley District 01" in o for o in options)
    many = client.get("/districts/options/", {"q": "Valley"}).content.decode()
    assert many.count("<option") == 20  # bounded
    by_city = client.get("/districts/options/", {"q": "fresno"}).content.decode()
    assert by_city.count("<option") == 1 and "Valley District 007 – Fresno, CA (CA-7700007)" in by_city
    by_code = client.get("/districts/options/", {"q": "7700123"}).content.decode()
    assert by_code.count("<option") == 1 and "Valley District 123" in by_code
    members_only = client.get("/districts/options/", {"q": "Alpha", "scope": "members"}).content.decode()
    assert "Alpha Unified" in members_only


def test_check_form_without_javascript_takes_a_unique_match_or_names_the_candidates(client, cast, many_districts):
    login(client, cast.staff)
    one = client.get("/compliance/check/", {"district": "valley district 042"}).content.decode()
    # the district was found (the product is still missing), shown as its full label
    assert f'value="{district_pick_label(many_districts[42])}"' in one
    assert "No district matches" not in one and "districts match" not in one
    several = client.get("/compliance/check/", {"district": "Valley District 00"})
    text = several.content.decode()
    assert several.status_code == 400
    assert "10 districts match “Valley District 00” (Valley District 000; Valley District 001" in text
    assert text.count('<option value="Valley District 00') == 10  # suggestions filled in, no JS needed
    none = client.get("/compliance/check/", {"district": "Nowhere Unified"}).content.decode()
    assert "No district matches “Nowhere Unified”" in none
