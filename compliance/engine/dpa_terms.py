"""Required DPA terms (issue 15): the one vocabulary of term codes with human labels, and the
table of DPA models -> the terms each covers by definition.

A rule's `requires.terms` (compliance/data/rules/*.yaml) lists the codes a DPA for that state
must contain. A DPA records the model it follows (`terms_model`, e.g. the NDPA v2 with the
state's exhibit, which contains that state's statutory terms) and/or the terms it includes
(`terms_included`); what it covers is the union. The verdict names any required term missing."""

from __future__ import annotations

from typing import Iterable

TERM_LABELS: dict[str, str] = {
    # California AB 1584 (Ed. Code 49073.1(b))
    "records_remain_lea_property": "pupil records remain the property of the district",
    "pupil_content_retention_and_transfer": "pupils may keep and transfer content they create",
    "no_use_outside_contract": "no use of pupil information beyond the contract",
    "parent_review_and_correction": "parent review and correction",
    "security_and_trained_staff": "security measures and trained staff",
    "breach_notification_procedure": "breach notification procedure",
    "certify_no_retention_after_term": "certification that records are not kept after the contract",
    "joint_ferpa_compliance": "joint FERPA compliance",
    "no_targeted_advertising": "no targeted advertising",
    # Colorado 22-16-108..110
    "comply_with_22_16_108_to_110": "compliance with C.R.S. 22-16-108 to 110",
    "data_element_transparency": "list of data elements collected",
    "notice_of_material_policy_change": "notice of material privacy policy changes",
    # Connecticut 10-234bb
    "data_not_contractor_property": "student data is not the contractor's property",
    "deletion_procedure": "procedure for deleting student data on request",
    "use_limits": "limits on the contractor's use of student data",
    "security_actions": "security actions protecting student data",
    "breach_procedure": "breach notification procedure",
    "deletion_at_end": "deletion of student data at the end of the contract",
    # Illinois SOPPA (105 ILCS 85/15)
    "data_categories": "categories of covered information",
    "service_description": "description of the products and services",
    "deletion_or_transfer": "deletion or transfer of data at the end of the contract",
    "breach_cost_allocation": "allocation of breach costs",
    "subcontractor_list": "list of subcontractors receiving data",
    "reasonable_security": "reasonable security practices",
    # Ohio (R.C. 3319.325 ff., SB 29)
    "records_district_property": "records remain the district's property",
    "no_sale_or_commercial_use": "no sale or commercial use of the records",
    "security_safeguards": "security safeguards",
    "need_to_know_access": "access only for those who need to know",
    "delete_within_90_days_of_end": "deletion within 90 days of the contract's end",
    # Utah 53E-9-309
    "collection_use_storage_sharing_limits": "limits on collecting, using, storing and sharing data",
    "recipients": "who may receive the data",
    "deletion_on_request": "deletion on the district's request",
    "secondary_use_ban": "no secondary use of the data",
    "lea_audit_right": "the district's right to audit",
    "termination_for_privacy_violation_without_fee": "termination without fee for a privacy violation",
    # New York Education Law 2-d / 8 NYCRR 121
    "parents_bill_of_rights": "Parents' Bill of Rights for data privacy and security",
    "supplemental_information": "supplemental information about the contract",
    "data_security_and_privacy_plan": "data security and privacy plan",
    "nist_csf_alignment": "alignment with the NIST Cybersecurity Framework",
    "encryption_in_motion_and_at_rest": "encryption in motion and at rest",
    "subcontractor_flowdown": "the same duties on subcontractors",
    "return_or_destroy_at_expiry": "return or destruction of data at expiry",
}


def term_label(code: str) -> str:
    return TERM_LABELS.get(code, code.replace("_", " "))


_CA = ["records_remain_lea_property", "pupil_content_retention_and_transfer", "no_use_outside_contract",
       "parent_review_and_correction", "security_and_trained_staff", "breach_notification_procedure",
       "certify_no_retention_after_term", "joint_ferpa_compliance", "no_targeted_advertising"]
_CO = ["comply_with_22_16_108_to_110", "data_element_transparency", "notice_of_material_policy_change"]
_CT = ["data_not_contractor_property", "deletion_procedure", "use_limits", "parent_review_and_correction",
       "security_actions", "breach_procedure", "deletion_at_end", "no_targeted_advertising"]
