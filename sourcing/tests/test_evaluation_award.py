"""Scoring by formula and by committee, multi-award, the award notice, protests and finality."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from sourcing import selectors
from sourcing.lifecycle import effective_state
from sourcing.models import Protest
from sourcing.award_plans import award_plan
from sourcing.services.awards import award_issue_notice, protest_decide, protest_file
from sourcing.services.bids import bid_submit
from sourcing.services.evaluation import consensus_record, score_record
from sourcing.states import SolicitationState as S
from tests.helpers import bid_data


def by_vendor(evaluations):
    return {ev.bid.vendor_name: ev for ev in evaluations}


def test_price_is_scored_by_formula(cast, evaluating):
    evs = by_vendor(selectors.evaluation(solicitation=evaluating, actor=cast.actor(cast.staff)))
    a, b = evs["Vendor A, Inc."], evs["Vendor B LLC"]
    # 1,200 devices reach the 1,000+ tier: A 279.00, B 289.00; licences A 20.00, B 15.00.
    assert a.evaluated_total == Decimal("279.00") * 1200 + Decimal("20.00") * 1200
    assert b.evaluated_total == Decimal("289.00") * 1200 + Decimal("15.00") * 1200
    assert a.responsive and b.responsive
    # Both bids price every line, so totals compare: the lowest total (A, 358,800) gets the
    # whole price weight (40); B gets 40 x 358,800 / 364,800 = 39.342... -> 39.34.
    assert a.evaluated_total == Decimal("358800.00") and b.evaluated_total == Decimal("364800.00")
    assert a.price_score == Decimal("40.00")
    assert b.price_score == Decimal("39.34")
    assert a.price_rule == b.price_rule == "total"
    assert a.total_score is None and a.missing_consensus == ["Functionality", "Support"]


def test_missing_attestation_makes_a_bid_non_responsive(cast, open_solicitation, clock):
    bid_submit(solicitation=open_solicitation, data=bid_data(wcag=False),
               actor=cast.actor(cast.vendor_user_a))
    clock.set(open_solicitation.bids_open_at)
    ev = selectors.evaluation(solicitation=open_solicitation, actor=cast.actor(cast.staff))[0]
    assert not ev.responsive and ev.reasons == ["Did not attest: WCAG 2.1 AA conformance report provided"]
    assert ev.price_score == 0 and ev.total_score is None


def test_scores_need_a_signed_declaration_and_stay_independent(cast, evaluating):
    criterion = evaluating.criteria.get(name="Functionality")
    bid = evaluating.bids.get(vendor=cast.vendor_a)
    score_record(solicitation=evaluating, bid=bid, criterion=criterion, points="8.5",
                 comment="Strong management console", actor=cast.actor(cast.evaluator))
    with pytest.raises(ValidationError, match="0 to 10"):
        score_record(solicitation=evaluating, bid=bid, criterion=criterion, points=11,
                     actor=cast.actor(cast.evaluator))
    with pytest.raises(ValidationError, match="formula"):
        score_record(solicitation=evaluating, bid=bid, criterion=evaluating.criteria.get(is_price=True),
                     points=5, actor=cast.actor(cast.evaluator))
    with pytest.raises(PermissionDenied):  # not seated
        score_record(solicitation=evaluating, bid=bid, criterion=criterion, points=3,
                     actor=cast.actor(cast.multi, cast.district_b.organisation))
    ev = by_vendor(selectors.evaluation(solicitation=evaluating, actor=cast.actor(cast.staff)))
    assert ev["Vendor A, Inc."].evaluator_averages["Functionality"] == Decimal("8.50")


def _consensus(cast, solicitation, vendor, functionality, support):
    bid = solicitation.bids.get(vendor=vendor)
    for name, points in (("Functionality", functionality), ("Support", support)):
        consensus_record(solicitation=solicitation, bid=bid,
                         criterion=solicitation.criteria.get(name=name), points=points,
                         comment="Committee agreed", actor=cast.actor(cast.staff))


def test_multi_award_takes_every_responsive_bid_above_the_threshold(cast, evaluating, clock,
                                                                   django_capture_on_commit_callbacks):
    staff = cast.actor(cast.staff)
    assert "Consensus scores are missing" in award_plan(solicitation=evaluating, actor=staff).problems[0]
    _consensus(cast, evaluating, cast.vendor_a, 9, 8)   # 40ish + 31.5 + 20 -> above 60
    _consensus(cast, evaluating, cast.vendor_b, 2, 2)   # well below 60
    plan = award_plan(solicitation=evaluating, actor=staff)
    assert [w.vendor_name for w in plan.winners] == ["Vendor A, Inc."]
    with django_capture_on_commit_callbacks(execute=True):
        award = award_issue_notice(solicitation=evaluating, rationale="Best value", actor=staff)
    evaluating.refresh_from_db()
    assert evaluating.state == S.AWARD_NOTICE and award.version == 1
    assert award.standstill_ends_at == award.notice_published_at + dt.timedelta(days=7)
    # After the notice the tabulation is public record: lines and attestations, nothing else.
    public = selectors.tabulated_bids(solicitation=evaluating, actor=None)
    assert len(public) == 2 and all(set(b.content) == {"lines", "attestations"} for b in public)
    assert len(selectors.tabulation(solicitation=evaluating, actor=None)) == 2
    # The bids themselves (notes, salt, documents) stay with staff and the declared committee.
    for actor in (None, cast.actor(cast.buyer_a), cast.actor(cast.vendor_user_b)):
        with pytest.raises(PermissionDenied, match="evaluation committee only"):
            selectors.opened_bids(solicitation=evaluating, actor=actor)
    assert len(selectors.opened_bids(solicitation=evaluating, actor=cast.actor(cast.evaluator))) == 2
    # Final is derived from the clock: after the standstill with no open protest.
    assert effective_state(evaluating) == S.AWARD_NOTICE
    clock.set(award.standstill_ends_at)
    assert effective_state(evaluating) == S.AWARDED


def test_the_award_notice_needs_a_rationale_and_every_consensus_score(cast, evaluating):
    staff = cast.actor(cast.staff)
    _consensus(cast, evaluating, cast.vendor_a, 9, 8)
    bid_b = evaluating.bids.get(vendor=cast.vendor_b)
    consensus_record(solicitation=evaluating, bid=bid_b, criterion=evaluating.criteria.get(name="Support"),
                     points=2, comment="Committee agreed", actor=staff)
    with pytest.raises(ValidationError) as refused:
        award_issue_notice(solicitation=evaluating, rationale="Best value", actor=staff)
    assert f"Vendor B LLC (bid {bid_b.pk}): Functionality" in str(refused.value)
    assert "Vendor A" not in str(refused.value)
    _consensus(cast, evaluating, cast.vendor_b, 2, 2)
    for rationale in ("", "   "):
        with pytest.raises(ValidationError, match="rationale"):
            award_issue_notice(solicitation=evaluating, rationale=rationale, actor=staff)
    with pytest.raises(ValidationError):
        award_issue_notice(solicitation=evaluating, rationale="x" * 2001, actor=staff)
    evaluating.refresh_from_db()
    assert evaluating.state == S.UNDER_EVALUATION and not evaluating.awards.exists()
    award = award_issue_notice(solicitation=evaluating, rationale="  Best value  ", actor=staff)
    assert award.rationale == "Best value"


def test_protest_upheld_revises_the_award_and_denied_lets_it_stand(cast, evaluating, clock):
    staff = cast.actor(cast.staff)
    _consensus(cast, evaluating, cast.vendor_a, 9, 8)
    _consensus(cast, evaluating, cast.vendor_b, 2, 2)
    award = award_issue_notice(solicitation=evaluating, rationale="Best value", actor=staff)
    evaluating.refresh_from_db()
    with pytest.raises(PermissionDenied):
        protest_file(solicitation=evaluating, grounds="x", actor=cast.actor(cast.buyer_a))
    protest = protest_file(solicitation=evaluating, grounds="Support was under-scored",
                           actor=cast.actor(cast.vendor_user_b))
    clock.set(award.standstill_ends_at + dt.timedelta(days=1))
    assert effective_state(evaluating) == S.AWARD_NOTICE  # an open protest holds finality
    with pytest.raises(ValidationError, match="only during the standstill"):
        protest_file(solicitation=evaluating, grounds="late", actor=cast.actor(cast.vendor_user_b))
    protest_decide(protest=protest, upheld=True, reasons="Support scores were mis-recorded",
                   actor=staff)
    evaluating.refresh_from_db()
    assert evaluating.state == S.UNDER_EVALUATION
    award.refresh_from_db()
    assert award.superseded_at is not None
    _consensus(cast, evaluating, cast.vendor_b, 9, 9)
    second = award_issue_notice(solicitation=evaluating, rationale="Best value", actor=staff)
    evaluating.refresh_from_db()
    assert second.version == 2 and second.awarded_bids.count() == 2
    p2 = protest_file(solicitation=evaluating, grounds="Disagree", actor=cast.actor(cast.vendor_user_a))
    protest_decide(protest=p2, upheld=False, reasons="Scores are consistent", actor=staff)
    assert Protest.objects.get(pk=p2.pk).state == Protest.State.DENIED
    clock.set(second.standstill_ends_at)
    assert effective_state(evaluating) == S.AWARDED
