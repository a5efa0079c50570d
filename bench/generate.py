"""Seeded generator of realistic award problems (plain dicts in the engine's JSON format).

Shape of an instance:
- demand per item is log-normal (median ~150 units, a long tail into the thousands);
- list prices per item are log-normal (median ~$120), and negatively correlated with demand
  (-0.5 between the logs: few interactive displays, many licences);
- each vendor covers a random subset of the items (its own coverage rate), with a vendor-wide
  price level and per-bid noise, so no vendor is cheapest everywhere;
- every bid has ``tiers`` volume tiers; breakpoints sit at fractions of the item's demand and every
  step cuts the unit price by 2-15%;
- optionally some bids have a capacity (max_quantity), vendors offer all-or-nothing bundles, and
  the consortium sets a vendor share cap, a per-item vendor limit and a minimum award.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Size:
    """One benchmark size: ``items`` x ``vendors`` x ``tiers`` plus the consortium's rules."""

    items: int
    vendors: int
    tiers: int
    share_cap: float | None = None
    max_vendors_per_item: int | None = None
    min_award_quantity: int | None = None
    capacity_rate: float = 0.25
    bundles: int = 0
    target_gap: float = 1e-4  # the benchmark's goal for this size (proven relative gap)

    @property
    def name(self) -> str:
        return f"{self.items}x{self.vendors}x{self.tiers}"


def _money(value: float) -> str:
    return f"{max(value, 0.01):.2f}"


def _nice(quantity: float) -> int:
    """Round a breakpoint the way price lists do (10, 25, 50, 100, 250, ...)."""
    if quantity < 10:
        return max(2, round(quantity))
    step = 10 ** int(math.log10(quantity)) / 2
    return max(2, int(round(quantity / step) * step))


def _tiers(rng: random.Random, demand: int, first_price: float, count: int) -> list[dict[str, Any]]:
    tiers = [{"min_quantity": 1, "unit_price": _money(first_price)}]
    price = first_price
    # Breakpoints spread from ~5% to ~110% of the item's demand, so the tier reached depends on
    # how the demand is split between vendors.
    fractions = sorted(rng.uniform(0.04, 1.1) for _ in range(count - 1))
    for fraction in fractions:
        breakpoint_ = _nice(demand * fraction)
        if breakpoint_ <= tiers[-1]["min_quantity"]:
            breakpoint_ = tiers[-1]["min_quantity"] + 1
        price *= 1 - rng.uniform(0.02, 0.15)
        tiers.append({"min_quantity": breakpoint_, "unit_price": _money(price)})
    return tiers


def generate(size: Size, seed: int = 0) -> dict[str, Any]:
    rng = random.Random(f"{size.name}-{seed}")
    items = []
    list_prices = []
    for index in range(size.items):
        # Expensive items are bought in smaller numbers (displays vs. licences): the log price and
        # the log demand are correlated at -0.5.
        price_z, other_z = rng.gauss(0, 1), rng.gauss(0, 1)
        demand_z = -0.5 * price_z + math.sqrt(0.75) * other_z
        demand = max(5, round(150 * math.exp(demand_z)))
        items.append({"id": f"item-{index + 1:04d}", "quantity": demand})
        list_prices.append(120 * math.exp(price_z))

    vendors = [f"vendor-{index + 1:02d}" for index in range(size.vendors)]
    coverage = {vendor: rng.uniform(0.25, 0.75) for vendor in vendors}
    level = {vendor: rng.lognormvariate(0, 0.06) for vendor in vendors}

    bids: list[dict[str, Any]] = []
    bids_by_vendor: dict[str, list[dict[str, Any]]] = {vendor: [] for vendor in vendors}
    for item, list_price in zip(items, list_prices):
        bidders = [vendor for vendor in vendors if rng.random() < coverage[vendor]]
        while len(bidders) < min(3, len(vendors)):
            extra = rng.choice(vendors)
            if extra not in bidders:
                bidders.append(extra)
        for vendor in sorted(bidders):
            first_price = list_price * level[vendor] * rng.lognormvariate(0, 0.08)
            bid: dict[str, Any] = {
                "id": f"{vendor}/{item['id']}",
                "vendor": vendor,
                "item": item["id"],
                "tiers": _tiers(rng, item["quantity"], first_price, size.tiers),
            }
            if rng.random() < size.capacity_rate:
                bid["max_quantity"] = max(1, round(item["quantity"] * rng.uniform(0.3, 0.9)))
            bids.append(bid)
            bids_by_vendor[vendor].append(bid)

    bundles = []
    for index in range(size.bundles):
        vendor = rng.choice(vendors)
        offered = bids_by_vendor[vendor]
        if len(offered) < 2:
            continue
        members = rng.sample(offered, k=min(len(offered), rng.randint(2, 4)))
        bundles.append({"id": f"bundle-{index + 1:03d}", "bids": sorted(bid["id"] for bid in members)})
    bundles = [bundle for position, bundle in enumerate(bundles) if bundle["bids"] not in
               [other["bids"] for other in bundles[:position]]]

    constraints: dict[str, Any] = {}
    if size.max_vendors_per_item is not None:
        constraints["max_vendors_per_item"] = size.max_vendors_per_item
    if size.share_cap is not None:
        constraints["max_vendor_share"] = size.share_cap
    if size.min_award_quantity is not None:
        constraints["min_award_quantity"] = size.min_award_quantity
    problem: dict[str, Any] = {"items": items, "bids": bids, "constraints": constraints}
    if bundles:
        problem["bundles"] = bundles
    return problem


SIZES: dict[str, Size] = {
    size.name: size
    for size in (
        Size(50, 8, 3, share_cap=0.3, max_vendors_per_item=3, min_award_quantity=10, bundles=6),
        Size(300, 30, 4, share_cap=0.07),
        Size(1000, 50, 5, share_cap=0.05, target_gap=1e-3),
    )
}
