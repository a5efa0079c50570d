"""Compliance: rules as data (jurisdictions, rules, immutable rule versions), vendor evidence
(data privacy agreements, accessibility reports, attestations) and recorded decisions."""

from compliance.models.decisions import ComplianceDecision
from compliance.models.evidence import (AccessibilityReport, Attestation, AttestationKind,
                                        DataPrivacyAgreement, DistrictSide, DpaKind, DpaTemplate,
                                        ReviewOutcome)
from compliance.models.rules import Jurisdiction, Rule, RuleLoad, RuleVersion, Sureness

__all__ = ["AccessibilityReport", "Attestation", "AttestationKind", "ComplianceDecision",
           "DataPrivacyAgreement", "DistrictSide", "DpaKind", "ReviewOutcome", "DpaTemplate", "Jurisdiction", "Rule", "RuleLoad",
           "RuleVersion", "Sureness"]
