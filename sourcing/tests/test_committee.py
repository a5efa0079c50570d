"""The evaluation committee: only evaluators of active member districts are seated; each declares,
once bids have opened, any relationship with each bidder by name. And the Django admin: a
published solicitation is read-only there (changes are addenda)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from members.states import MembershipState
from sourcing.models import EvaluatorSeat
from sourcing.services.bids import bid_submit
from sourcing.services.evaluation import evaluator_seat
from tests.helpers import bid_data
from sourcing.tests.test_api import send
from tests.helpers import token
from tests.helpers import login
from tests.cast import SYSTEM
from tests.factories import DistrictFactory, UserFactory


@pytest.fixture
def outsider(cast):
    """An evaluator of a district that is not a member."""
    district = DistrictFactory(name="Gamma Unified")
    return UserFactory(email="outsider@example.org", role="evaluator",
                       organisation=district.organisation).role_assignments.get()


def test_only_evaluators_of_active_member_districts_are_seated(cast, open_solicitation, outsider):
    staff = cast.actor(cast.staff)
    with pytest.raises(ValidationError, match="Gamma Unified, which is not an active member district"):
        evaluator_seat(solicitation=open_solicitation, assignment=outsider, actor=staff)
    # Beta Unified withdraws: its evaluator (the multi-role user) may no longer be seated.
    cast.membership_b.state = MembershipState.WITHDRAWN
    cast.membership_b.save(update_fields=["state"])
    beta_evaluator = cast.multi.role_assignments.get(role="evaluator")
    with pytest.raises(ValidationError, match="not an active member district"):
        evaluator_seat(solicitation=open_solicitation, assignment=beta_evaluator, actor=staff)
    seat = evaluator_seat(solicitation=open_solicitation, assignment=cast.evaluator.role_assignments.get(),
                          actor=staff)
    assert seat.district == cast.district_a.organisation
    assert EvaluatorSeat.objects.count() == 1


def test_the_seating_form_offers_only_eligible_evaluators(client, cast, open_solicitation, outsider):
    cast.membership_b.state = MembershipState.SUSPENDED
    cast.membership_b.save(update_fields=["state"])
    login(client, cast.staff)
    page = client.get(f"/solicitations/{open_solicitation.pk}/manage/").content.decode()
    assert "evaluator@example.org" in page or "Eve Evaluator" in page
    assert "Gamma Unified" not in page and "Max Multi" not in page
    refused = client.post(f"/solicitations/{open_solicitation.pk}/committee/", {"assignment": outsider.pk})
    assert refused.status_code == 400 and not EvaluatorSeat.objects.exists()
    # The API refuses with the reason.
    response = send(client, "POST", f"/api/v1/solicitations/{open_solicitation.pk}/committee",
                    {"assignment_id": outsider.pk}, token(cast.staff))
    assert response.status_code == 422 and "not an active member district" in response.json()["detail"]


def test_the_declaration_page_names_every_bidder(client, cast, open_solicitation, clock):
    for user in (cast.vendor_user_a, cast.vendor_user_b):
        bid_submit(solicitation=open_solicitation, data=bid_data(), actor=cast.actor(user))
    evaluator_seat(solicitation=open_solicitation, assignment=cast.evaluator.role_assignments.get(),
                   actor=cast.actor(cast.staff))
    url = f"/solicitations/{open_solicitation.pk}/evaluate/"
    login(client, cast.evaluator)
    before = client.get(url).content.decode()
    assert "opens at the bid deadline" in before
    assert "Vendor A" not in before and "Vendor B" not in before and "<form method=\"post\" novalidate" not in before

    clock.set(open_solicitation.bid_deadline + dt.timedelta(minutes=5))
    login(client, cast.evaluator)
    page = client.get(url).content.decode()
    a, b = cast.vendor_a.pk, cast.vendor_b.pk
    assert "relationship with Vendor A, Inc.?" in page and "relationship with Vendor B LLC?" in page
    assert f'id="id_rel-{a}_0"' in page and "289.00" not in page and "warranty" not in page
    # Every bidder must be answered; a "yes" needs the details.
    missing = client.post(url, {f"rel-{a}": "yes"})
    assert missing.status_code == 400
    html = missing.content.decode()
    assert "Describe the relationship with Vendor A, Inc." in html and "Answer for Vendor B LLC." in html
    assert f'href="#id_rel-{b}_0"' in html and f'href="#id_details-{a}"' in html
    signed = client.post(url, {f"rel-{a}": "no", f"rel-{b}": "yes",
                               f"details-{b}": "I sold my shares in Vendor B last year"})
    assert signed.status_code == 302
    seat = EvaluatorSeat.objects.get()
    assert seat.declaration == "conflict"
    assert [(d.vendor_id, d.has_relationship) for d in seat.declared_bidders.all()] == [(a, False), (b, True)]
    after = client.get(url).content.decode()
    assert "Vendor B LLC: relationship declared: I sold my shares" in after
    assert "not on this committee" in after and "289.00" not in after
    # Staff see whom the conflict is with.
    login(client, cast.staff)
    manage = client.get(f"/solicitations/{open_solicitation.pk}/manage/").content.decode()
    assert "Vendor B LLC: I sold my shares in Vendor B last year" in manage


def test_declaring_through_the_api(client, cast, open_solicitation, clock):
    bid_submit(solicitation=open_solicitation, data=bid_data(), actor=cast.actor(cast.vendor_user_a))
    evaluator_seat(solicitation=open_solicitation, assignment=cast.evaluator.role_assignments.get(),
                   actor=cast.actor(cast.staff))
    evaluator = token(cast.evaluator)
    url = f"/api/v1/solicitations/{open_solicitation.pk}/declaration"
    clock.set(open_solicitation.bids_open_at)
    assert client.get(url, **token(cast.multi)).status_code == 403  # not an evaluator here (a buyer)
    unknown = send(client, "POST", url, {"relationships": [{"vendor_id": cast.vendor_b.pk,
                                                            "details": "friend"}]}, evaluator)
    assert unknown.status_code == 422 and "did not bid" in unknown.json()["detail"]
    assert send(client, "POST", url, {}, evaluator).status_code == 422  # an explicit list is required
    conflict = send(client, "POST", url, {"relationships": [{"vendor_id": cast.vendor_a.pk,
                                                             "details": "My spouse consults for them"}]},
                    evaluator).json()
    assert conflict["declaration"] == "conflict"
    assert conflict["declared"] == [{"vendor_id": cast.vendor_a.pk, "name": "Vendor A, Inc.",
                                     "has_relationship": True, "details": "My spouse consults for them"}]
    assert client.get(f"/api/v1/solicitations/{open_solicitation.pk}/bids", **evaluator).status_code == 403


def test_a_published_solicitation_is_read_only_in_the_admin(client, cast, open_solicitation):
    from accounts.services import user_create_or_update
    from sourcing.services.solicitations import solicitation_create
    from tests.helpers import content

    user_create_or_update(email=cast.staff.email, can_open_admin=True, actor=SYSTEM)
    login(client, cast.staff)
    url = f"/admin/sourcing/solicitation/{open_solicitation.pk}/change/"
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200 and open_solicitation.title in html
    for field in ("title", "description", "standstill_days", "award_method", "score_threshold",
                  "max_vendor_share", "max_vendors_per_line", "category", "kind"):
        assert f'name="{field}"' not in html, field
    assert 'name="_save"' not in html
    changed = client.post(url, {"title": "Changed quietly", "description": "x", "kind": "rfp",
                                "category": open_solicitation.category_id, "standstill_days": 0,
                                "award_method": "bulk_buy", "score_threshold": "1"})
    assert changed.status_code == 403
    open_solicitation.refresh_from_db()
    assert open_solicitation.title == "Chromebooks 2027" and open_solicitation.standstill_days == 7
    # A draft is still editable there (publishing freezes it).
    other = solicitation_create(content=content(open_solicitation.category), actor=cast.actor(cast.staff),
                                questions_deadline=open_solicitation.questions_deadline,
                                bid_deadline=open_solicitation.bid_deadline)
    assert 'name="_save"' in client.get(f"/admin/sourcing/solicitation/{other.pk}/change/").content.decode()
    # Bids, documents and declarations are not in the admin at all.
    index = client.get("/admin/").content.decode()
    assert "/admin/sourcing/solicitation/" in index
    for model in ("bid", "biddocument", "bidreceipt", "evaluatorseat", "declaredbidder", "score"):
        assert f"/admin/sourcing/{model}/" not in index
        assert client.get(f"/admin/sourcing/{model}/").status_code == 404
    user_create_or_update(email=cast.staff.email, can_open_admin=False, actor=SYSTEM)
