"""Request and response schemas of the contracts API (agreements, participation, mini-competitions,
catalog).

Names are unique across the whole OpenAPI document (Ninja keeps one schema per name), hence the
prefixes. Money, prices and rates are answered as decimal strings (`core.api_types.MoneyText`),
dates as ISO dates, moments as ISO date-times.
"""

from datetime import date
from decimal import Decimal
from typing import Any, Optional

from ninja import Schema
from pydantic import Field

from compliance.api import ComplianceReasonOut
from contracts.models import (Amendment, MasterAgreement, MiniCompetition, MiniCompetitionScore,
                              ParticipationAgreement, QuoteRequest, ScheduleEntry)
from core.api_types import (Amount, Day, Id, MoneyText, RateText, UnitPrice, decimal, decimal_text, text,
                            text_of, whole)
from core.limits import LONG_TEXT_MAX, NOTE_MAX, QUANTITY_MAX

# Requests

LineReference = text_of(ScheduleEntry.line_reference)
Percent = decimal(0, 100, 2)
TermMonths = whole(1, 600, "Months of the initial term.")
FeeRate = decimal(0, "0.2", 4, "A fraction: 0.02 is 2%.")


class AgreementScheduleMapIn(Schema):
    line_reference: LineReference
    product_id: Id


class AgreementActivateIn(Schema):
    start_date: Day
    term_months: TermMonths
    renewal_options: whole(0, 100) = 0
    renewal_months: whole(0, 600) = 12
    vendor_signed_by: text_of(MasterAgreement.vendor_signed_by)
    consortium_signed_by: text_of(MasterAgreement.consortium_signed_by)
    admin_fee_rate: Optional[FeeRate] = None


class ContractReasonIn(Schema):
    reason: text_of(MasterAgreement.termination_reason)


class ParticipationRejectIn(Schema):
    reason: text_of(ParticipationAgreement.closed_reason) = Field(
        description="Why the approver rejects joining; the buyer who prepared it reads it.")


class AmendmentIn(Schema):
    kind: text_of(Amendment.kind) = "price_change"
    summary: text_of(Amendment.summary)
    set_entries: list[dict[str, Any]] = []
    remove_products: list[Id] = []


class AmendmentDecisionIn(Schema):
    approve: bool
    reason: text_of(Amendment.decision_reason) = ""


class PriorPriceIn(Schema):
    product_id: Id
    unit_price: UnitPrice = Field(description="What the district pays now per unit, before this agreement.")


class ParticipationJoinIn(Schema):
    estimated_value: Amount
    confirmed_steps: list[text(NOTE_MAX)] = []
    mini_competition_id: Optional[Id] = None
    board_finding_on: Optional[Day] = None  # the board's finding for this agreement, if any
    # e.g. the resolution number; required with a date
    board_finding_reference: text_of(ParticipationAgreement.board_finding_reference) = ""
    # Optional: what the district pays now per unit, for products on the agreement's schedule
    # (stored with its source and date; the savings "vs the price paid before" baseline).
    prior_prices: list[PriorPriceIn] = Field(default=[], max_length=200)


class MiniCompetitionIn(Schema):
    solicitation_id: Id
    quantities: dict[LineReference, whole(0, QUANTITY_MAX)]
    price_weight: Percent = Decimal(60)


class MiniCompetitionScoreIn(Schema):
    agreement_id: Id
    other_score: Percent
    notes: text_of(MiniCompetitionScore.notes) = ""


class QuoteRequestIn(Schema):
    agreement_id: Id
    message: text_of(QuoteRequest.message) = ""


class QuoteAnswerIn(Schema):
    quote_total: Amount
    implementation_plan: text_of(QuoteRequest.implementation_plan, unbounded=LONG_TEXT_MAX)


class MiniCompetitionChoiceIn(Schema):
    agreement_id: Id
    reasons: text_of(MiniCompetition.choice_reasons)


# Responses

PointsText = decimal_text("Points out of 100, as a decimal string.", "60.00")


class AgreementTierOut(Schema):
    min_quantity: int = Field(description="Consortium volume (units) from which the price applies.")
    unit_price: MoneyText


class AgreementDocumentOut(Schema):
    id: int
    title: str
    url: str = Field(description="The page serving the document (signed-in users who may see it).")


class AgreementScheduleRowOut(Schema):
    product_id: int
    product: str
    line: str = Field(description="The awarded line the product is on.")
    unit: str
    tiers: list[AgreementTierOut]
    list_price: MoneyText
    consortium_volume: int = Field(description="Units ordered under the agreement so far.")
    unit_price_now: MoneyText
    next_tier_min: Optional[int]
    units_to_next_tier: Optional[int]
    next_tier_price: Optional[MoneyText]


