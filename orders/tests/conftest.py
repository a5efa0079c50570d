"""Districts A and B joined vendor A's agreement (CB tiers 300/290/280 at 1/1000/5000 units)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from contracts.selectors.agreements import current_schedule
from contracts.selectors.participation import join_requirements
from contracts.services.participation import (minicompetition_decide, minicompetition_start,
                                              participation_countersign, participation_join,
                                              quote_answer, quote_request)
from contracts.tests.conftest import agreements, awarded  # noqa: F401 (fixtures)
from contracts.tests.test_participation import general_offer  # noqa: F401 (fixture)


def join(cast, district, buyer, agreement, solicitation):
    actor = cast.actor(buyer)
    competition = minicompetition_start(district=district, solicitation=solicitation,
                                        quantities={"CB": 10}, actor=actor)
    quote = quote_request(competition=competition, agreement=agreement, actor=actor)
    quote_answer(quote=quote, quote_total=Decimal(1), implementation_plan="ok",
                 actor=cast.actor(cast.vendor_user_a))
    minicompetition_decide(competition=competition, agreement=agreement, reasons="price", actor=actor)
    needs = join_requirements(district=district, agreement=agreement, annual_value=Decimal(1000))
    participation = participation_join(district=district, agreement=agreement, estimated_value=1000,
                                       mini_competition=competition, confirmed_steps=needs.confirmations,
                                       actor=actor)
    participation_countersign(participation=participation, actor=cast.actor(cast.vendor_user_a))


@pytest.fixture
def joined(cast, awarded, agreements, general_offer):  # noqa: F811
    agreement = agreements[cast.vendor_a.pk]
    join(cast, cast.district_a, cast.buyer_a, agreement, awarded)
    join(cast, cast.district_b, cast.buyer_b, agreement, awarded)
    # Pricing tests place orders of thousands of devices: both districts' approvers have allowed
    # up to $10,000,000 (tests of approval lower it again, see `low_limit`).
    for district in (cast.district_a, cast.district_b):
        district.approval_limit = Decimal("10000000.00")
        district.save(update_fields=["approval_limit"])
    entries = {e.line_reference: e for e in current_schedule(agreement).entries.select_related("product")}
    cast.agreement = agreement
    cast.device = entries["CB"].product
    cast.licence = entries["LIC"].product
    return cast


def low_limit(district, limit: str = "50000.00") -> None:
    """Back to the default approval limit: orders above it wait for the approver."""
    district.approval_limit = Decimal(limit)
    district.save(update_fields=["approval_limit"])
