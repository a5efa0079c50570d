"""Settlements of rebates: a vendor (or staff) records a credit note or payment to a member."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from accounts.acting import STAFF, Actor
from core.formatting import money
from audit.actions import AuditAction
from audit.services import audit_record
from contracts.models import MasterAgreement
from core.money import cents
from core.limits import check_money, check_text
from members.models import District
from orders.models import RebateEntry, Settlement
from orders.selectors import actor_is_vendor

from core.locks import lock



@transaction.atomic
def settlement_record(*, agreement: MasterAgreement, district: District, amount, method: str,
                      reference: str, actor: Actor) -> Settlement:
    """The vendor (or staff) records a credit note or payment of rebates owed to a member."""
    if not (actor_is_vendor(actor, agreement) or actor.role == STAFF):
        raise PermissionDenied("Only the agreement's vendor or consortium staff record settlements.")
    amount = check_money(amount, field="amount", allow_zero=False)
    if method not in Settlement.Method.values:
        raise ValidationError({"method": "Credit note or payment."})
    reference = check_text(reference, field="reference", max_length=100, required=True)
    entries = RebateEntry.objects.filter(agreement=agreement, district=district)
    list(lock(entries.order_by("pk")).values_list("pk", flat=True))  # lock the ledger rows, in key order
    earlier = Settlement.objects.filter(agreement=agreement, district=district, reference__iexact=reference).first()
    if earlier is not None:  # a double click, or the same credit note entered twice
        raise ValidationError({"reference": f"{earlier.get_method_display()} {earlier.reference} of "
                                            f"{money(earlier.amount)} is already recorded for {district.name} "
                                            f"under {agreement.number}."})
    owed = cents(entries.aggregate(total=Sum("amount"))["total"] or Decimal(0))
    if amount > owed:
        raise ValidationError({"amount": f"Only {money(owed)} is owed to {district.name} under {agreement.number}."})
    settlement = Settlement.objects.create(agreement=agreement, district=district, amount=amount, method=method,
                                           reference=reference, recorded_by=actor.user,
                                           recorded_at=timezone.now())
    RebateEntry.objects.create(district=district, agreement=agreement, kind=RebateEntry.Kind.SETTLEMENT,
                               settlement=settlement, amount=-amount, created_at=settlement.recorded_at)
    audit_record(actor=actor, action=AuditAction.REBATE_SETTLED, obj=settlement,
                 after={"agreement": agreement.number, "district": district.name, "amount": str(amount),
                        "method": method, "reference": settlement.reference})
    return settlement
