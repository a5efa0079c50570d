"""Request bodies of the sourcing API."""

from datetime import datetime
from decimal import Decimal
from typing import Any, Optional

from ninja import Schema


class LineIn(Schema):
    reference: str
    description: str
    unit: str = "each"
    estimated_quantity: int


class RequirementIn(Schema):
    code: str = ""
    text: str


class CriterionIn(Schema):
    name: str
    weight: Decimal
    is_price: bool = False


class SolicitationIn(Schema):
    title: str
    description: str = ""
    category: str
    kind: str = "rfp"
    lines: list[LineIn]
    requirements: list[RequirementIn] = []
    criteria: list[CriterionIn]
    questions_deadline: datetime
    bid_deadline: datetime
    standstill_days: int = 7
    award_method: str = "multi_award"
    score_threshold: Decimal = Decimal("70")
    max_vendor_share: Optional[Decimal] = None
    max_vendors_per_line: Optional[int] = None


class DocumentIn(Schema):
    """A PDF inside JSON: its bytes base64-encoded (standard alphabet, with padding)."""
    title: str = ""
    filename: str = "document.pdf"
    content_base64: str


class AddendumIn(Schema):
    summary: str
    title: Optional[str] = None
    description: Optional[str] = None
    questions_deadline: Optional[datetime] = None
    bid_deadline: Optional[datetime] = None
    standstill_days: Optional[int] = None
    lines: Optional[list[LineIn]] = None
    document: Optional[DocumentIn] = None  # published with the addendum (title: the document's)


class TextIn(Schema):
    text: str


class AnswerIn(Schema):
    answer: str


class ReasonIn(Schema):
    reason: str


class BidIn(Schema):
    lines: list[dict[str, Any]]
    attestations: dict[str, bool] = {}
    notes: str = ""
    documents: list[DocumentIn] = []  # empty: a replacement keeps the previous bid's documents
    # A price that rises with volume (a higher tier dearer than a lower one) is refused unless true.
    confirm_rising_prices: bool = False


class BidConfirmIn(Schema):
    # Needed when the bid's price rises with volume and was not confirmed when it was submitted.
    confirm_rising_prices: bool = False


class SeatIn(Schema):
    assignment_id: int


class RelationshipIn(Schema):
    vendor_id: int
    details: str


class DeclarationIn(Schema):
    # Every bidder the evaluator (or anyone close to them) has a relationship with; [] for none.
    relationships: list[RelationshipIn]


class ScoreIn(Schema):
    bid_id: int
    criterion_id: int
    points: Decimal
    comment: str = ""


class AwardIn(Schema):
    rationale: str = ""
    plan_digest: str = ""  # the reviewed plan's digest (GET award-plan): refused if it changed


class ProtestIn(Schema):
    grounds: str
    document: Optional[DocumentIn] = None


class DecisionIn(Schema):
    upheld: bool
    reasons: str
