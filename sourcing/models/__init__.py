from sourcing.models.solicitation import (Addendum, Criterion, Requirement, Solicitation,
                                          SolicitationDocument, SolicitationLine, Question,
                                          VendorFollow)
from sourcing.models.bid import Bid, BidDocument, BidReceipt
from sourcing.models.evaluation import ConsensusScore, EvaluatorSeat, Score
from sourcing.models.award import Award, AwardedBid, AwardPlanRecord, Protest

__all__ = ["Addendum", "Criterion", "Requirement", "Solicitation", "SolicitationDocument",
           "SolicitationLine", "Question", "VendorFollow", "Bid", "BidDocument", "BidReceipt",
           "ConsensusScore", "EvaluatorSeat", "Score", "Award", "AwardedBid", "AwardPlanRecord",
           "Protest"]
