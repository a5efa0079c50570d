"""Response bodies of the sourcing API (request bodies are in `schemas`).

Names are unique across the whole OpenAPI document. Exact decimals (money, scores, weights,
shares) are strings, as the API has always sent them (`DecimalText`, `MoneyText`)."""

from datetime import datetime
from typing import Any, Optional, Union

from ninja import Schema
from pydantic import Field

from core.api_types import DecimalText, MoneyText


# Solicitations, questions, addenda, documents

class SolicitationSummaryOut(Schema):
    id: int
    number: str
    kind: str
    title: str
    category: str
    state: str
    questions_deadline: datetime
    bid_deadline: datetime
    bids_received: Optional[int] = Field(
        description="Null while hidden: until the bids open at the deadline, unless the consortium "
                    "publishes the count.")
    award_method: str


class SolicitationLineOut(Schema):
    reference: str
    description: str
    unit: str
    estimated_quantity: int


class SolicitationRequirementOut(Schema):
    code: str
    text: str


class SolicitationCriterionOut(Schema):
    id: int
    name: str
    weight: DecimalText
    is_price: bool


class SolicitationDocumentOut(Schema):
    id: int
    title: str
    url: str


class AddendumOut(Schema):
    number: int
    summary: str
    published_at: datetime
    changes: dict[str, Any]
    bid_deadline_before: Optional[datetime] = Field(description="The bid deadline before this addendum.")
    bid_deadline_after: Optional[datetime] = Field(description="The bid deadline after this addendum.")
    deadline_extended: bool = Field(
        description="Moved to give bidders the consortium's minimum notice (`notice_hours`) after "
                    "the addendum.")
    notice_hours: Optional[int]
    deadline_note: str
    documents: list[SolicitationDocumentOut]


class SolicitationOut(SolicitationSummaryOut):
    description: str
    standstill_days: int
    score_threshold: DecimalText
    max_vendor_share: Optional[DecimalText]
    max_vendors_per_line: Optional[int]
    lines: list[SolicitationLineOut]
    requirements: list[SolicitationRequirementOut]
    criteria: list[SolicitationCriterionOut]
    documents: list[SolicitationDocumentOut]
    addenda: list[AddendumOut]
    cancellation_reason: str


class QuestionOut(Schema):
    id: int
    text: str
    asked_at: datetime
    answer: str
    answered_at: Optional[datetime]


class QuestionAskedOut(Schema):
    id: int
    text: str
    asked_at: datetime


class QuestionAnsweredOut(Schema):
    id: int
    text: str
    answer: str
    answered_at: Optional[datetime]


# Bids and the tabulation

class BidReceiptOut(Schema):
    """What the vendor keeps: proof of what the server received and when."""
    solicitation: str
    vendor: str
    action: str
    revision: int
    received_at: str = Field(description="ISO 8601 moment, to the microsecond.")
    sha256: str
    addenda_acknowledged: int = Field(description="How many addenda the bid acknowledges.")
    bid: dict[str, Any]
    warnings: list[str]
    how_to_verify: str


class BidDocumentOut(Schema):
    id: int
    title: str
    filename: str
    size: int
    sha256: str
    revision: int
    url: str


class BidReceiptEntryOut(Schema):
    id: int
    action: str
    revision: int
    received_at: datetime
    sha256: str


class OwnBidOut(Schema):
    state: str
    revision: int
    submitted_at: datetime
    sha256: str
    confirmed: bool
    bid: dict[str, Any]
    warnings: list[str] = Field(description="E.g. the price rises with volume: a higher tier dearer "
                                            "than a lower one.")
    documents: list[BidDocumentOut]
    receipts: list[BidReceiptEntryOut]


class OpenedBidOut(Schema):
    bid_id: int
    vendor: str
    vendor_id: int
    submitted_at: datetime
    revision: int
    sha256: str
    confirmed: bool
    content: dict[str, Any]
    documents: list[BidDocumentOut]


class PriceRuleOut(Schema):
    rule: str
    text: str


class TabulationBidOut(Schema):
    bid_id: int
    vendor: str
    responsive: bool
    reasons: list[str]
    evaluated_total: MoneyText
    price_score: DecimalText
    criterion_scores: dict[str, Optional[DecimalText]]
    total_score: Optional[DecimalText]


class TabulationOut(Schema):
    solicitation: str
    rows: list[dict[str, Union[bool, int, str]]] = Field(
        description="One flat row per bid and line (as in the CSV): fixed columns plus one "
                    "`score: <criterion>` column per criterion; an empty string where no value.")
    price_rule: PriceRuleOut
    bids: list[TabulationBidOut]


# The committee

class CommitteeSeatOut(Schema):
    seat_id: int
    evaluator: str
    declaration: str


class DeclarationBidderOut(Schema):
    vendor_id: int
    name: str


class DeclaredBidderOut(Schema):
    vendor_id: int
    name: str
    has_relationship: bool
    details: str


class DeclarationOut(Schema):
    declaration: str
    declared_at: Optional[datetime]
    may_sign: bool
    message: str
    opens_at: datetime
    bidders: list[DeclarationBidderOut]
    declared: list[DeclaredBidderOut]


class SourcingScoreOut(Schema):
    bid_id: int
    criterion: str
    points: DecimalText


# Award plans, the award and protests

class AwardPlanWinnerOut(Schema):
    bid_id: int
    vendor_id: int
    vendor: str
    total_score: Optional[DecimalText]
    allocations: list[dict[str, Any]]


class AwardPlanOut(Schema):
    method: str
    ready: bool
    problems: list[str]
    stale: Optional[str] = Field(description="Why the stored plan may no longer be awarded; null if it may.")
    stored: bool
    computed_at: Optional[datetime]
    computed_by: Optional[str]
    inputs_digest: str
    plan_digest: str
    winners: list[AwardPlanWinnerOut]
    engine_result: Optional[dict[str, Any]]


class AwardPlanStaleOut(Schema):
    """The stored plan, and why it may no longer be awarded (bids, scores or constraints changed)."""
    detail: str
    plan: AwardPlanOut


class AwardedBidOut(Schema):
    vendor: str
    bid_id: int
    total_score: DecimalText
    allocations: list[dict[str, Any]]


class AwardOut(Schema):
    version: int
    method: str
    notice_published_at: datetime
    standstill_ends_at: datetime
    final: bool
    open_protests: int
    rationale: str
    awarded: list[AwardedBidOut]
    engine_result: Optional[dict[str, Any]]


class ProtestOut(Schema):
    id: int
    vendor: str
    award_version: int
    state: str
    grounds: str
    filed_at: datetime
    decision_reasons: str
    document_url: Optional[str]


class ProtestDecisionOut(Schema):
    id: int
    state: str
    reasons: str
