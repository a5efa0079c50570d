"""The orders tests' scene (`joined`) is shared with other apps: see `tests/fixtures/orders.py`.
`quoted`: the same scene where vendor A quoted district A below the schedule."""

from decimal import Decimal

import pytest

from contracts.selectors.agreements import current_schedule
from tests.fixtures.orders import join


@pytest.fixture
def quoted(cast, awarded, agreements, general_offer):
    """District A joined vendor A's agreement after a quote of $2,900.00 for 10 CB, below the
    schedule's $3,000.00 (10 x $300.00 at the first tier); district B at the schedule price."""
    agreement = agreements[cast.vendor_a.pk]
    join(cast, cast.district_a, cast.buyer_a, agreement, awarded, quote_total=Decimal("2900.00"))
    join(cast, cast.district_b, cast.buyer_b, agreement, awarded)
    for district in (cast.district_a, cast.district_b):
        district.approval_limit = Decimal("10000000.00")
        district.save(update_fields=["approval_limit"])
    cast.agreement = agreement
    cast.device = next(e.product for e in current_schedule(agreement).entries.select_related("product")
                       if e.line_reference == "CB")
    return cast
