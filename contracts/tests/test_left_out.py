"""The mini-competition page explains which awarded vendors are left out and why."""

from __future__ import annotations

import datetime as dt

from contracts.models import MasterAgreement
from contracts.selectors.agreements import current_schedule
from contracts.selectors.left_out import _reason, left_out
from contracts.services.participation import minicompetition_start
from contracts.states import AgreementState
from tests.helpers import login


def test_a_vendor_without_a_line_asked_for_is_left_out_with_the_reason(client, cast, awarded, agreements):
    b = agreements[cast.vendor_b.pk]
    # Vendor B's schedule has no product on the licence line (set up directly: after signature
    # only an amendment changes a schedule).
    current_schedule(b).entries.filter(line_reference="LIC").delete()
    competition = minicompetition_start(district=cast.district_a, solicitation=awarded,
                                        quantities={"CB": 10, "LIC": 10}, actor=cast.actor(cast.buyer_a))
    assert [(o.vendor, o.agreement) for o in left_out(competition)] == [("Vendor B LLC", b.number)]
    assert "Not on the agreement's lines: LIC" in left_out(competition)[0].reason
    login(client, cast.buyer_a)
    page = client.get(f"/mini-competitions/{competition.pk}/").content.decode()
    assert "Awarded vendors left out" in page and "Not on the agreement&#x27;s lines: LIC" in page
    # With every line offered nobody is left out, and the page says so.
    everyone = minicompetition_start(district=cast.district_a, solicitation=awarded,
                                     quantities={"CB": 10}, actor=cast.actor(cast.buyer_a))
    assert left_out(everyone) == []
    assert "Every vendor awarded" in client.get(f"/mini-competitions/{everyone.pk}/").content.decode()


def test_each_reason_names_what_keeps_the_vendor_out(cast, agreements):
    a = agreements[cast.vendor_a.pk]
    today = dt.date(2026, 12, 3)
    assert "No master agreement" in _reason(None, {"CB": 1}, today)
    pending = MasterAgreement(number="MA-1", award_kind=a.award_kind, state=AgreementState.PENDING_SIGNATURE)
    assert _reason(pending, {"CB": 1}, today) == "MA-1 is not active yet: it awaits signature."
    ended = MasterAgreement(number="MA-2", award_kind=a.award_kind, state=AgreementState.TERMINATED)
    assert _reason(ended, {"CB": 1}, today) == "MA-2 is terminated."
    later = MasterAgreement(number="MA-3", award_kind=a.award_kind, state=AgreementState.ACTIVE,
                            start_date=today + dt.timedelta(days=30))
    assert _reason(later, {"CB": 1}, today) == "MA-3 starts on 2027-01-02."


def test_a_vendor_not_serving_the_district_state_is_left_out_with_the_reason(client, cast, awarded, agreements):
    from contracts.models import MiniCompetitionScore
    from vendors.services import vendor_service_area_set

    b = agreements[cast.vendor_b.pk]
    competition = minicompetition_start(district=cast.district_a, solicitation=awarded,
                                        quantities={"CB": 10}, actor=cast.actor(cast.buyer_a))
    # Vendor B now serves three states only, and was not scored (as a competition started after
    # the change leaves it out, when enough other vendors serve the district's state).
    vendor_service_area_set(vendor=cast.vendor_b, states=["nv", "AZ", "UT"], actor=cast.actor(cast.vendor_user_b))
    MiniCompetitionScore.objects.filter(competition=competition, agreement=b).delete()
    assert [(o.vendor, o.agreement, o.reason) for o in left_out(competition)] == [
        ("Vendor B LLC", b.number, "The vendor does not serve California.")]
    login(client, cast.buyer_a)
    page = client.get(f"/mini-competitions/{competition.pk}/").content.decode()
    assert "The vendor does not serve California." in page


def test_a_competition_needs_two_vendors_serving_the_district_state(client, cast, awarded, agreements):
    import pytest
    from django.core.exceptions import ValidationError

    from contracts.models import MiniCompetition
    from vendors.services import vendor_service_area_set

    vendor_service_area_set(vendor=cast.vendor_b, states=["OR"], actor=cast.actor(cast.vendor_user_b))
    with pytest.raises(ValidationError) as refused:
        minicompetition_start(district=cast.district_a, solicitation=awarded, quantities={"CB": 10},
                              actor=cast.actor(cast.buyer_a))
    assert "serving California (1 awarded vendor(s) do not serve it)" in " ".join(refused.value.messages)
    assert not MiniCompetition.objects.exists()
    # The page that starts one compares only the vendors serving the district's state.
    login(client, cast.buyer_a)
    page = client.get(f"/solicitations/{awarded.pk}/mini-competition/").content.decode()
    assert "Compare the 1 awarded vendor serving your state" in page and "needs at least two" in page
    # Serving California again, vendor B competes as before.
    vendor_service_area_set(vendor=cast.vendor_b, states=["OR", "CA"], actor=cast.actor(cast.vendor_user_b))
    competition = minicompetition_start(district=cast.district_a, solicitation=awarded, quantities={"CB": 10},
                                        actor=cast.actor(cast.buyer_a))
    assert competition.scores.count() == 2 and left_out(competition) == []


def test_the_reason_only_for_a_usable_agreement(cast, agreements):
    a = agreements[cast.vendor_a.pk]
    today = a.start_date
    a.vendor.service_area = ["NV"]
    assert _reason(a, {"CB": 1}, today, "CA") == "The vendor does not serve California."
    assert _reason(a, {"CB": 1}, today, "NV") != "The vendor does not serve California."
    ended = MasterAgreement(number="MA-2", award_kind=a.award_kind, state=AgreementState.TERMINATED)
    assert _reason(ended, {"CB": 1}, today, "CA") == "MA-2 is terminated."
