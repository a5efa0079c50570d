"""Pooled-volume pricing and true-up rebates for one agreement line, as pure functions over a
replay state. The services apply them under a row lock; `edpool rebates recompute` replays the
volume events through the same functions and compares with the ledger.

Rules
- An order's lines on an agreement line are priced at the tier the consortium's volume reaches
  including the order's own quantity (all-units: that price for every unit).
- When the volume reaches a better tier, every earlier counted line is owed
  (its unit price - the best price reached since it was placed) x its quantity, less what it was
  already credited.
- A line billed below its pooled price (a mini-competition quote capped the order's total,
  `orders.quotes`) carries that difference as `prepaid`: true-ups owed to it are reduced by it,
  so the district ends up paying the best price reached, never less (decided for issue 13: the
  quote and the true-up do not add up to a double discount).
- Policy on cancellation: a cancelled order leaves the volume; its own true-ups are reversed
  (it paid nothing), but rebates other members earned stay earned even if the volume falls back
  below the tier, and their best price reached does not go back up.
Money: Decimal, each amount rounded to cents half-up (`core.money.cents`); tiers by `core.tiers`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from core.money import cents
from core.tiers import tier_at


@dataclass
class CountedLine:
    line_id: int
    order_id: int
    tiers: list
    quantity: int
    unit_price: Decimal
    best_price: Decimal
    credited: Decimal = Decimal(0)  # true-ups written for this line
    prepaid: Decimal = Decimal(0)  # taken off its bill up front (a quote's cap): counts as credited


@dataclass
class LineReplay:
    volume: int = 0
    lines: dict[int, CountedLine] = field(default_factory=dict)
    # The distinct tier lists among the lines, to tell cheaply whether an order crosses a tier.
    tier_lists: dict[str, list] = field(default_factory=dict)

    def count(self, line: CountedLine) -> None:
        """Add a counted line (when placed, or when rebuilding the state from storage)."""
        self.lines[line.line_id] = line
        self.tier_lists.setdefault(repr(line.tiers), line.tiers)


@dataclass(frozen=True)
class Priced:
    line_id: int
    unit_price: Decimal
    volume_after: int


@dataclass(frozen=True)
class Credit:
    line_id: int
    order_id: int
    price_from: Decimal
    price_to: Decimal
    amount: Decimal


def apply_order(state: LineReplay, order_id: int, new_lines: list[tuple[int, list, int]],
                prepaid: dict[int, Decimal] | None = None) -> tuple[list[Priced], list[Credit]]:
    """Add an order's lines (line id, tiers, quantity) on this agreement line; `prepaid` gives,
    per line id, what was taken off its bill up front (see the rules above)."""
    old_volume = state.volume
    state.volume += sum(quantity for _, _, quantity in new_lines)
    priced = []
    for line_id, tiers, quantity in new_lines:
        price = tier_at(tiers, state.volume).unit_price
        priced.append(Priced(line_id, price, state.volume))
    credits = []
    # An earlier line is owed more only when the volume passes a tier minimum above the highest
    # volume it has seen, which is never below the volume before this order: so only a tier
    # minimum in (old, new] can matter.
    if crosses_a_tier(list(state.tier_lists.values()), old_volume, state.volume):
        for line in state.lines.values():
            best = min(line.best_price, tier_at(line.tiers, state.volume).unit_price)
            if best < line.best_price:
                line.best_price = best
                owed = cents((line.unit_price - best) * line.quantity)
                amount = owed - line.prepaid - line.credited
                if amount > 0:
                    credits.append(Credit(line.line_id, line.order_id, line.unit_price, best, amount))
                    line.credited += amount
    for (line_id, tiers, quantity), p in zip(new_lines, priced):
        state.count(CountedLine(line_id, order_id, tiers, quantity, p.unit_price, p.unit_price,
                                prepaid=(prepaid or {}).get(line_id, Decimal(0))))
    return priced, credits


def apply_cancel(state: LineReplay, order_id: int) -> tuple[int, list[Credit]]:
    """Remove a cancelled order's lines; returns (quantity removed, reversals of its credits)."""
    removed, reversals = 0, []
    for line_id in [i for i, line in state.lines.items() if line.order_id == order_id]:
        line = state.lines.pop(line_id)
        removed += line.quantity
        if line.credited:
            reversals.append(Credit(line.line_id, order_id, line.best_price, line.unit_price, -line.credited))
    state.volume -= removed
    return removed, reversals


def crosses_a_tier(tiers_list: list[list], old_volume: int, new_volume: int) -> bool:
    """Does going from old to new volume reach a better tier of any of these tier lists? Only
    then can earlier lines be owed anything, so only then is the line's history loaded."""
    for tiers in tiers_list:
        for tier in tiers:
            if old_volume < tier["min_quantity"] <= new_volume:
                return True
    return False
