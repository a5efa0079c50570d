"""The award rules, checked exactly (integers and Decimals, no solver floats).

``violations`` is the single source of truth for "is this award allowed?": the engine runs it on
every answer it returns, the baselines are judged by it and the tests use it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal

from core.money import cents

from .model import Problem

Award = Mapping[str, int]  # bid id -> awarded quantity (absent or 0: not awarded)


def exact_cost(problem: Problem, award: Award) -> Decimal:
    """Unrounded cost of an award: every bid's units at the price of the tier they reach."""
    bids = problem.bid_by_id
    return sum((bids[bid_id].cost(quantity) for bid_id, quantity in award.items() if quantity), Decimal(0))


def vendor_spend(problem: Problem, award: Award) -> dict[str, Decimal]:
    """Spend per vendor; a quantity below a bid's first tier (only in a broken award, such as a
    naive baseline) is priced at the first tier so the share can still be judged."""
    spend: dict[str, Decimal] = defaultdict(Decimal)
    for bid_id, quantity in award.items():
        if quantity:
            bid = problem.bid_by_id[bid_id]
            tier = bid.tier_for(quantity)
            spend[bid.vendor] += tier.unit_price * quantity
    return dict(spend)


def violations(problem: Problem, award: Award) -> list[str]:
    """Every rule the award breaks, in words; empty when the award is allowed."""
    found: list[str] = []
    awarded_on_item: dict[str, int] = defaultdict(int)
    positive_bids_on_item: dict[str, int] = defaultdict(int)
    for bid_id, quantity in award.items():
        bid = problem.bid_by_id.get(bid_id)
        if bid is None:
            found.append(f"unknown bid {bid_id!r}")
            continue
        if quantity < 0 or int(quantity) != quantity:
            found.append(f"bid {bid_id!r}: quantity {quantity} is not a whole number >= 0")
            continue
        if quantity == 0:
            continue
        item = problem.item_by_id[bid.item]
        awarded_on_item[bid.item] += quantity
        positive_bids_on_item[bid.item] += 1
        if quantity < bid.min_quantity:
            found.append(f"bid {bid_id!r}: {quantity} units is below its first tier ({bid.min_quantity})")
        if bid.max_quantity is not None and quantity > bid.max_quantity:
            found.append(f"bid {bid_id!r}: {quantity} units exceeds its max_quantity {bid.max_quantity}")
        if quantity < problem.min_award_for(item):
            found.append(
                f"bid {bid_id!r}: {quantity} units is below the minimum award "
                f"{problem.constraints.min_award_quantity}"
            )
    for item in problem.items:
        if awarded_on_item[item.id] != item.quantity:
            found.append(f"item {item.id!r}: {awarded_on_item[item.id]} of {item.quantity} units awarded")
    limit = problem.constraints.max_vendors_per_item
    if limit is not None:
        for item_id, count in positive_bids_on_item.items():
            if count > limit:
                found.append(f"item {item_id!r}: {count} bids awarded, at most {limit} allowed")
    for bundle in problem.bundles:
        awarded = [bid_id for bid_id in bundle.bids if award.get(bid_id, 0) > 0]
        if awarded and len(awarded) != len(bundle.bids):
            found.append(f"bundle {bundle.id!r}: only {len(awarded)} of its {len(bundle.bids)} bids awarded")
    share = problem.constraints.max_vendor_share
    if share is not None:
        spend = vendor_spend(problem, award)
        total = sum(spend.values(), Decimal(0))
        for vendor, amount in sorted(spend.items()):
            if amount > share * total:
                found.append(
                    f"vendor {vendor!r}: spend {cents(amount)} is more than {share:%} "
                    f"of the total {cents(total)}"
                )
    return found
