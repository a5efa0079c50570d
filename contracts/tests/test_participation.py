"""Joining an agreement: the mini-competition, quotes, the join with its DPA joinder in one step,
approval above the district's limit, the vendor's countersignature, and refusals with reasons."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from compliance.models import DataPrivacyAgreement
from contracts.selectors.participation import district_may_order, join_requirements
from contracts.services.participation import (minicompetition_decide, minicompetition_score,
                                              minicompetition_start, participation_approve,
                                              participation_countersign, participation_join,
                                              quote_answer, quote_request)
from contracts.states import ParticipationState
from tests.helpers import decided_competition


def test_mini_competition_scores_price_first_on_own_quantities(cast, awarded, agreements):
    buyer = cast.actor(cast.buyer_a)
    competition = minicompetition_start(district=cast.district_a, solicitation=awarded,
                                        quantities={"CB": 800, "LIC": 800}, actor=buyer)
    scores = {s.agreement.vendor.legal_name: s for s in competition.scores.select_related("agreement__vendor")}
    # 800 units stay in the first tier: A 800 x (300 + 30) = 264,000; B 800 x (310 + 29) = 271,200.
    assert scores["Vendor A, Inc."].price_total == Decimal("264000.00")
    assert scores["Vendor B LLC"].price_total == Decimal("271200.00")
    assert scores["Vendor A, Inc."].price_score == Decimal("60.00")
    assert scores["Vendor B LLC"].price_score == (Decimal(60) * 264000 / 271200).quantize(Decimal("0.01"))
    minicompetition_score(competition=competition, agreement=agreements[cast.vendor_b.pk],
                          other_score=35, notes="Better support", actor=buyer)
    with pytest.raises(ValidationError, match="Between 0 and 40"):
        minicompetition_score(competition=competition, agreement=agreements[cast.vendor_b.pk],
                              other_score=55, actor=buyer)
    with pytest.raises(PermissionDenied):
        minicompetition_start(district=cast.district_a, solicitation=awarded, quantities={"CB": 1},
                              actor=cast.actor(cast.buyer_b))


def test_quote_needs_the_vendor_and_cannot_exceed_the_schedule(cast, awarded, agreements):
    buyer = cast.actor(cast.buyer_a)
    competition = minicompetition_start(district=cast.district_a, solicitation=awarded,
                                        quantities={"CB": 800}, actor=buyer)
    agreement = agreements[cast.vendor_a.pk]
    with pytest.raises(ValidationError, match="quote"):
        minicompetition_decide(competition=competition, agreement=agreement, reasons="x", actor=buyer)
    quote = quote_request(competition=competition, agreement=agreement, actor=buyer)
    with pytest.raises(PermissionDenied):
        quote_answer(quote=quote, quote_total=1, implementation_plan="x", actor=cast.actor(cast.vendor_user_b))
    with pytest.raises(ValidationError, match="cannot exceed"):
        quote_answer(quote=quote, quote_total="240001", implementation_plan="x",
                     actor=cast.actor(cast.vendor_user_a))
    # A quoted total is money in whole cents above $0 (core.money): never rounded, never absurd.
    for total, message in (("1000.005", "At most two decimal places"), ("0", "Must be from $0.01"),
                           ("1e30", "Must be from $0.01"), ("lots", "not an amount")):
        with pytest.raises(ValidationError) as exc:
            quote_answer(quote=quote, quote_total=total, implementation_plan="x", actor=cast.actor(cast.vendor_user_a))
        assert message in exc.value.message_dict["quote_total"][0]
    quote.refresh_from_db()
    assert quote.answered_at is None


def test_join_adopts_the_general_offer_in_the_same_step(cast, awarded, agreements, general_offer):
    agreement = agreements[cast.vendor_a.pk]
    buyer = cast.actor(cast.buyer_a)
    with pytest.raises(ValidationError, match="mini-competition"):
        participation_join(district=cast.district_a, agreement=agreement, estimated_value=20000, actor=buyer)
    competition = decided_competition(cast, awarded, agreements, cast.vendor_a)
    needs = join_requirements(district=cast.district_a, agreement=agreement, annual_value=Decimal(20000))
    assert needs.offers_to_adopt == [general_offer.pk] and not needs.blocked
    assert any("Board finding of best interest" in step for step in needs.confirmations)  # PCC 20118
    with pytest.raises(ValidationError) as missing:
        participation_join(district=cast.district_a, agreement=agreement, estimated_value=20000,
                           mini_competition=competition, actor=buyer)
    assert "confirmed_steps" in missing.value.message_dict
    assert not DataPrivacyAgreement.objects.filter(kind="joinder").exists()  # nothing half-done
    participation = participation_join(district=cast.district_a, agreement=agreement,
                                       estimated_value=20000, mini_competition=competition,
                                       confirmed_steps=needs.confirmations, actor=buyer)
    joinder = participation.dpa_joinder
    assert joinder is not None and joinder.kind == "joinder" and joinder.district == cast.district_a
    assert joinder.offer_id == general_offer.pk
    assert participation.compliance_decisions.count() == 2
    assert not participation.needs_approval  # 20,000 is under the 50,000 limit
    assert not district_may_order(cast.district_a, agreement)
    participation = participation_countersign(participation=participation, actor=cast.actor(cast.vendor_user_a))
    assert participation.state == ParticipationState.ACTIVE
    assert district_may_order(cast.district_a, agreement)
    with pytest.raises(ValidationError, match="already joined"):
        participation_join(district=cast.district_a, agreement=agreement, estimated_value=1,
                           mini_competition=competition, confirmed_steps=needs.confirmations, actor=buyer)


def test_join_above_the_limit_needs_the_approver(cast, awarded, agreements, general_offer):
    agreement = agreements[cast.vendor_a.pk]
    competition = decided_competition(cast, awarded, agreements, cast.vendor_a)
    needs = join_requirements(district=cast.district_a, agreement=agreement, annual_value=Decimal(90000))
    participation = participation_join(district=cast.district_a, agreement=agreement,
                                       estimated_value=90000, mini_competition=competition,
                                       confirmed_steps=needs.confirmations, actor=cast.actor(cast.buyer_a))
    assert participation.needs_approval
    with pytest.raises(ValidationError, match="approver must approve"):
        participation_countersign(participation=participation, actor=cast.actor(cast.vendor_user_a))
    with pytest.raises(PermissionDenied):
        participation_approve(participation=participation, actor=cast.actor(cast.buyer_a))
    participation_approve(participation=participation, actor=cast.actor(cast.approver_a))
    assert participation_countersign(participation=participation,
                                     actor=cast.actor(cast.vendor_user_a)).state == ParticipationState.ACTIVE


def test_join_is_refused_without_a_dpa_or_general_offer(cast, awarded, agreements):
    agreement = agreements[cast.vendor_b.pk]
    competition = decided_competition(cast, awarded, agreements, cast.vendor_b)
    with pytest.raises(ValidationError) as exc:
        participation_join(district=cast.district_a, agreement=agreement, estimated_value=1000,
                           mini_competition=competition, confirmed_steps=[], actor=cast.actor(cast.buyer_a))
    assert "Compliance blocks joining" in str(exc.value) and "data privacy agreement" in str(exc.value)
    assert not DataPrivacyAgreement.objects.filter(kind="joinder").exists()


def test_non_members_cannot_join(cast, awarded, agreements):
    from contracts.services.participation import participation_join as join
    from members.services import membership_suspend

    membership_suspend(membership=cast.membership_a, reason="dues",
                       actor=cast.actor(cast.staff))
    with pytest.raises(ValidationError, match="active members"):
        join(district=cast.district_a, agreement=agreements[cast.vendor_a.pk], estimated_value=1,
             actor=cast.actor(cast.buyer_a))