class AgreementAmendmentSummaryOut(Schema):
    number: int
    kind: str
    state: str
    summary: str


class AgreementOut(Schema):
    """A master agreement as listed."""

    id: int
    number: str
    vendor: str
    vendor_id: int
    title: str
    solicitation: str = Field(description="The number of the solicitation it was awarded from.")
    award_kind: str
    state: str = Field(description="The state today (an active agreement past its end date is expired).")
    start_date: Optional[date]
    end_date: Optional[date]
    admin_fee_rate: RateText


class AgreementDetailOut(AgreementOut):
    """A master agreement with its terms, documents, price schedule and amendments."""

    renewal_options: int
    renewal_months: int
    renewals_used: int
    max_term_years: int
    needs_successor: bool
    documents: list[AgreementDocumentOut]
    schedule: list[AgreementScheduleRowOut]
    amendments: list[AgreementAmendmentSummaryOut]


class AmendmentEntryOut(Schema):
    product: int = Field(description="The product's id.")
    line_reference: str
    tiers: list[AgreementTierOut]


class AmendmentChangesOut(Schema):
    set: list[AmendmentEntryOut] = Field(description="Schedule entries added or repriced.")
    remove: list[int] = Field(description="Ids of products taken off the schedule.")


class AmendmentProposedOut(Schema):
    number: int
    state: str
    changes: AmendmentChangesOut


class AmendmentDecidedOut(Schema):
    number: int
    state: str


class JoinRequirementsOut(Schema):
    blocked: list[str] = Field(description="Why the district may not join (empty if it may).")
    confirmations: list[str] = Field(description="Steps to confirm when joining (`confirmed_steps`).")
    general_offers_adopted: list[int] = Field(description="Ids of the vendor's general offers (DPAs) "
                                                          "joining would adopt.")


class ParticipationOut(Schema):
    id: int
    district: str
    agreement: str = Field(description="The agreement's number.")
    state: str
    estimated_value: MoneyText
    needs_approval: bool
    dpa_joinder_id: Optional[int]
    steps_confirmed: list[str]
    board_finding_on: Optional[date]
    board_finding_reference: str
    closed_reason: str = Field(description="Why it was withdrawn, ended or rejected by the approver; empty otherwise.")


class MiniCompetitionScoreOut(Schema):
    agreement_id: int
    vendor: str
    price_total: MoneyText
    price_score: PointsText
    other_score: PointsText
    total: PointsText


class MiniCompetitionQuoteOut(Schema):
    id: int
    agreement_id: int
    answered: bool
    quote_total: Optional[MoneyText]
    implementation_plan: str


class MiniCompetitionOut(Schema):
    id: int
    solicitation: str = Field(description="The solicitation's number.")
    state: str
    quantities: dict[str, int] = Field(description="The district's quantity per line reference.")
    price_weight: PointsText
    scores: list[MiniCompetitionScoreOut]
    quotes: list[MiniCompetitionQuoteOut]
    chosen_agreement_id: Optional[int]
    choice_reasons: str


class QuoteRequestedOut(Schema):
    id: int
    agreement_id: int


class QuoteAnsweredOut(Schema):
    id: int
    quote_total: MoneyText


class CatalogVerdictOut(Schema):
    verdict: str = Field(description="allowed, allowed_after_steps, not_researched (the state's own rules are not researched: never allowed) or blocked")
    summary: str
    rule_id: Optional[str]
    rule_version: Optional[int]


class CatalogItemOut(Schema):
    product_id: int
    product: str
    vendor: str
    category: str
    kind: str
    grade_bands: list[str]
    subjects: list[str]
    interoperability: list[str]
    agreement_id: int
    agreement: str
    award_kind: str
    line: str
    unit: str
    tiers: list[AgreementTierOut]
    consortium_volume: int
    unit_price_now: MoneyText
    next_tier_min: Optional[int]
    next_tier_price: Optional[MoneyText]
    units_to_next_tier: Optional[int]
    list_price: MoneyText
    saving_per_unit: MoneyText
    verdict: CatalogVerdictOut = Field(None, description="Only when signed in as a district: the "
                                                         "compliance verdict for it.")


class CatalogPageOut(Schema):
    count: int
    page: int
    results: list[CatalogItemOut]


class CatalogProductVerdictOut(Schema):
    verdict: str = Field(description="allowed, allowed_after_steps, not_researched (the state's own rules are not researched: never allowed) or blocked")
    summary: str
    agreement: Optional[str] = Field(description="The number of the agreement with the best offer.")
    reasons: list[ComplianceReasonOut]


class CatalogProductOut(Schema):
    product_id: int
    product: str
    vendor: str
    offers: list[CatalogItemOut]
    verdict: CatalogProductVerdictOut = Field(None, description="Only when signed in as a district: "
                                                                "the full verdict, with its reasons.")
