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

That is the "base" family, the one the engine was developed on. Other families (``FAMILIES``)
keep the size and the rules but change the shape of the bids, to test the engine on instances it
was not tuned on (issue 19):
- "heavy-tail": demand log-normal with median ~1,500 and sigma 1.0; each vendor bids on each item
  with probability 0.4 at a vendor-wide price level (x0.85-1.15) with per-bid noise; tier
  breakpoints grow with the tier index and may exceed the item's demand; about half of the bids
  (never the first on an item) have a capacity of 30-120% of the demand;
- "deep-discount": few vendors per item (2-4) whose tiers cut the price deeply (10-30% a step)
  at breakpoints of 10-90% of the demand, a third of the later bids capped at 40-90%: the tier
  reached, hence how an item is split, moves the cost a lot;
- "tiny-items": many items of a few units each (median 6, at least 1), breakpoints at 2-12 units,
  5-8 bidders per item: little room to split, many small decisions;
- "mixed-sizes": half the items of 1-10 units (a few displays or carts), half of 5,000-50,000
  (district-wide licences), log-uniform, prices as in "base" (the big items cheaper per unit), 3-8
  bidders per item, a quarter of the bids capped at 30-90% of the demand: the caps are filled
  by the big items, and the small ones must still fit under them.
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
    target_seconds: float = 10.0  # ... and the time it should be proven in (issue 19)

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


def _growing_tiers(rng: random.Random, demand: int, first_price: float, count: int, *,
                   step: tuple[float, float], cut: tuple[float, float]) -> list[dict[str, Any]]:
    """Breakpoints growing with the tier index: tier k starts near k * step * demand (so the
    last ones may exceed the demand), each step cutting the price by ``cut``."""
    tiers = [{"min_quantity": 1, "unit_price": _money(first_price)}]
    price = first_price
    for index in range(1, count):
        breakpoint_ = _nice(demand * index * rng.uniform(*step))
        if breakpoint_ <= tiers[-1]["min_quantity"]:
            breakpoint_ = tiers[-1]["min_quantity"] + 1
        price *= 1 - rng.uniform(*cut)
        tiers.append({"min_quantity": breakpoint_, "unit_price": _money(price)})
    return tiers


