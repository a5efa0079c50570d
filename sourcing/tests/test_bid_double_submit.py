"""Two first submissions of one vendor's bid at the same moment (found by `make load`): the one
that loses the race on the one-bid-per-vendor constraint gets a clear refusal, not a server error,
and the stored bid is the winner's, unchanged."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from sourcing.models import Bid, BidReceipt
from sourcing.services import bids as bid_services
from sourcing.services.bids import bid_submit
from tests.helpers import bid_data


@pytest.mark.django_db(transaction=False)
def test_a_simultaneous_first_submission_is_refused_cleanly(cast, open_solicitation, monkeypatch):
    actor = cast.actor(cast.vendor_user_a)
    first, _ = bid_submit(solicitation=open_solicitation, data=bid_data(price1="300.00"), actor=actor)
    # The race: the second submission looked before the first was committed and saw no bid.
    real_lock = bid_services.lock
    monkeypatch.setattr(bid_services, "lock", lambda qs: qs.none() if qs.model is Bid else real_lock(qs))
    with pytest.raises(ValidationError, match="arrived at the same moment"):
        bid_submit(solicitation=open_solicitation, data=bid_data(price1="250.00"), actor=actor)
    stored = Bid.objects.get()
    assert (stored.pk, stored.revision, stored.digest) == (first.pk, first.revision, first.digest)
    assert BidReceipt.objects.count() == 1
