"""The vendor's bid receipt: proof of what the server received and when. One shape, built in one
place, for the service's answer (pages and API) and for a stored receipt downloaded later."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Optional

from sourcing.models import BidReceipt

HOW_TO_VERIFY = ("sha256 of the JSON 'bid' with keys sorted, separators ',' ':' "
                 "and UTF-8 encoding equals 'sha256'.")


@dataclass(frozen=True)
class Receipt:
    """What the vendor keeps. `canonical_bid` is what the digest covers; it is None for a stored
    receipt whose version is no longer the bid's current one (its content is not kept)."""

    solicitation: str
    vendor: str
    action: str
    revision: int
    received_at: str
    digest: str
    addenda_acknowledged: int
    canonical_bid: Optional[dict[str, Any]] = None
    warnings: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "solicitation": self.solicitation, "vendor": self.vendor, "action": self.action,
            "revision": self.revision, "received_at": self.received_at, "sha256": self.digest,
            "addenda_acknowledged": self.addenda_acknowledged, "warnings": list(self.warnings)}
        if self.canonical_bid is not None:
            body["bid"] = self.canonical_bid
            body["how_to_verify"] = HOW_TO_VERIFY
        return body


def receipt_of(stored: BidReceipt, *, canonical_bid: Optional[dict[str, Any]] = None,
               warnings=()) -> Receipt:
    """The receipt for a stored `BidReceipt` (its bid, solicitation and vendor loaded)."""
    bid = stored.bid
    return Receipt(solicitation=bid.solicitation.number, vendor=bid.vendor.legal_name,
                   action=stored.action, revision=stored.revision,
                   received_at=stored.received_at.isoformat(timespec="microseconds"),
                   digest=stored.digest, addenda_acknowledged=stored.addenda_confirmed,
                   canonical_bid=canonical_bid, warnings=tuple(warnings))


def rising_prices(content: dict[str, Any]) -> list[str]:
    """Each tier of a bid that is dearer than a lower tier of the same line (its price rises with
    volume, usually a typing mistake), in words naming the line and both tiers. Empty if none.
    A receipt repeats them as its warnings."""
    found = []
    for line in content.get("lines", []) or []:
        cheapest = None  # (tier number, min quantity, price) of the cheapest lower tier
        for number, tier in enumerate(line.get("tiers", []) or [], start=1):
            try:
                price, min_q = Decimal(str(tier["unit_price"])), int(tier["min_quantity"])
            except (KeyError, TypeError, ValueError, InvalidOperation):
                continue
            if cheapest is not None and price > cheapest[2]:
                found.append(f"Line {line.get('line')}: tier {number} (from {min_q:,} units) costs "
                             f"${price:,.2f} a unit, more than tier {cheapest[0]} (from "
                             f"{cheapest[1]:,} units) at ${cheapest[2]:,.2f}.")
            if cheapest is None or price < cheapest[2]:
                cheapest = (number, min_q, price)
    return found
