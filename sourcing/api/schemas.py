"""Request bodies of the sourcing API."""

from decimal import Decimal
from typing import Any, Optional

from ninja import Schema

from core.api_types import Base64, Filename, Id, Moment, decimal, text, text_of, whole
from core.limits import LONG_TEXT_MAX, POOLED_QUANTITY_MAX
from sourcing.models import (Addendum, Award, Criterion, Protest, Question, Requirement, Score,
                             Solicitation, SolicitationDocument, SolicitationLine)
from sourcing.models.evaluation import DeclaredBidder

Percent = decimal(0, 100, 2)
EstimatedQuantity = whole(1, POOLED_QUANTITY_MAX, "Units the consortium expects to buy.")
VendorShare = decimal(0, 1, 4, "Bulk buy: the most of the spend one vendor may get (0-1).")
Points = decimal(0, 10, 2, "A score from 0 to 10.")


class SolicitationLineIn(Schema):
    reference: text_of(SolicitationLine.reference)
    description: text_of(SolicitationLine.description)
    unit: text_of(SolicitationLine.unit) = "each"
    estimated_quantity: EstimatedQuantity


class RequirementIn(Schema):
    code: text_of(Requirement.code) = ""
    text: text_of(Requirement.text)


class CriterionIn(Schema):
    name: text_of(Criterion.name)
    weight: Percent
    is_price: bool = False


class SolicitationIn(Schema):
    title: text_of(Solicitation.title)
    description: text_of(Solicitation.description, unbounded=LONG_TEXT_MAX) = ""
    category: text(60)
    kind: text_of(Solicitation.kind) = "rfp"
    lines: list[SolicitationLineIn]
    requirements: list[RequirementIn] = []
    criteria: list[CriterionIn]
    questions_deadline: Moment
    bid_deadline: Moment
    standstill_days: whole(0, 365) = 7
    award_method: text_of(Solicitation.award_method) = "multi_award"
    score_threshold: Percent = Decimal("70")
    max_vendor_share: Optional[VendorShare] = None
    max_vendors_per_line: Optional[whole(1, 1000)] = None


class SolicitationDocumentIn(Schema):
    """A PDF inside JSON: its bytes base64-encoded (standard alphabet, with padding)."""
    title: text_of(SolicitationDocument.title) = ""
    filename: Filename = "document.pdf"
    content_base64: Base64


class AddendumIn(Schema):
    summary: text_of(Addendum.summary)
    title: Optional[text_of(Solicitation.title)] = None
    description: Optional[text_of(Solicitation.description, unbounded=LONG_TEXT_MAX)] = None
    questions_deadline: Optional[Moment] = None
    bid_deadline: Optional[Moment] = None
    standstill_days: Optional[whole(0, 365)] = None
    lines: Optional[list[SolicitationLineIn]] = None
    document: Optional[SolicitationDocumentIn] = None  # published with the addendum (title: the document's)


class TextIn(Schema):
    text: text_of(Question.text)


class AnswerIn(Schema):
    answer: text_of(Question.answer)


class CancelIn(Schema):
    reason: text_of(Solicitation.cancellation_reason)


class BidIn(Schema):
    lines: list[dict[str, Any]]
    attestations: dict[text_of(Requirement.code), bool] = {}
    notes: text(5000) = ""
    # empty: a replacement keeps the previous bid's documents
    documents: list[SolicitationDocumentIn] = []
    # A price that rises with volume (a higher tier dearer than a lower one) is refused unless true.
    confirm_rising_prices: bool = False


class BidConfirmIn(Schema):
    # Needed when the bid's price rises with volume and was not confirmed when it was submitted.
    confirm_rising_prices: bool = False


class SeatIn(Schema):
    assignment_id: Id


class RelationshipIn(Schema):
    vendor_id: Id
    details: text_of(DeclaredBidder.details)


class DeclarationIn(Schema):
    # Every bidder the evaluator (or anyone close to them) has a relationship with; [] for none.
    relationships: list[RelationshipIn]


class BidScoreIn(Schema):
    bid_id: Id
    criterion_id: Id
    points: Points
    comment: text_of(Score.comment) = ""


class AwardIn(Schema):
    rationale: text_of(Award.rationale, unbounded=LONG_TEXT_MAX) = ""
    plan_digest: text(64) = ""  # the reviewed plan's digest (GET award-plan): refused if it changed


class ProtestIn(Schema):
    grounds: text_of(Protest.grounds, unbounded=LONG_TEXT_MAX)
    document: Optional[SolicitationDocumentIn] = None


class ProtestDecisionIn(Schema):
    upheld: bool
    reasons: text_of(Protest.decision_reasons, unbounded=LONG_TEXT_MAX)