_IL = ["data_categories", "service_description", "deletion_or_transfer", "breach_cost_allocation",
       "subcontractor_list", "reasonable_security"]
_NY = ["parents_bill_of_rights", "supplemental_information", "data_security_and_privacy_plan",
       "nist_csf_alignment", "encryption_in_motion_and_at_rest", "subcontractor_flowdown",
       "return_or_destroy_at_expiry"]
_OH = ["records_district_property", "no_sale_or_commercial_use", "security_safeguards",
       "need_to_know_access", "delete_within_90_days_of_end"]
_UT = ["collection_use_storage_sharing_limits", "recipients", "deletion_on_request", "secondary_use_ban",
       "lea_audit_right", "termination_for_privacy_violation_without_fee"]

# model code -> (human label, state, terms it contains by definition)
DPA_MODELS: dict[str, tuple[str, str, frozenset[str]]] = {
    "ndpa_v2_ca": ("NDPA v2 with the California exhibit (CA-NDPA)", "CA", frozenset(_CA)),
    "ndpa_v2_co": ("NDPA v2 with the Colorado exhibit", "CO", frozenset(_CO)),
    "ndpa_v2_ct": ("NDPA v2 with the Connecticut exhibit", "CT", frozenset(_CT)),
    "ndpa_v2_il": ("NDPA v2 with the Illinois exhibit", "IL", frozenset(_IL)),
    "ndpa_v2_ny": ("NDPA v2 with the New York exhibit (Parents' Bill of Rights and supplemental "
                   "information)", "NY", frozenset(_NY)),
    "ndpa_v2_oh": ("NDPA v2 with the Ohio exhibit", "OH", frozenset(_OH)),
    "ndpa_v2_ut": ("NDPA v2 with the Utah exhibit", "UT", frozenset(_UT)),
}
MODEL_CHOICES = [("", "No model: the terms it includes are ticked below")] + [
    (code, label) for code, (label, _, _) in DPA_MODELS.items()]
TERM_CHOICES = sorted(TERM_LABELS.items(), key=lambda kv: kv[1])


def state_model(state: str) -> str:
    """The NDPA v2 model with `state`'s exhibit, or "" when the table has none."""
    return next((code for code, (_, st, _) in DPA_MODELS.items() if st == state), "")


def terms_covered(state: str, model: str, included: Iterable[str]) -> frozenset[str]:
    """What a DPA for `state` contains: its model's terms (a model for another state's exhibit
    counts for nothing here) and the terms recorded as included."""
    covered = set(included or ())
    if model in DPA_MODELS and DPA_MODELS[model][1] == state:
        covered |= DPA_MODELS[model][2]
    return frozenset(covered)


def validate_terms(errors: dict, state: str, model: str, included: Iterable[str]) -> list[str]:
    """Field errors for an unknown model or term; returns the included codes, deduplicated."""
    if model and model not in DPA_MODELS:
        errors["terms_model"] = "Choose a model from the list."
    elif model and DPA_MODELS[model][1] != state:
        errors["terms_model"] = f"This model is for {DPA_MODELS[model][1]}; the agreement is for {state}."
    codes = list(dict.fromkeys(included or ()))
    unknown = [c for c in codes if c not in TERM_LABELS]
    if unknown:
        errors["terms_included"] = "Unknown term: choose terms from the list."
    return codes


def required_terms(rules: Iterable) -> list[str]:
    """The terms a DPA must contain under these rules (`RuleFacts`, e.g. a state's rules in
    force): the `requires.terms` of its privacy-agreement rules, in the rules' order, once each."""
    codes: dict[str, None] = {}
    for rule in rules:
        if rule.kind == "privacy_agreement" and rule.requires.get("written_agreement", True):
            codes.update(dict.fromkeys(rule.requires.get("terms", ())))
    return list(codes)


def missing_terms(required: Iterable[str], covered: Iterable[str]) -> list[str]:
    """The required terms an agreement covering `covered` lacks, in the order required."""
    have = set(covered)
    return [code for code in required if code not in have]
