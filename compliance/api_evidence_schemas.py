"""Schemas of the compliance evidence API (compliance/api_evidence.py): what it answers and
what it accepts, with the bounds of the model columns."""

from datetime import date, datetime
from typing import Optional

from ninja import Schema

from compliance.models import AccessibilityReport, Attestation, DataPrivacyAgreement
from core.api_types import Base64, Day, Filename, Id, text, text_of

class ComplianceDpaOut(Schema):
    id: int
    vendor_id: int
    vendor: str
    state: str
    kind: str
    template: str
    template_version: str
    state_variant: str
    terms_model: str
    terms_included: list[str]
    district_id: int
    district: str
    offer_id: Optional[int]
    product_ids: list[int]
    signed_on: date
    expires_on: Optional[date]
    status: str
    general_offer: bool
    general_offer_until: Optional[date]
    general_offer_open: bool
    general_offer_closed_on: Optional[date]
    withdrawn_at: Optional[datetime]
    withdrawn_reason: str
    document_url: Optional[str]
    # the district's side: null while "proposed by the vendor" (counted by nothing)
    district_signed_on: Optional[date]
    district_side: str
    # a joinder whose agreement the vendor withdrew: counts as missing until reviewed
    review_required_at: Optional[datetime]
    review_reason: str
    reviewed_at: Optional[datetime]
    review_outcome: str


class AccessibilityReportOut(Schema):
    id: int
    product_id: int
    product: str
    standard: str
    level: str
    report_format: str
    report_date: date
    expires_on: Optional[date]
    valid_until: date
    status: str
    withdrawn_at: Optional[datetime]
    withdrawn_reason: str
    document_url: str


class ComplianceAttestationOut(Schema):
    id: int
    vendor_id: int
    product_id: Optional[int]
    kind: str
    framework: str
    attested_on: date
    expires_on: Optional[date]
    valid_until: date
    status: str
    withdrawn_at: Optional[datetime]
    withdrawn_reason: str
    document_url: str


class EvidenceDocumentIn(Schema):
    """A PDF inside JSON: its bytes base64-encoded (standard alphabet, with padding)."""
    filename: Filename = "document.pdf"
    content_base64: Base64


DPA = DataPrivacyAgreement
REPORT = AccessibilityReport


class ComplianceDpaIn(Schema):
    """A signed agreement as corrected. Its district, state and general offer stay."""
    template: text_of(DPA.template)
    template_version: text_of(DPA.template_version) = ""
    state_variant: text_of(DPA.state_variant) = ""
    terms_model: Optional[text_of(DPA.terms_model)] = None  # omitted: by the template
    terms_included: list[text(60)] = []
    product_ids: list[Id]
    signed_on: Day
    expires_on: Optional[Day] = None
    document: Optional[EvidenceDocumentIn] = None  # none: the signed document stays


class ComplianceDpaPatch(Schema):
    template: Optional[text_of(DPA.template)] = None
    template_version: Optional[text_of(DPA.template_version)] = None
    state_variant: Optional[text_of(DPA.state_variant)] = None
    terms_model: Optional[text_of(DPA.terms_model)] = None
    terms_included: Optional[list[text(60)]] = None
    product_ids: Optional[list[Id]] = None
    signed_on: Optional[Day] = None
    expires_on: Optional[Day] = None
    document: Optional[EvidenceDocumentIn] = None


class AccessibilityReportIn(Schema):
    product_id: Id
    standard: text_of(REPORT.standard)
    level: text_of(REPORT.level)
    report_format: text_of(REPORT.report_format) = "VPAT 2.5 (ACR)"
    report_date: Day
    expires_on: Optional[Day] = None
    document: Optional[EvidenceDocumentIn] = None


class AccessibilityReportPatch(Schema):
    product_id: Optional[Id] = None
    standard: Optional[text_of(REPORT.standard)] = None
    level: Optional[text_of(REPORT.level)] = None
    report_format: Optional[text_of(REPORT.report_format)] = None
    report_date: Optional[Day] = None
    expires_on: Optional[Day] = None
    document: Optional[EvidenceDocumentIn] = None


class ComplianceAttestationIn(Schema):
    kind: text_of(Attestation.kind)
    framework: text_of(Attestation.framework) = ""
    product_id: Optional[Id] = None  # none: the whole company
    attested_on: Day
    expires_on: Optional[Day] = None
    document: Optional[EvidenceDocumentIn] = None


class ComplianceAttestationPatch(Schema):
    kind: Optional[text_of(Attestation.kind)] = None
    framework: Optional[text_of(Attestation.framework)] = None
    product_id: Optional[Id] = None
    attested_on: Optional[Day] = None
    expires_on: Optional[Day] = None
    document: Optional[EvidenceDocumentIn] = None


class ComplianceWithdrawIn(Schema):
    reason: text_of(DPA.withdrawn_reason)


class ComplianceJoinderReviewIn(Schema):
    outcome: text_of(DPA.review_outcome)
    note: text_of(DPA.review_note) = ""
