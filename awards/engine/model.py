"""The award problem as plain, immutable data.

Prices are exact ``Decimal`` values and quantities are ``int``: the solver works in floats,
but everything a buyer sees is recomputed from these.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

DEFAULT_TIME_LIMIT_SECONDS = 60.0
DEFAULT_RELATIVE_GAP = 1e-4


@dataclass(frozen=True)
class Tier:
    """All-units price: every unit costs ``unit_price`` once the award reaches ``min_quantity``."""

    min_quantity: int
    unit_price: Decimal


@dataclass(frozen=True)
class Item:
    id: str
    quantity: int


@dataclass(frozen=True)
class Bid:
    id: str
    vendor: str
    item: str
    tiers: tuple[Tier, ...]
    max_quantity: int | None = None

    @property
    def min_quantity(self) -> int:
        return self.tiers[0].min_quantity

    def tier_for(self, quantity: int) -> Tier:
        """The tier that prices ``quantity`` units: the last one whose minimum it reaches, and the
        first tier below the first minimum. The rule of ``core.tiers.tier_at``, kept here over
        ``Tier`` objects for speed; ``awards/tests/test_engine_tiers.py`` proves them identical.
        Whether a bid may be awarded that few units is a separate rule (``rules.violations``)."""
        chosen = self.tiers[0]
        for tier in self.tiers:
            if tier.min_quantity <= quantity:
                chosen = tier
            else:
                break
        return chosen

    def cost(self, quantity: int) -> Decimal:
        """Exact cost of awarding ``quantity`` units (all units at the reached tier's price)."""
        if quantity == 0:
            return Decimal(0)
        if quantity < self.min_quantity:
            raise ValueError(f"bid {self.id!r}: {quantity} units is below its first tier")
        return self.tier_for(quantity).unit_price * quantity


@dataclass(frozen=True)
class Bundle:
    """All-or-nothing: either every bid in it is awarded some quantity, or none is."""

    id: str
    bids: tuple[str, ...]


@dataclass(frozen=True)
class Constraints:
    max_vendors_per_item: int | None = None
    max_vendor_share: Decimal | None = None
    min_award_quantity: int | None = None


@dataclass(frozen=True)
class Options:
    time_limit_seconds: float = DEFAULT_TIME_LIMIT_SECONDS
    relative_gap: float = DEFAULT_RELATIVE_GAP


@dataclass(frozen=True)
class Problem:
    items: tuple[Item, ...]
    bids: tuple[Bid, ...]
    bundles: tuple[Bundle, ...] = ()
    constraints: Constraints = field(default_factory=Constraints)
    options: Options = field(default_factory=Options)

    @cached_property
    def item_by_id(self) -> dict[str, Item]:
        return {item.id: item for item in self.items}

    @cached_property
    def bid_by_id(self) -> dict[str, Bid]:
        return {bid.id: bid for bid in self.bids}

    @cached_property
    def bids_by_item(self) -> dict[str, list[Bid]]:
        grouped: dict[str, list[Bid]] = {item.id: [] for item in self.items}
        for bid in self.bids:
            grouped[bid.item].append(bid)
        return grouped

    @cached_property
    def vendors(self) -> list[str]:
        return sorted({bid.vendor for bid in self.bids})

    def min_award_for(self, item: Item) -> int:
        """The minimum award quantity that applies on ``item`` (waived when the item is smaller)."""
        minimum = self.constraints.min_award_quantity
        if minimum is None or item.quantity < minimum:
            return 1
        return minimum
