"""Table-driven verdicts per state rule (CA, NY, IL, TX and a state with no rules), the ADA Title II
date, expired evidence and adopted general offers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from compliance.selectors.verdicts import compliance_check
from compliance.services.evidence import dpa_joinder_adopt
from compliance.tests.conftest import (actor_of, add_attestation, add_dpa, add_vpat, make_district,
                                       make_product)

# (case, state, product, evidence, award_kind, annual_value, verdict, main rule id, text in summary)
# product: "kids" = K-5 software collecting data, "teens" = 9-12 software collecting data,
#          "nodata" = 9-12 software collecting nothing
# evidence: own = own DPA in force, offer = another district's general offer, lapsed = own DPA
#           expired, vpat, coppa, nist = NIST CSF attestation
CASES = [
    ("CA no DPA", "CA", "teens", {"vpat"}, None, None, "blocked", "ca-ab1584", "vendor must sign one"),
    ("CA own DPA", "CA", "teens", {"own", "vpat"}, None, None, "allowed_after_steps", "ca-pcc-20118",
     "Board finding of best interest required by Cal. Pub. Contract Code 20118"),
    ("CA general offer", "CA", "teens", {"offer", "vpat"}, None, None, "allowed_after_steps", "ca-ab1584",
     "Adopt the vendor's general offer for CA: one-click joinder"),
    ("CA expired DPA", "CA", "teens", {"lapsed", "vpat"}, None, None, "blocked", "ca-ab1584", "has expired"),
    ("CA expired DPA, offer open", "CA", "teens", {"lapsed", "offer", "vpat"}, None, None,
     "allowed_after_steps", "ca-ab1584", "general offer"),
    ("CA no student data", "CA", "nodata", {"vpat"}, None, None, "allowed_after_steps", "ca-pcc-20118", "Board finding"),
    ("CA kids without COPPA", "CA", "kids", {"own", "vpat"}, None, None, "blocked", "us-coppa-2025",
     "the vendor must supply its COPPA attestation"),
    # New York's single-award rule is unverified (issue 15): a step "verify first", never a block
    ("NY multi-award", "NY", "teens", {"own", "vpat", "nist"}, "multi_award", None, "allowed_after_steps",
     "ny-piggyback-single-award", "Verify first (this rule is unverified): NY allows piggybacking only on single-award"),
    ("NY single-award", "NY", "teens", {"own", "vpat", "nist"}, "single_award", None, "allowed", "", "All applicable rules are met"),
    ("NY award kind unknown", "NY", "teens", {"own", "vpat", "nist"}, None, None, "allowed_after_steps",
     "ny-piggyback-single-award", "Use a single-award contract"),
    ("NY without NIST CSF", "NY", "teens", {"own", "vpat"}, "single_award", None, "blocked", "ny-ed-law-2d", "NIST CSF"),
    ("NY no DPA", "NY", "teens", {"vpat", "nist"}, "single_award", None, "blocked", "ny-ed-law-2d", "No data privacy agreement for NY"),
    ("IL own DPA", "IL", "teens", {"own", "vpat"}, None, None, "allowed", "", "All applicable"),
    ("IL no DPA", "IL", "teens", {"vpat"}, None, None, "blocked", "il-soppa", "No data privacy agreement for IL"),
    ("TX no DPA needed, above threshold", "TX", "teens", {"vpat"}, None, "150000", "allowed", "", "All applicable"),
    ("TX below threshold", "TX", "teens", {"vpat"}, None, "60000", "allowed", "", ""),
    ("WY no state rules", "WY", "teens", {"vpat"}, None, None, "not_researched", "", "not been researched"),
    ("WY kids without COPPA", "WY", "kids", {"vpat"}, None, None, "blocked", "us-coppa-2025", "COPPA"),
    ("WY kids with COPPA", "WY", "kids", {"vpat", "coppa"}, None, None, "not_researched", "", "not been researched"),
]
PRODUCTS = {"kids": dict(bands=("K-2", "3-5")), "teens": dict(bands=("9-12",)),
            "nodata": dict(bands=("9-12",), data=())}


@pytest.mark.parametrize("case,state,kind,evidence,award_kind,value,verdict,main,text", CASES,
                         ids=[c[0] for c in CASES])
def test_state_rules(cast, rules, case, state, kind, evidence, award_kind, value, verdict, main, text):
    district = make_district("Asked Unified", state, "100", population=20000)
    other = make_district("Offering Unified", state, "200")
    product = make_product(cast.vendor_a, **PRODUCTS[kind])
    if "own" in evidence:
        add_dpa(cast.vendor_a, district, [product])
    if "lapsed" in evidence:
        add_dpa(cast.vendor_a, district, [product], signed=-800, expires=-10)
    if "offer" in evidence:
        add_dpa(cast.vendor_a, other, [product], offer=True)
    if "vpat" in evidence:
        add_vpat(product)
    if "coppa" in evidence:
        add_attestation(cast.vendor_a, "coppa")
    if "nist" in evidence:
        add_attestation(cast.vendor_a, "nist_csf")
    result = compliance_check(district=district, product=product, award_kind=award_kind,
                              annual_value=value)
    v = result.verdict
    assert v.verdict == verdict, [(r.effect, r.rule_id, r.summary) for r in v.reasons]
    assert ((v.main.rule_id or "") if v.main else "") == main
    assert text in v.summary
    for reason in v.reasons:
        if reason.rule_id:
            assert reason.citation and reason.version >= 1 and reason.version_id


def test_every_reason_names_rule_version_and_evidence(cast, rules):
    product = make_product(cast.vendor_a)
    offer = add_dpa(cast.vendor_a, cast.district_b, [product], offer=True)
    v = compliance_check(district=cast.district_a, product=product).verdict
    privacy = next(r for r in v.reasons if r.rule_id == "ca-ab1584")
    assert privacy.effect == "step" and privacy.citation == "Cal. Ed. Code 49073.1 (AB 1584)"
    assert privacy.version == 1
    assert [e.id for e in privacy.evidence] == [offer.pk] and "Beta Unified" in privacy.evidence[0].label
    assert privacy.missing == ["signed DPA for CA"]
    ada = next(r for r in v.reasons if r.rule_id == "us-ada-title-ii-web")
    assert ada.missing == ["WCAG 2.1 AA conformance report"]


@pytest.mark.parametrize("population,enrollment,expected,basis", [
    (120000, 900, dt.date(2027, 4, 26), "population"),
    (30000, 90000, dt.date(2028, 4, 26), "population"),
    (None, 12000, dt.date(2027, 4, 26), "enrollment_estimate"),   # ~82,000 residents
    (None, 3400, dt.date(2028, 4, 26), "enrollment_estimate"),    # ~23,000 residents
    (None, None, dt.date(2027, 4, 26), "assumed (population unknown)"),
])
def test_ada_title_ii_date(cast, rules, population, enrollment, expected, basis):
    district = make_district("Sized Unified", "WY", "300", population=population, enrollment=enrollment)
    v = compliance_check(district=district, product=make_product(cast.vendor_a)).verdict
    assert v.ada_date == expected and v.ada_basis == basis


def test_missing_vpat_is_flagged_near_and_blocks_after_the_date(cast, rules, clock):
    big = make_district("Big Unified", "WY", "400", population=80000)
    product = make_product(cast.vendor_a, bands=("9-12",))
    clock.set(dt.datetime(2025, 1, 10, 12, tzinfo=dt.timezone.utc))
    ada = lambda: next(r for r in compliance_check(district=big, product=product).verdict.reasons
                       if r.rule_id == "us-ada-title-ii-web")
    assert ada().effect == "note"  # more than a year before 2027-04-26
    clock.set(dt.datetime(2026, 12, 1, 12, tzinfo=dt.timezone.utc))
    assert ada().effect == "step" and "before 2027-04-26" in ada().summary
    clock.set(dt.datetime(2027, 5, 1, 12, tzinfo=dt.timezone.utc))
    assert ada().effect == "block"
    assert compliance_check(district=big, product=product).verdict.verdict == "blocked"


def test_expired_vpat_counts_as_missing_and_is_named(cast, rules, clock):
    product = make_product(cast.vendor_a, bands=("9-12",))
    report = add_vpat(product, dated=-400, expires=-5)
    district = make_district("Late Unified", "WY", "500", population=80000)
    clock.set(dt.datetime(2027, 6, 1, 12, tzinfo=dt.timezone.utc))
    reason = next(r for r in compliance_check(district=district, product=product).verdict.reasons
                  if r.rule_id == "us-ada-title-ii-web")
    assert reason.effect == "block" and "the last one expired" in reason.summary
    assert reason.evidence[0].id == report.pk and reason.evidence[0].status == "expired"


def test_lower_level_report_does_not_satisfy(cast, rules):
    product = make_product(cast.vendor_a, bands=("9-12",))
    add_vpat(product, standard="WCAG 2.0", level="AA")
    add_vpat(product, standard="WCAG 2.2", level="A")
    reason = next(r for r in compliance_check(district=cast.district_a, product=product).verdict.reasons
                  if r.rule_id == "us-ada-title-ii-web")
    assert reason.effect != "satisfied" and "lower standard or level" in reason.summary
    add_vpat(product, standard="WCAG 2.2", level="AA")
    reason = next(r for r in compliance_check(district=cast.district_a, product=product).verdict.reasons
                  if r.rule_id == "us-ada-title-ii-web")
    assert reason.effect == "satisfied"


def test_adopting_a_general_offer_makes_the_privacy_rule_satisfied(cast, rules):
    product = make_product(cast.vendor_a, bands=("9-12",))
    add_vpat(product)
    offer = add_dpa(cast.vendor_a, cast.district_b, [product], offer=True, expires=300)
    before = compliance_check(district=cast.district_a, product=product).verdict
    assert before.main.rule_id == "ca-ab1584" and before.main.effect == "step"
    joinder = dpa_joinder_adopt(district=cast.district_a, dpa=offer, actor=actor_of(cast.buyer_a))
    assert joinder.kind == "joinder" and joinder.offer_id == offer.pk and joinder.state == "CA"
    assert list(joinder.products.all()) == [product] and joinder.expires_on == offer.expires_on
    after = compliance_check(district=cast.district_a, product=product).verdict
    privacy = next(r for r in after.reasons if r.rule_id == "ca-ab1584")
    assert privacy.effect == "satisfied" and privacy.evidence[0].kind == "joinder"
    assert after.main.rule_id == "ca-pcc-20118"  # only the board finding is left
    from audit.actions import AuditAction
    from audit.models import AuditEvent
    assert AuditEvent.objects.filter(action=AuditAction.DPA_JOINDER_ADOPTED, object_id=str(joinder.pk)).exists()


def test_joinder_rules(cast, rules, clock):
    product = make_product(cast.vendor_a)
    offer = add_dpa(cast.vendor_a, cast.district_b, [product], offer=True, until=30)
    plain = add_dpa(cast.vendor_a, cast.district_b, [product])
    with pytest.raises(PermissionDenied):
        dpa_joinder_adopt(district=cast.district_a, dpa=offer, actor=actor_of(cast.buyer_b))
    with pytest.raises(PermissionDenied):
        dpa_joinder_adopt(district=cast.district_a, dpa=offer, actor=actor_of(cast.vendor_user_a))
    with pytest.raises(ValidationError, match="no general offer"):
        dpa_joinder_adopt(district=cast.district_a, dpa=plain, actor=actor_of(cast.buyer_a))
    with pytest.raises(ValidationError, match="signed this agreement itself"):
        dpa_joinder_adopt(district=cast.district_b, dpa=offer, actor=actor_of(cast.buyer_b))
    texan = make_district("Lone Star ISD", "TX", "600")
    from tests.cast import SYSTEM
    with pytest.raises(ValidationError, match="only districts in CA"):
        dpa_joinder_adopt(district=texan, dpa=offer, actor=SYSTEM)
    clock.advance(days=31)
    with pytest.raises(ValidationError, match="closed"):
        dpa_joinder_adopt(district=cast.district_a, dpa=offer, actor=actor_of(cast.approver_a))
    clock.advance(days=-31)
    dpa_joinder_adopt(district=cast.district_a, dpa=offer, actor=actor_of(cast.approver_a))
    with pytest.raises(ValidationError, match="already adopted"):
        dpa_joinder_adopt(district=cast.district_a, dpa=offer, actor=actor_of(cast.buyer_a))


def test_membership_rule(cast, rules):
    product = make_product(cast.vendor_a)
    outsider = make_district("Outsider Unified", "CA", "700", member=False)
    v = compliance_check(district=outsider, product=product).verdict
    membership = next(r for r in v.reasons if r.rule_id == "edpool-membership")
    assert membership.effect == "step" and "apply for membership" in membership.summary
    cast.membership_a.state = "suspended"
    cast.membership_a.save()
    v = compliance_check(district=cast.district_a, product=product).verdict
    assert v.verdict == "blocked" and v.main.rule_id == "edpool-membership"


def test_unverified_rules_never_block(cast, rules):
    """Virginia's rule is unverified; a block from it would become a step. Here: its text says
    no written agreement is needed, so it is satisfied; the engine's downgrade is tested on a
    synthetic rule."""
    from compliance.engine.facts import CheckRequest, DistrictFacts, PrivacyFacts, ProductFacts, RuleFacts
    from compliance.engine.verdict import evaluate

    rule = RuleFacts(version_id=1, rule_id="xx-test", number=1, jurisdiction="VA",
                     jurisdiction_kind="state", kind="privacy_agreement", title="t", citation="c",
                     sureness="unverified", applies_if={}, requires={"written_agreement": True})
    district = DistrictFacts(None, "d", "VA", "active", None, "unknown")
    product = ProductFacts(1, "p", 1, "v", "software", ("9-12",), ("assessment",))
    v = evaluate([rule], district, product, PrivacyFacts(), CheckRequest(on_date=dt.date(2026, 1, 1)))
    ours = next(r for r in v.reasons if r.rule_id == "xx-test")
    assert ours.effect == "step" and ours.summary.startswith("Verify first") and not v.blocks
    # only unverified rules of its own: the state counts as not researched
    assert v.verdict == "not_researched"
    sourced = RuleFacts(version_id=2, rule_id="xx-sourced", number=1, jurisdiction="VA",
                        jurisdiction_kind="state", kind="notice", title="n", citation="c",
                        sureness="secondary", applies_if={}, requires={"text": "A notice."})
    v = evaluate([rule, sourced], district, product, PrivacyFacts(), CheckRequest(on_date=dt.date(2026, 1, 1)))
    assert v.verdict == "allowed_after_steps"


def test_a_recorded_board_finding_satisfies_the_rule_that_requires_one():
    """Pure engine: California's piggyback rule asks for a board finding (a step) until the
    request says the district has recorded one for the contract; then it is satisfied, naming it."""
    from compliance.engine.facts import CheckRequest, DistrictFacts, PrivacyFacts, ProductFacts, RuleFacts
    from compliance.engine.verdict import evaluate

    rule = RuleFacts(version_id=1, rule_id="xx-finding", number=1, jurisdiction="CA",
                     jurisdiction_kind="state", kind="procurement", title="Piggyback",
                     citation="Cal. Pub. Contract Code 20118", sureness="verified", applies_if={},
                     requires={"piggyback_allowed": True, "board_finding_required": True})
    district = DistrictFacts(1, "d", "CA", "active", None, "unknown")
    product = ProductFacts(1, "p", 1, "v", "device", ("9-12",), ())
    on = dt.date(2026, 1, 1)
    without = evaluate([rule], district, product, PrivacyFacts(), CheckRequest(on_date=on))
    assert without.verdict == "allowed_after_steps" and without.reasons[0].effect == "step"
    assert without.reasons[0].summary.startswith("Board finding of best interest required")
    found = evaluate([rule], district, product, PrivacyFacts(),
                     CheckRequest(on_date=on, board_finding_recorded=True,
                                  board_finding_label="Resolution 2025-14, 2025-12-01"))
    assert found.verdict == "allowed" and found.reasons[0].effect == "satisfied"
    assert "Resolution 2025-14, 2025-12-01" in found.reasons[0].summary
    assert "Cal. Pub. Contract Code 20118" in found.reasons[0].summary
    bare = evaluate([rule], district, product, PrivacyFacts(),
                    CheckRequest(on_date=on, board_finding_recorded=True))
    assert bare.verdict == "allowed" and "()" not in bare.reasons[0].summary


def test_rule_versions_naming_the_old_product_kinds_apply_to_their_family():
    """A rule version loaded before kinds became families (software_per_student ...) still
    applies to software; one naming the families applies to exactly those."""
    from compliance.engine.facts import ProductFacts, RuleFacts
    from compliance.engine.verdict import applies

    def rule(kinds):
        return RuleFacts(version_id=1, rule_id="xx-kinds", number=1, jurisdiction="US",
                         jurisdiction_kind="federal", kind="notice", title="t", citation="c",
                         sureness="verified", applies_if={"product_kinds": kinds}, requires={"text": "t"})

    software, content, device = (ProductFacts(1, "p", 1, "v", kind, ("9-12",), ()) for kind in ("software", "content", "device"))
    old = rule(["software_per_student", "software_per_site", "service"])
    assert applies(old, software) and not applies(old, content) and not applies(old, device)
    new = rule(["software", "content", "service"])
    assert applies(new, software) and applies(new, content) and not applies(new, device)


def test_texas_threshold_rose_to_100000_on_2025_09_01(cast, rules):
    """SB 1173 (2025): Texas' competitive-procurement threshold is $50,000 a year for purchases before
    2025-09-01 and $100,000 from that day (compliance/data/SOURCES.md)."""
    district = make_district("Lone Star ISD", "TX", "600")
    product = make_product(cast.vendor_a, bands=("9-12",))

    def threshold_reason(day):
        verdict = compliance_check(district=district, product=product, annual_value="75000", on_date=day).verdict
        return next(r for r in verdict.reasons if r.rule_id == "tx-educ-44-031")

    before = threshold_reason(dt.date(2025, 8, 31))
    after = threshold_reason(dt.date(2025, 9, 1))
    assert "Above the $50,000 a year threshold" in before.summary
    assert "Below the $100,000 a year competitive threshold" in after.summary
    assert before.version_id != after.version_id
