"""Reading solicitations and bids: solicitations, access (who may read what, when), bids (the
only place bids are unsealed), evaluation (seats, scores, tabulation, awards, protests). Import
them from here."""

from sourcing.selectors.solicitations import (  # noqa: F401
    solicitation_list, solicitation_get, bid_count, bid_count_shown, public_questions, is_public,
    bids_received_since, award_engine_runs)
from sourcing.selectors.access import (  # noqa: F401
    evaluator_seat_for, sealed_message, bid_reading_refusal, tabulation_is_public,
    tabulation_refusal, declaration_refusal, protest_document_refusal)
from sourcing.selectors.bids import (  # noqa: F401
    BidDocumentInfo, current_bid_documents, opened_bids, tabulated_bids, bid_document_content,
    own_bid, own_bid_record, own_receipts, own_receipt, vendor_has_bid)
from sourcing.selectors.evaluation import (  # noqa: F401
    Bidder, declaration_bidders, declared_bidders, evaluation, tabulation, my_scores, AwardView,
    award_view, awards_history, eligible_evaluators, seats, protests_for)
from sourcing.selectors.public import (  # noqa: F401
    upcoming_solicitations, days_to_award_notice, award_expected_on, award_notices, PublicAwardee,
    PublicProtest, public_awards, public_awardees, public_protests)