def _generate_family(size: Size, seed: int, family: str) -> tuple[list, list]:
    """Items and bids of the non-base families (see the module docstring)."""
    rng = random.Random(f"{family}-{size.name}-{seed}")
    items, list_prices = [], []
    if family == "mixed-sizes":
        for index in range(size.items):
            price_z = rng.gauss(0, 1)
            if index % 2:
                quantity, list_price = round(5000 * 10 ** rng.uniform(0, 1)), 30 * math.exp(0.8 * price_z)
            else:
                quantity, list_price = rng.randint(1, 10), 400 * math.exp(0.8 * price_z)
            items.append({"id": f"item-{index + 1:04d}", "quantity": quantity})
            list_prices.append(list_price)
    else:
        median, sigma = {"heavy-tail": (1500, 1.0), "deep-discount": (300, 0.8), "tiny-items": (6, 0.7)}[family]
        for index in range(size.items):
            price_z, other_z = rng.gauss(0, 1), rng.gauss(0, 1)
            demand_z = -0.5 * price_z + math.sqrt(0.75) * other_z
            items.append({"id": f"item-{index + 1:04d}",
                          "quantity": max(1 if family == "tiny-items" else 5, round(median * math.exp(sigma * demand_z)))})
            list_prices.append(120 * math.exp(0.8 * price_z))
    vendors = [f"vendor-{index + 1:02d}" for index in range(size.vendors)]
    level = {vendor: rng.uniform(0.85, 1.15) for vendor in vendors}
    bids: list[dict[str, Any]] = []
    for item, list_price in zip(items, list_prices):
        demand = item["quantity"]
        if family == "heavy-tail":
            bidders = [vendor for vendor in vendors if rng.random() < 0.4]
            least = 2
        elif family == "deep-discount":
            bidders = rng.sample(vendors, k=min(len(vendors), rng.randint(2, 4)))
            least = 2
        elif family == "mixed-sizes":
            bidders = rng.sample(vendors, k=min(len(vendors), rng.randint(3, 8)))
            least = 3
        else:
            bidders = rng.sample(vendors, k=min(len(vendors), rng.randint(5, 8)))
            least = 3
        while len(bidders) < min(least, len(vendors)):
            extra = rng.choice(vendors)
            if extra not in bidders:
                bidders.append(extra)
        for position, vendor in enumerate(sorted(bidders)):
            first_price = list_price * level[vendor] * rng.lognormvariate(0, 0.05)
            bid: dict[str, Any] = {"id": f"{vendor}/{item['id']}", "vendor": vendor, "item": item["id"]}
            if family == "heavy-tail":
                bid["tiers"] = _growing_tiers(rng, demand, first_price, size.tiers, step=(0.15, 0.45), cut=(0.02, 0.12))
                if position > 0 and rng.random() < 0.5:
                    bid["max_quantity"] = max(1, round(demand * rng.uniform(0.3, 1.2)))
            elif family == "mixed-sizes":
                bid["tiers"] = _tiers(rng, demand, first_price, size.tiers)
                if rng.random() < size.capacity_rate:
                    bid["max_quantity"] = max(1, round(demand * rng.uniform(0.3, 0.9)))
            elif family == "deep-discount":
                bid["tiers"] = _growing_tiers(rng, demand, first_price, size.tiers,
                                              step=(0.9 / size.tiers, 0.9 / max(1, size.tiers - 1)), cut=(0.10, 0.30))
                if position > 0 and rng.random() < 0.33:
                    bid["max_quantity"] = max(1, round(demand * rng.uniform(0.4, 0.9)))
            else:
                tiers = [{"min_quantity": 1, "unit_price": _money(first_price)}]
                price = first_price
                for breakpoint_ in sorted(rng.sample(range(2, 13), k=size.tiers - 1)):
                    price *= 1 - rng.uniform(0.03, 0.12)
                    tiers.append({"min_quantity": breakpoint_, "unit_price": _money(price)})
                bid["tiers"] = tiers
            bids.append(bid)
    return items, bids


FAMILIES = ("base", "heavy-tail", "deep-discount", "tiny-items", "mixed-sizes")


def _constraints(size: Size) -> dict[str, Any]:
    constraints: dict[str, Any] = {}
    if size.max_vendors_per_item is not None:
        constraints["max_vendors_per_item"] = size.max_vendors_per_item
    if size.share_cap is not None:
        constraints["max_vendor_share"] = size.share_cap
    if size.min_award_quantity is not None:
        constraints["min_award_quantity"] = size.min_award_quantity
    return constraints


def generate(size: Size, seed: int = 0, family: str = "base") -> dict[str, Any]:
    """One instance of ``family`` (see FAMILIES) at ``size``, the same for the same arguments."""
    if family not in FAMILIES:
        raise ValueError(f"unknown family {family!r}; known: {', '.join(FAMILIES)}")
    if family != "base":
        items, bids = _generate_family(size, seed, family)
        return {"items": items, "bids": bids, "constraints": _constraints(size)}
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

    problem: dict[str, Any] = {"items": items, "bids": bids, "constraints": _constraints(size)}
    if bundles:
        problem["bundles"] = bundles
    return problem


SIZES: dict[str, Size] = {
    size.name: size
    for size in (
        Size(50, 8, 3, share_cap=0.3, max_vendors_per_item=3, min_award_quantity=10, bundles=6),
        Size(300, 30, 4, share_cap=0.07),
        Size(1000, 50, 5, share_cap=0.05, target_gap=1e-3, target_seconds=60.0),
    )
}
