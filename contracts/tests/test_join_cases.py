"""More ways of joining: a district that already holds a DPA with the vendor (no joinder), a
single-award agreement (no mini-competition), and a New York district refused on a multi-award
agreement (rule ny-piggyback-single-award), through the service and through the page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from audit.actions import AuditAction
from audit.models import AuditEvent
from compliance.models import DataPrivacyAgreement
from compliance.services.rules import rules_load
from contracts.models import ParticipationAgreement
from contracts.selectors.participation import district_may_order, join_requirements
from contracts.services.agreements import (agreement_activate, agreements_create_from_award,
                                           schedule_map_product)
from contracts.services.participation import (minicompetition_decide, minicompetition_start,
                                              participation_countersign, participation_join,
                                              quote_answer, quote_request)
from tests.helpers import make_product
from tests.helpers import decided_competition
from sourcing.services.awards import award_issue_notice
from sourcing.services.bids import bid_submit
from sourcing.services.evaluation import consensus_record
from sourcing.services.solicitations import (SolicitationContent, solicitation_create,
                                             solicitation_publish, solicitation_start_evaluation)
from catalog.services import category_ensure
from tests.cast import SYSTEM
from tests.helpers import NY_RULE, login, ny_evidence, own_dpa, products_of

@pytest.fixture
def single_award(cast, clock):
    """A final award of one line (LMS) to vendor A alone: a single-award agreement, active today."""
    rules_load(actor=SYSTEM)
    staff = cast.actor(cast.staff)
    category = category_ensure(code="lms", name="Learning platforms", actor=SYSTEM)
    now = clock.now()
    s = solicitation_create(content=SolicitationContent(
        title="Learning platform", description="", category=category,
        lines=[{"reference": "LMS", "description": "Platform licence", "unit": "student",
                "estimated_quantity": 9000}],
        requirements=[], criteria=[{"name": "Price", "weight": 60, "is_price": True},
                                   {"name": "Support", "weight": 40}], score_threshold=Decimal(10)),
        questions_deadline=now + dt.timedelta(days=1), bid_deadline=now + dt.timedelta(days=2),
        standstill_days=5, actor=staff)
    s = solicitation_publish(solicitation=s, actor=staff)
    bid_submit(solicitation=s, actor=cast.actor(cast.vendor_user_a), data={
        "lines": [{"line": "LMS", "tiers": [{"min_quantity": 1, "unit_price": "7.00"},
                                           {"min_quantity": 5000, "unit_price": "6.50"}]}],
        "attestations": {}})
    clock.set(s.bids_open_at)
    s = solicitation_start_evaluation(solicitation=s, actor=staff)
    consensus_record(solicitation=s, bid=s.bids.get(), criterion=s.criteria.get(name="Support"), points=8,
                     comment="ok", actor=staff)
    award = award_issue_notice(solicitation=s, rationale="Best value", actor=staff)
    clock.set(award.standstill_ends_at)
    [agreement] = agreements_create_from_award(solicitation=s, actor=staff)
    assert agreement.award_kind == "single_award"
    platform = make_product(cast.vendor_a, "Vendor A Platform", price="8.00", category_code="lms",
                            kind="software")
    schedule_map_product(agreement=agreement, line_reference="LMS", product=platform, actor=staff)
    return agreement_activate(agreement=agreement, start_date=timezone.localdate(), term_months=36,
                              renewal_options=2, renewal_months=12, vendor_signed_by="VP Sales",
                              consortium_signed_by="Board chair", actor=staff)


def test_join_with_a_dpa_already_held_makes_no_joinder(cast, awarded, agreements, general_offer):  # noqa: F811
    """District A signed its own California DPA with vendor A: although vendor A also has an open
    general offer (made with district B), joining adopts nothing and reports the DPA it holds."""
    agreement = agreements[cast.vendor_a.pk]
    held = own_dpa(cast.vendor_a, cast.district_a, products_of(agreement))
    needs = join_requirements(district=cast.district_a, agreement=agreement, annual_value=Decimal(20000))
    assert needs.offers_to_adopt == [] and not needs.blocked
    assert [d["id"] for d in needs.dpas_in_force] == [held.pk]
    assert needs.notes and all(f"covered by your DPA #{held.pk}" in note for note in needs.notes)
    competition = decided_competition(cast, awarded, agreements, cast.vendor_a)
    participation = participation_join(district=cast.district_a, agreement=agreement, estimated_value=20000,
                                       mini_competition=competition, confirmed_steps=needs.confirmations,
                                       actor=cast.actor(cast.buyer_a))
    assert participation.dpa_joinder is None
    assert not DataPrivacyAgreement.objects.filter(kind="joinder").exists()
    assert DataPrivacyAgreement.objects.filter(district=cast.district_a).count() == 1  # only its own
    event = AuditEvent.objects.get(action=AuditAction.PARTICIPATION_PREPARED)
    assert event.after["dpa_joinder"] is None and event.after["dpas_in_force"] == [held.pk]
    # the recorded decision for the software (the device collects no student data) names the DPA
    decision = participation.compliance_decisions.get(product__data_collected__icontains="student")
    evidence = [(e["kind"], e["id"]) for r in decision.reasons for e in r["evidence"]]
    assert ("dpa", held.pk) in evidence
    participation_countersign(participation=participation, actor=cast.actor(cast.vendor_user_a))
    assert district_may_order(cast.district_a, agreement)


def test_join_page_reports_the_dpa_already_held(client, cast, awarded, agreements):
    agreement = agreements[cast.vendor_a.pk]
    held = own_dpa(cast.vendor_a, cast.district_a, products_of(agreement))
    decided_competition(cast, awarded, agreements, cast.vendor_a)
    login(client, cast.buyer_a)
    page = client.get(f"/agreements/{agreement.pk}/join/").content.decode()
    assert "already holds a data privacy agreement" in page and f"DPA #{held.pk}" in page
    assert "adopts the vendor" not in page
    form = {"estimated_value": "20000"}
    form.update({f"step_{i}": "on" for i in range(page.count('name="step_'))})
    response = client.post(f"/agreements/{agreement.pk}/join/", form, follow=True)
    text = response.content.decode()
    assert "already covers it" in text and f"DPA #{held.pk}" in text
    assert ParticipationAgreement.objects.get().dpa_joinder is None


def test_single_award_join_needs_no_mini_competition(client, cast, single_award):
    agreement = single_award
    own_dpa(cast.vendor_a, cast.district_a, products_of(agreement))
    buyer = cast.actor(cast.buyer_a)
    with pytest.raises(ValidationError, match="multi-award solicitation"):
        minicompetition_start(district=cast.district_a, solicitation=agreement.solicitation,
                              quantities={"LMS": 100}, actor=buyer)
    login(client, cast.buyer_a)
    page = client.get(f"/agreements/{agreement.pk}/join/").content.decode()
    assert "Start a mini-competition" not in page and "Prepare the participation agreement" in page
    needs = join_requirements(district=cast.district_a, agreement=agreement, annual_value=Decimal(12000))
    assert not needs.blocked
    participation = participation_join(district=cast.district_a, agreement=agreement, estimated_value=12000,
                                       confirmed_steps=needs.confirmations, actor=buyer)
    assert participation.mini_competition is None and participation.state == "prepared"
    assert {d.award_kind for d in participation.compliance_decisions.all()} == {"single_award"}
    participation_countersign(participation=participation, actor=cast.actor(cast.vendor_user_a))
    assert district_may_order(cast.district_a, agreement)


def test_new_york_multi_award_is_a_step_to_verify_not_a_block(cast, awarded, agreements, ny):
    """New York's single-award rule (N.Y. Gen. Mun. Law 103(16)) is unverified (issue 15): it
    never blocks; the buyer must confirm having verified it, like any other step."""
    agreement = agreements[cast.vendor_a.pk]
    ny_evidence(ny, agreement)
    buyer = cast.actor(ny.buyer)
    needs = join_requirements(district=ny, agreement=agreement, annual_value=Decimal(20000))
    assert not needs.blocked
    verify = [c for c in needs.confirmations if NY_RULE in c]
    assert verify and all("Verify first (this rule is unverified)" in c for c in verify)
    assert all("only on single-award contracts" in c for c in verify)
    competition = minicompetition_start(district=ny, solicitation=awarded, quantities={"CB": 50}, actor=buyer)
    quote = quote_request(competition=competition, agreement=agreement, actor=buyer)
    quote_answer(quote=quote, quote_total=competition.scores.get(agreement=agreement).price_total,
                 implementation_plan="Ship in August", actor=cast.actor(cast.vendor_user_a))
    minicompetition_decide(competition=competition, agreement=agreement, reasons="Price", actor=buyer)
    # without confirming the step to verify: refused, nothing made
    others = [c for c in needs.confirmations if NY_RULE not in c]
    with pytest.raises(ValidationError):
        participation_join(district=ny, agreement=agreement, estimated_value=20000, mini_competition=competition,
                           confirmed_steps=others, actor=buyer)
    assert not ParticipationAgreement.objects.exists()
    participation = participation_join(district=ny, agreement=agreement, estimated_value=20000,
                                       mini_competition=competition, confirmed_steps=needs.confirmations,
                                       actor=buyer)
    assert participation.state in ("prepared", "awaiting_approval")


def test_new_york_district_may_join_a_single_award_agreement(cast, single_award, ny):
    ny_evidence(ny, single_award)
    needs = join_requirements(district=ny, agreement=single_award, annual_value=Decimal(9000))
    assert not needs.blocked
    participation = participation_join(district=ny, agreement=single_award, estimated_value=9000,
                                       confirmed_steps=needs.confirmations, actor=cast.actor(ny.buyer))
    assert participation.state == "prepared" and participation.mini_competition is None


def test_new_york_verify_step_through_the_page(client, cast, awarded, agreements, ny):
    agreement = agreements[cast.vendor_a.pk]
    ny_evidence(ny, agreement)
    login(client, ny.buyer)
    page = client.get(f"/agreements/{agreement.pk}/join/").content.decode()
    assert "Joining is blocked" not in page and NY_RULE in page
    assert "Verify first (this rule is unverified)" in page


def test_catalog_judges_each_agreement_under_its_own_kind(client, cast, awarded, agreements, single_award, ny):
    """A product on a multi-award and a single-award agreement: for a New York district the
    multi-award row needs a step (verify the unverified single-award rule) and the single-award
    row does not, and "can my district buy this?" answers for the better one (it used to judge
    every row as multi-award)."""
    from contracts.selectors.catalog import best_offer, catalog_items, catalog_search
    from contracts.services.agreements import amendment_decide, amendment_propose

    multi = agreements[cast.vendor_a.pk]
    product = products_of(multi)[0]
    staff = cast.actor(cast.staff)
    amendment = amendment_propose(agreement=single_award, kind="add_products", summary="Also the device",
                                  set_entries=[{"product": product.pk, "line_reference": "LMS",
                                                "tiers": [{"min_quantity": 1, "unit_price": "6.00"}]}],
                                  actor=staff)
    amendment_decide(amendment=amendment, approve=True, actor=staff)
    ny_evidence(ny, multi)
    ny_evidence(ny, single_award)
    items = catalog_items(list(catalog_search(product_id=product.pk)), district=ny)
    verdicts = {i.agreement.award_kind: i.verdict.verdict for i in items}
    assert verdicts["multi_award"] == "allowed_after_steps" and verdicts["single_award"] == "allowed"
    assert best_offer(items).agreement == single_award
    login(client, ny.buyer)
    page = client.get(f"/catalog/products/{product.pk}/").content.decode()
    assert f"Under {single_award.number} (single award)" in page
    detail = client.get(f"/api/v1/catalog/{product.pk}").json()
    assert detail["verdict"]["agreement"] == single_award.number and detail["verdict"]["verdict"] != "blocked"
