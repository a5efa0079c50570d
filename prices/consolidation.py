"""Consolidation opportunities: what pooling the volume members buy apart would be worth, as pure
functions over agreement lines and declared purchases (no Django: the "Pure rules import no
Django" contract).

Method (stated on the page, `METHOD`):
- Products of one kind (devices, software ...) in one catalog category are treated as
  substitutes (a district buying one Chromebook could buy another); the page names the products
  so staff can check.
- "Split across agreements": members buy in a category under two or more agreements. Today's
  cost is each line's consortium volume at the tier that volume reaches; the pooled cost is all
  of that volume on one line, at the tier the combined volume reaches there (all-units pricing: every
  unit at the price of the tier the volume reaches). The line with the largest saving is shown.
- "Bought outside the pool": districts declared in a needs survey that they buy the category
  elsewhere (the product and the unit price they pay now). Adding their quantities to a line
  moves its volume up the tiers. A district counts only if its declared price is above the
  price the line would reach (the others would not move); the price is worked out again without
  them until it stands. The saving is what the movers would pay less (their quantity x (their
  price - the new price)) plus the true-ups the line's current buyers would earn (current volume
  x (the price now - the new price)). The line with the largest saving is shown.
- Money: each product of a quantity and a price is rounded to the cent, ROUND_HALF_UP; totals add
  the rounded amounts; the sentence rounds the saving to the dollar ("about").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Optional, Sequence

from core.money import cents
from core.tiers import tier_at

METHOD = __doc__.split("Method (stated on the page, `METHOD`):\n", 1)[1].strip()
# The method's points, each on one line, for the page and the API.
METHOD_POINTS = [" ".join(point.split()) for point in ("\n" + METHOD).split("\n- ") if point.strip()]


@dataclass(frozen=True)
class Line:
    """An agreement line in force: its tiers and the consortium's volume on it."""

    agreement_id: int
    agreement_number: str
    vendor: str
    end_date: Optional[dt.date]
    line_reference: str
    product_id: int
    product_name: str
    tiers: list
    volume: int
    buyers: int = 0  # distinct districts that ordered on it

    def price_at(self, quantity: int) -> Decimal:
        return tier_at(self.tiers, quantity).unit_price

    @property
    def price_now(self) -> Decimal:
        return self.price_at(self.volume)


@dataclass(frozen=True)
class Declared:
    """A district buying outside the pool (a survey answer): how many units, at what price."""

    district_id: int
    district: str
    quantity: int
    unit_price: Decimal
    current_product: str = ""
    source: str = ""


@dataclass
class Opportunity:
    kind: str  # "split" | "outside"
    category: str
    target: Line
    districts: int
    units_moved: int
    volume_after: int
    price_after: Decimal
    tier_min_after: int
    saving: Decimal
    parts: list[tuple[str, Decimal]] = field(default_factory=list)
    products: list[str] = field(default_factory=list)
    movers: list[Declared] = field(default_factory=list)

    @property
    def price_before(self) -> Decimal:
        return self.target.price_now

    @property
    def tier_moves(self) -> bool:
        return self.price_after < self.target.price_now

    @property
    def saving_dollars(self) -> Decimal:
        return self.saving.quantize(Decimal(1), rounding=ROUND_HALF_UP)

    @property
    def sentence(self) -> str:
        who = f"{self.districts} district{'s' if self.districts != 1 else ''}"
        if self.kind == "outside":
            lead = f"{who} buying {self.category} outside the pool"
        else:
            lead = f"{who} buying {self.category} under other agreements"
        if self.tier_moves:
            move = (f"{self.target.agreement_number} would reach its {self.tier_min_after:,}-unit tier "
                    f"(${self.price_after:,.2f} a unit, from ${self.price_before:,.2f})")
        else:
            move = (f"{self.target.agreement_number} would stay at its {self.tier_min_after:,}-unit tier "
                    f"(${self.price_after:,.2f} a unit)")
        return f"{lead}: {move}, saving about ${self.saving_dollars:,}."


def split_opportunity(category: str, lines: Sequence[Line]) -> Optional[Opportunity]:
    """Members buying in one category under several agreements: all the volume on one line."""
    bought = [line for line in lines if line.volume > 0]
    if len({line.agreement_id for line in bought}) < 2:
        return None
    today = sum((cents(line.volume * line.price_now) for line in bought), Decimal(0))
    combined = sum(line.volume for line in bought)
    best: Optional[Opportunity] = None
    for target in lines:
        position = tier_at(target.tiers, combined)
        pooled = cents(combined * position.unit_price)
        saving = today - pooled
        if saving <= 0 or (best is not None and saving <= best.saving):
            continue
        others = [line for line in bought if line.agreement_id != target.agreement_id]
        best = Opportunity(
            kind="split", category=category, target=target,
            districts=sum(line.buyers for line in others), units_moved=sum(line.volume for line in others),
            volume_after=combined, price_after=position.unit_price, tier_min_after=position.tier_min,
            saving=saving, parts=[("Cost today, each line at its own tier", today),
                                  (f"Cost with all {combined:,} units on {target.agreement_number}", pooled)],
            products=sorted({line.product_name for line in bought}))
    return best


def _movers(target: Line, declared: Sequence[Declared]) -> tuple[list[Declared], Decimal, int]:
    """The districts whose declared price is above the price the line would reach with them,
    worked out again without the others until it stands; (movers, that price, the tier minimum)."""
    movers = list(declared)
    while True:
        volume = target.volume + sum(d.quantity for d in movers)
        position = tier_at(target.tiers, volume)
        keep = [d for d in movers if d.unit_price > position.unit_price]
        if len(keep) == len(movers):
            return movers, position.unit_price, position.tier_min
        movers = keep


def outside_opportunity(category: str, lines: Sequence[Line],
                        declared: Sequence[Declared]) -> Optional[Opportunity]:
    """Districts declaring they buy the category outside the pool, moved onto the best line."""
    declared = [d for d in declared if d.quantity > 0]
    best: Optional[Opportunity] = None
    for target in lines:
        movers, price, tier_min = _movers(target, declared)
        if not movers:
            continue
        units = sum(d.quantity for d in movers)
        theirs = sum((cents(d.quantity * (d.unit_price - price)) for d in movers), Decimal(0))
        true_ups = cents(target.volume * (target.price_now - price))
        saving = theirs + true_ups
        if saving <= 0 or (best is not None and saving <= best.saving):
            continue
        best = Opportunity(
            kind="outside", category=category, target=target, districts=len({d.district_id for d in movers}),
            units_moved=units, volume_after=target.volume + units, price_after=price, tier_min_after=tier_min,
            saving=saving, parts=[("The movers pay less than the price they declared", theirs),
                                  (f"True-ups for the {target.volume:,} units already bought", true_ups)],
            products=sorted({line.product_name for line in lines}), movers=movers)
    return best
