"""The contract a verdict is asked under, supplied by a higher app (contracts), which registers a
provider in its `AppConfig.ready()` (compliance may not import contracts).

A verdict depends on the agreement a district buys under: its kind (single- or multi-award, for
New York's piggyback rule) and whether the district's participation in force records its board
finding (California's PCC 20118). The check, the matrix and the catalog ask for the same
contexts, so they give one verdict: when an agreement is named, under it; when none is named (and
no hypothetical kind of contract is given), under the agreement the catalog would offer, that is
the one with the best verdict for the district, then the lowest price now, then its number."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Callable, Optional


@dataclass(frozen=True)
class PurchaseContext:
    agreement_id: int
    agreement_label: str  # e.g. "EP-2026-001"
    award_kind: Optional[str]  # multi_award | single_award
    board_finding_label: Optional[str]  # None: no finding of the district's recorded
    rank: tuple  # the catalog's order among a product's agreements (price now, number)

    @property
    def key(self) -> tuple:
        """What the verdict depends on."""
        return (self.award_kind, self.board_finding_label)


# (district or None, products queryset, agreement id or None, date) -> product id -> contexts
Provider = Callable[[Any, Any, Optional[int], dt.date], dict[int, list[PurchaseContext]]]
_provider: list[Provider] = []


def register_purchase_contexts(provider: Provider) -> None:
    _provider[:] = [provider]


def purchase_contexts(*, district, products, agreement_id: Optional[int],
                      on_date: dt.date) -> dict[int, list[PurchaseContext]]:
    """Per product, the agreements in force offering it (one named: only that one), best rank
    first; empty without a provider (compliance alone, e.g. in its own unit tests)."""
    if not _provider:
        return {}
    found = _provider[0](district, products, agreement_id, on_date)
    return {pid: sorted(items, key=lambda c: c.rank) for pid, items in found.items()}
