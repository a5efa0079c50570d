"""Issue 15, the verdict defects: a state without researched rules says "Not researched" (never
"Allowed") everywhere; evidence counts on its last valid day (inclusive dates) for every kind;
missing COPPA evidence blocks; New York's unverified piggyback rule never blocks."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from compliance.engine.facts import CheckRequest, DistrictFacts, PrivacyFacts, ProductFacts, RuleFacts
from compliance.engine.verdict import evaluate
from compliance.models import ComplianceDecision
from compliance.selectors.verdicts import compliance_check, compliance_matrix
from compliance.services.decisions import compliance_decision_record
from compliance.tests.conftest import (add_attestation, add_dpa, add_vpat, days, make_district,
                                       make_product)
from compliance.tests.test_pages import login
from tests.cast import SYSTEM
from tests.helpers import token as bearer

# --- 1. Not researched ------------------------------------------------------------------------


def test_a_state_without_rules_is_not_researched_never_allowed(cast, rules):
    wy = make_district("Cowboy County SD", "WY", "100", population=20000)
    product = make_product(cast.vendor_a, bands=("9-12",))
    add_vpat(product)
    v = compliance_check(district=wy, product=product).verdict
    assert v.verdict == "not_researched", [(r.effect, r.rule_id, r.summary) for r in v.reasons]
    assert "not been researched" in v.summary and "All applicable rules are met" not in v.summary
    assert v.main.rule_id is None and v.main.jurisdiction == "WY"
    # a federal block still blocks: not researched never hides a known block
    kids = make_product(cast.vendor_a, name="Kids app", bands=("K-2",))
    add_vpat(kids)
    assert compliance_check(district=wy, product=kids).verdict.verdict == "blocked"
    # a researched state with everything in place is still allowed
    il = make_district("Prairie CUSD", "IL", "100")
    add_dpa(cast.vendor_a, il, [product])
    assert compliance_check(district=il, product=product).verdict.verdict == "allowed"
    # recorded as such, with its label
    decision = compliance_decision_record(district=wy, product=product, purpose="PO 1",
                                          actor=SYSTEM)
    assert decision.verdict == "not_researched"
    assert decision.get_verdict_display() == "Not researched"


def test_matrix_api_csv_and_pages_say_not_researched(client, cast, rules):
    product = make_product(cast.vendor_a, bands=("9-12",))
    add_vpat(product)
    il = make_district("Prairie CUSD", "IL", "100")
    add_dpa(cast.vendor_a, il, [product])
    matrix = compliance_matrix(products=type(product).objects.filter(pk=product.pk),
                               states=["WY", "AL", "IL"])
    cells = {s: c for s, c in zip(matrix.states, matrix.rows[0][1])}
    assert cells["WY"].verdict == cells["AL"].verdict == "not_researched"
    assert cells["WY"].label == "Not researched"
    assert "All applicable rules are met" not in cells["WY"].summary
    assert cells["IL"].verdict == "blocked"  # a generic IL member holds no DPA

    staff = bearer(cast.staff)
    body = client.get("/api/v1/compliance/matrix?states=WY,AL", **staff).json()
    assert [c["verdict"] for c in body["rows"][0]["cells"]] == ["not_researched", "not_researched"]
    wy = make_district("Cowboy County SD", "WY", "100")
    check = client.get(f"/api/v1/compliance/check?product={product.pk}&district={wy.pk}", **staff).json()
    assert check["verdict"] == "not_researched" and check["steps"]

    login(client, cast.staff)
    rows = list(csv.DictReader(io.StringIO(b"".join(
        client.get("/compliance/matrix.csv?states=WY,IL").streaming_content).decode())))
    by_state = {r["state"]: r for r in rows}
    assert by_state["WY"]["verdict"] == "not_researched"
    assert "All applicable rules are met" not in by_state["WY"]["main_reason"]
    page = client.get("/compliance/matrix/?states=WY,IL").content.decode()
    assert "Not researched" in page
    check_page = client.get(f"/compliance/check/?district=Cowboy+County+SD&product={product.pk}").content.decode()
    assert "Not researched" in check_page and "not_researched" not in check_page.replace(
        "verdict-not_researched", "")


def test_the_rules_page_states_coverage_honestly(client, cast, rules):
    login(client, cast.staff)
    page = client.get("/compliance/rules/").content.decode()
    assert "every state and DC" not in page
    assert "Rules researched for 15 of 51 states" in page
    coverage = page[page.index('id="coverage"'):page.index("Which states have rules</caption>") + 2000]
    assert "Not researched (36)" in coverage and "Wyoming" in coverage and "Alabama" in coverage
    wy = client.get("/compliance/rules/?jurisdiction=WY").content.decode()
    assert "not researched" in wy


# --- 4. Dates are inclusive for every evidence kind --------------------------------------------


def _effect(district, product, rule_id, on):
    v = compliance_check(district=district, product=product, on_date=on).verdict
    return next(r for r in v.reasons if r.rule_id == rule_id).effect


def test_vpat_counts_on_its_valid_until_day_and_not_after(cast, rules):
    big = make_district("Big Unified", "WY", "400", population=80000)
    product = make_product(cast.vendor_a, bands=("9-12",))
    report = add_vpat(product, dated=-30, expires=10)
    last = days(10)
    assert report.in_force_on(last) and report.status_on(last) == "in force"
    assert not report.in_force_on(last + dt.timedelta(days=1))
    assert report.status_on(last + dt.timedelta(days=1)) == "expired"
    assert _effect(big, product, "us-ada-title-ii-web", last) == "satisfied"
    # the day after: missing; 2027-04-26 has passed for a big district by then? only if so
    after = _effect(big, product, "us-ada-title-ii-web", last + dt.timedelta(days=1))
    assert after in ("note", "step", "block")


def test_vpat_without_expiry_counts_two_years_inclusive(cast, rules):
    product = make_product(cast.vendor_a, bands=("9-12",))
    report = add_vpat(product, dated=-30)
    assert report.in_force_on(report.valid_until)
    assert not report.in_force_on(report.valid_until + dt.timedelta(days=1))


def test_attestation_counts_on_its_valid_until_day_and_not_after(cast, rules):
    wy = make_district("Cowboy County SD", "WY", "100", population=20000)
    kids = make_product(cast.vendor_a, bands=("K-2",))
    coppa = add_attestation(cast.vendor_a, "coppa", dated=-30, expires=10)
    last = days(10)
    assert coppa.in_force_on(last) and coppa.status_on(last) == "in force"
    assert coppa.status_on(last + dt.timedelta(days=1)) == "expired"
    assert _effect(wy, kids, "us-coppa-2025", last) == "satisfied"
    assert _effect(wy, kids, "us-coppa-2025", last + dt.timedelta(days=1)) == "block"


def test_dpa_and_joinder_count_until_the_day_before_expires_on(cast, rules):
    """A DPA's `expires_on` is the first day it no longer applies (labelled so): its last valid
    day is the day before; a joinder ends with the agreement it adopted."""
    from compliance.services.evidence import dpa_joinder_adopt

    product = make_product(cast.vendor_a, bands=("9-12",))
    own = add_dpa(cast.vendor_a, cast.district_a, [product], expires=10)
    last = days(9)
    assert own.in_force_on(last) and not own.in_force_on(days(10))
    assert _effect(cast.district_a, product, "ca-ab1584", last) == "satisfied"
    assert _effect(cast.district_a, product, "ca-ab1584", days(10)) == "block"
    offer = add_dpa(cast.vendor_a, cast.district_b, [product], offer=True, expires=20)
    third = make_district("Third Unified", "CA", "300")
    joinder = dpa_joinder_adopt(district=third, dpa=offer, actor=SYSTEM)
    assert _effect(third, product, "ca-ab1584", days(19)) == "satisfied"
    assert joinder.in_force_on(days(19)) and not joinder.in_force_on(days(20))
    assert _effect(third, product, "ca-ab1584", days(20)) == "block"


# --- 6. Missing COPPA evidence blocks -----------------------------------------------------------


def test_missing_coppa_attestation_blocks_from_its_compliance_date(cast, rules, clock):
    il = make_district("Prairie CUSD", "IL", "100")
    kids = make_product(cast.vendor_a, bands=("K-2", "3-5"))
    add_dpa(cast.vendor_a, il, [kids])
    add_vpat(kids)
    v = compliance_check(district=il, product=kids).verdict
    assert v.verdict == "blocked" and v.main.rule_id == "us-coppa-2025"
    assert v.main.missing == ["COPPA attestation"] and "vendor must supply" in v.main.summary
    before = compliance_check(district=il, product=kids, on_date=dt.date(2026, 4, 21)).verdict
    coppa = next(r for r in before.reasons if r.rule_id == "us-coppa-2025")
    assert coppa.effect == "note"  # before 2026-04-22 the obligations do not apply yet
    add_attestation(cast.vendor_a, "coppa")
    assert compliance_check(district=il, product=kids).verdict.verdict == "allowed"


def test_the_coppa_rule_data_and_the_engine_agree():
    """The data says COPPA is vendor evidence (kind attestation); the engine blocks every missing
    piece of vendor evidence once it is due, whatever the rule (unless unverified)."""
    rule = RuleFacts(version_id=1, rule_id="us-coppa-2025", number=1, jurisdiction="US",
                     jurisdiction_kind="federal", kind="attestation", title="COPPA",
                     citation="16 CFR 312", sureness="secondary", applies_if={},
                     requires={"attestation": "coppa", "compliance_date": "2026-04-22"})
    district = DistrictFacts(None, "d", "US", "active", None, "unknown")
    product = ProductFacts(1, "p", 1, "v", "software_per_student", ("K-2",), ("assessment",))
    v = evaluate([rule], district, product, PrivacyFacts(), CheckRequest(on_date=dt.date(2026, 5, 1)))
    assert v.reasons[0].effect == "block"
    unsure = RuleFacts(**{**rule.__dict__, "sureness": "unverified"})
    v = evaluate([unsure], district, product, PrivacyFacts(), CheckRequest(on_date=dt.date(2026, 5, 1)))
    assert v.reasons[0].effect == "step" and v.reasons[0].summary.startswith("Verify first")


# --- 7. New York's piggyback rule is unverified and never blocks -------------------------------


def test_ny_piggyback_rule_is_unverified_and_only_a_step(cast, rules):
    from compliance.models import RuleVersion

    version = RuleVersion.objects.get(rule__rule_id="ny-piggyback-single-award", retired_at__isnull=True)
    assert version.sureness == "unverified"
    ny = make_district("Empire CSD", "NY", "100")
    product = make_product(cast.vendor_a, bands=("9-12",))
    add_dpa(cast.vendor_a, ny, [product])
    add_vpat(product)
    add_attestation(cast.vendor_a, "nist_csf")
    v = compliance_check(district=ny, product=product, award_kind="multi_award").verdict
    assert v.verdict == "allowed_after_steps", [(r.effect, r.rule_id) for r in v.reasons]
    assert v.main.rule_id == "ny-piggyback-single-award"
    assert v.main.summary.startswith("Verify first (this rule is unverified)")
    assert not v.blocks


@pytest.mark.parametrize("sureness,effect", [("verified", "block"), ("secondary", "block"),
                                             ("unverified", "step")])
def test_unverified_rules_never_block_any_kind(sureness, effect):
    district = DistrictFacts(None, "d", "NY", "active", None, "unknown")
    product = ProductFacts(1, "p", 1, "v", "software_per_student", ("9-12",), ("assessment",))
    rule = RuleFacts(version_id=1, rule_id="ny-x", number=1, jurisdiction="NY",
                     jurisdiction_kind="state", kind="procurement", title="t", citation="c",
                     sureness=sureness, applies_if={},
                     requires={"piggyback_allowed": True, "piggyback_only_single_award": True})
    v = evaluate([rule], district, product, PrivacyFacts(),
                 CheckRequest(on_date=dt.date(2026, 1, 1), award_kind="multi_award"))
    assert v.reasons[0].effect == effect
    assert v.verdict == ("blocked" if effect == "block" else "allowed_after_steps")


def test_decision_verdict_choices_include_not_researched():
    assert "not_researched" in ComplianceDecision.Verdict.values
