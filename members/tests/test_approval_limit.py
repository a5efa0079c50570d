"""A district's approval limit is an amount in whole cents within the money bounds (core.money,
through core.limits.check_money): nothing out of bounds or with a fraction of a cent is stored."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from audit.actions import AuditAction
from audit.models import AuditEvent
from core.bounds import AMOUNT_MAX
from members.services import district_set_approval_limit


@pytest.mark.parametrize("limit, stored", [("150000", Decimal("150000.00")), ("$1,200.50", Decimal("1200.50")),
                                           (0, Decimal("0.00")), (AMOUNT_MAX, AMOUNT_MAX)])
def test_the_approver_sets_a_limit_in_whole_cents(cast, limit, stored):
    district = district_set_approval_limit(district=cast.district_a, limit=limit, actor=cast.actor(cast.approver_a))
    district.refresh_from_db()
    assert district.approval_limit == stored
    event = AuditEvent.objects.filter(action=AuditAction.DISTRICT_APPROVAL_LIMIT_SET).latest("pk")
    assert event.after == {"approval_limit": str(stored)}


@pytest.mark.parametrize("limit, message", [
    ("-1", "Must be from $0.00"), (AMOUNT_MAX + 1, "Must be from $0.00"), ("1e30", "Must be from $0.00"),
    ("NaN", "Must be from $0.00"), ("12.345", "At most two decimal places"), ("lots", "is not an amount")])
def test_a_limit_out_of_bounds_or_with_a_fraction_of_a_cent_is_refused(cast, limit, message):
    before = cast.district_a.approval_limit
    with pytest.raises(ValidationError) as exc:
        district_set_approval_limit(district=cast.district_a, limit=limit, actor=cast.actor(cast.staff))
    (field, messages), = exc.value.message_dict.items()
    assert field == "approval_limit" and message in messages[0]
    cast.district_a.refresh_from_db()
    assert cast.district_a.approval_limit == before


def test_only_the_district_approver_or_staff_set_it(cast):
    with pytest.raises(PermissionDenied):
        district_set_approval_limit(district=cast.district_a, limit="10", actor=cast.actor(cast.buyer_a))
