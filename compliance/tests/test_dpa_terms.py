"""Issue 15, required DPA terms as checklists: every term a rule requires has a human label,
the model table covers each state's required terms, a DPA following its state's model (or
listing every term) passes, and one missing a term is named in the verdict and blocks."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from django.core.exceptions import ValidationError

from compliance.engine.dpa_terms import DPA_MODELS, TERM_LABELS, state_model, term_label
from compliance.selectors.verdicts import compliance_check
from compliance.services.evidence import dpa_create
from compliance.tests.conftest import add_dpa, add_vpat, make_district, make_product
from tests.cast import SYSTEM
from tests.helpers import pdf

RULES = Path(__file__).resolve().parents[1] / "data" / "rules"


def _required_terms() -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for path in RULES.glob("*.yaml"):
        for j in yaml.safe_load(path.read_text())["jurisdictions"]:
            for rule in j.get("rules", []):
                if rule["kind"] == "privacy_agreement" and (rule.get("requires") or {}).get("terms"):
                    out.setdefault(j["code"], set()).update(rule["requires"]["terms"])
    return out


def test_every_required_term_has_a_human_label():
    required = _required_terms()
    assert {"CA", "NY", "CT", "IL"} <= set(required)
    for state, terms in required.items():
        for code in terms:
            assert code in TERM_LABELS, (state, code)
            label = TERM_LABELS[code]
            assert "_" not in label and "\x00" not in label and label.strip() == label, label


def test_the_model_table_covers_each_states_required_terms():
    for state, terms in _required_terms().items():
        model = state_model(state)
        assert model, f"no NDPA model for {state}"
        label, model_state, covered = DPA_MODELS[model]
        assert model_state == state and state_label_ok(label)
        assert terms <= covered, (state, terms - covered)


def state_label_ok(label: str) -> bool:
    return label.startswith("NDPA v2 with the ") and "exhibit" in label


def _ca(cast):
    district = make_district("Redwood USD", "CA", "201")
    product = make_product(cast.vendor_a, bands=("9-12",))
    add_vpat(product)
    return district, product


def test_a_dpa_following_the_state_model_passes(cast, rules):
    district, product = _ca(cast)
    dpa = add_dpa(cast.vendor_a, district, [product])
    assert dpa.terms_model == "ndpa_v2_ca"
    v = compliance_check(district=district, product=product).verdict
    privacy = [r for r in v.reasons if r.rule_id == "ca-ab1584"][0]
    assert privacy.effect == "satisfied", privacy.summary


def test_a_dpa_missing_terms_names_them_and_blocks(cast, rules):
    district, product = _ca(cast)
    all_but_two = [t for t in DPA_MODELS["ndpa_v2_ca"][2]
                   if t not in ("parent_review_and_correction", "joint_ferpa_compliance")]
    add_dpa(cast.vendor_a, district, [product], template="vendor", terms_included=all_but_two)
    v = compliance_check(district=district, product=product).verdict
    privacy = [r for r in v.reasons if r.rule_id == "ca-ab1584"][0]
    assert privacy.effect == "block"
    assert "The DPA lacks:" in privacy.summary
    assert "parent review and correction" in privacy.summary
    assert "joint FERPA compliance" in privacy.summary
    assert "no targeted advertising" not in privacy.summary
    assert v.verdict == "blocked"


def test_a_vendor_paper_listing_every_term_passes(cast, rules):
    district, product = _ca(cast)
    add_dpa(cast.vendor_a, district, [product], template="vendor",
            terms_included=sorted(DPA_MODELS["ndpa_v2_ca"][2]))
    v = compliance_check(district=district, product=product).verdict
    assert [r for r in v.reasons if r.rule_id == "ca-ab1584"][0].effect == "satisfied"


def test_another_states_model_covers_nothing_and_bad_codes_are_refused(cast, rules):
    district, product = _ca(cast)
    for kwargs, field in (({"terms_model": "ndpa_v2_ny"}, "terms_model"),
                          ({"terms_model": "nope"}, "terms_model"),
                          ({"terms_included": ["made_up\x00"]}, "terms_included")):
        with pytest.raises(ValidationError) as e:
            dpa_create(vendor=cast.vendor_a, district=district, template="vendor", signed_on=product.created_at.date(),
                       products=[product], document=pdf(), actor=SYSTEM, **kwargs)
        assert field in e.value.message_dict
    assert not district.dpas.exists()


def test_term_label_falls_back_to_words():
    assert term_label("parent_review_and_correction") == "parent review and correction"
    assert term_label("some_new_term") == "some new term"


def test_the_api_records_and_returns_terms(client, cast, rules):
    from tests.helpers import token as bearer

    district = make_district("Redwood USD", "CA", "201")
    product = make_product(cast.vendor_a, bands=("9-12",))
    headers = bearer(cast.vendor_user_a)
    data = {"district_id": district.pk, "template": "vendor", "signed_on": "2026-01-05",
            "product_ids": [product.pk], "terms_included": ["parent_review_and_correction"],
            "document": pdf()}
    r = client.post("/api/v1/compliance/dpas", data, **headers)
    assert r.status_code == 201, r.content
    assert r.json()["terms_model"] == "" and r.json()["terms_included"] == ["parent_review_and_correction"]
    data["terms_included"], data["document"] = ["not_a_term"], pdf()
    r = client.post("/api/v1/compliance/dpas", data, **headers)
    assert r.status_code == 422 and "terms_included" in r.content.decode()
    assert district.dpas.count() == 1
