"""The facts a verdict is computed from: plain frozen dataclasses, no database."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Optional

# Public school students are about 14.6% of US residents (49.6 million of 334.9 million, NCES
# and Census, 2023): used to estimate a district's population from its enrollment (assumption).
STUDENTS_PER_RESIDENT = Decimal("0.146")


@dataclass(frozen=True)
class Evidence:
    """A piece of evidence used (or found lapsed): a DPA, a joinder, an offer, a report ..."""

    kind: str  # dpa | joinder | general_offer | accessibility_report | attestation
    id: int
    label: str
    status: str  # in force | expired | not yet in force | open
    until: Optional[dt.date] = None
    # a DPA's or joinder's required terms it contains (compliance.engine.dpa_terms); None: not a DPA
    terms: Optional[frozenset] = None

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "id": self.id, "label": self.label, "status": self.status,
                "until": self.until.isoformat() if self.until else None}


@dataclass(frozen=True)
class RuleFacts:
    version_id: int
    rule_id: str
    number: int
    jurisdiction: str
    jurisdiction_kind: str
    kind: str
    title: str
    citation: str
    sureness: str
    applies_if: dict
    requires: dict
    note: str = ""


@dataclass(frozen=True)
class DistrictFacts:
    """The district asked about; for a state column of the matrix, a hypothetical active member
    of that state of unknown population (`id` None)."""

    id: Optional[int]
    name: str
    state: str
    membership_state: Optional[str]
    population: Optional[int]
    population_basis: str  # population | enrollment_estimate | unknown

    def signature(self) -> tuple:
        """What verdicts depend on besides the state (which a column key carries)."""
        return (self.membership_state, self.population, self.population_basis)


@dataclass(frozen=True)
class ProductFacts:
    id: int
    name: str
    vendor_id: int
    vendor_name: str
    kind: str
    grade_bands: tuple[str, ...]
    data_collected: tuple[str, ...]
    # accessibility reports in force on the date: (standard, level, evidence)
    reports: tuple[tuple[str, str, Evidence], ...] = ()
    report_lapsed: Optional[Evidence] = None
    attestations: tuple[tuple[str, Evidence], ...] = ()  # in force: (kind, evidence)
    attestations_lapsed: tuple[tuple[str, Evidence], ...] = ()

    def signature(self) -> tuple:
        """Everything a verdict's outcome and summaries depend on, without evidence ids."""
        return (self.kind, self.grade_bands, bool(self.data_collected),
                tuple(sorted((s, lvl) for s, lvl, _ in self.reports)), self.report_lapsed is not None,
                tuple(sorted({k for k, _ in self.attestations})),
                tuple(sorted({k for k, _ in self.attestations_lapsed})))


@dataclass(frozen=True)
class PrivacyFacts:
    """For one (district, state, product): the district's own agreement (signed or joinder) in
    force, the newest lapsed one, an open general offer it could adopt, and one that waits for the
    district (`pending`: an agreement proposed by the vendor, status "proposed by the vendor", or
    a joinder under review, status "under review"), which counts for nothing until then."""

    own: Optional[Evidence] = None
    own_lapsed: Optional[Evidence] = None
    offer: Optional[Evidence] = None
    pending: Optional[Evidence] = None

    def signature(self) -> tuple:
        return (self.own is not None, self.own_lapsed is not None, self.offer is not None,
                self.pending.status if self.pending else None, self.own.terms if self.own else None,
                self.offer.terms if self.offer else None)


@dataclass(frozen=True)
class CheckRequest:
    on_date: dt.date
    award_kind: Optional[str] = None  # multi_award | single_award | None (unknown)
    annual_value: Optional[Decimal] = None
    # Whether the district has recorded its board's finding (e.g. of best interest) for the
    # contract in question, and how to name it (date, resolution number) when known.
    board_finding_recorded: bool = False
    board_finding_label: str = ""

    def signature(self) -> tuple:
        return (self.on_date, self.award_kind, self.annual_value, self.board_finding_recorded,
                self.board_finding_label)


@dataclass
class Reason:
    rule_id: Optional[str]
    version: Optional[int]
    version_id: Optional[int]
    jurisdiction: str
    title: str
    citation: str
    sureness: str
    effect: str  # block | step | satisfied | note | not_applicable
    summary: str
    evidence: list[Evidence] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"rule_id": self.rule_id, "version": self.version, "version_id": self.version_id,
                "jurisdiction": self.jurisdiction, "title": self.title, "citation": self.citation,
                "sureness": self.sureness, "effect": self.effect, "summary": self.summary,
                "evidence": [e.as_dict() for e in self.evidence], "missing": list(self.missing)}


@dataclass
class Verdict:
    verdict: str  # allowed | allowed_after_steps | not_researched | blocked
    reasons: list[Reason]
    ada_date: Optional[dt.date] = None
    ada_basis: str = ""

    @property
    def main(self) -> Optional[Reason]:
        return self.reasons[0] if self.reasons and self.reasons[0].effect in ("block", "step") else None

    @property
    def summary(self) -> str:
        main = self.main
        if main is not None:
            return main.summary
        applied = sum(1 for r in self.reasons if r.effect == "satisfied")
        return f"All applicable rules are met ({applied} satisfied)."

    @property
    def steps(self) -> list[Reason]:
        return [r for r in self.reasons if r.effect == "step"]

    @property
    def blocks(self) -> list[Reason]:
        return [r for r in self.reasons if r.effect == "block"]

    @property
    def rule_version_ids(self) -> list[int]:
        return sorted({r.version_id for r in self.reasons if r.version_id is not None})


def population_facts(population: Optional[int], enrollment: Optional[int]) -> tuple[Optional[int], str]:
    """A district's population for the ADA date: the recorded figure, else an estimate from its
    enrollment (an assumption, marked), else unknown."""
    if population:
        return population, "population"
    if enrollment:
        return int(Decimal(enrollment) / STUDENTS_PER_RESIDENT), "enrollment_estimate"
    return None, "unknown"
