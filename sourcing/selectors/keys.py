"""Which sealing key each sealed bid and bid document is under (`edpool keys status`): counts by
key id, never content and never key material (see `sourcing.sealing`)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sourcing import sealing
from sourcing.models import Bid, BidDocument


@dataclass(frozen=True)
class SealingKeyStatus:
    current: str  # the key id new bids are sealed under
    readable: list[str]  # the current key id, then those of BID_SEALING_KEYS_READ
    bids: dict[str, int] = field(default_factory=dict)  # key id ("" = version 1, unnamed) -> bids
    documents: dict[str, int] = field(default_factory=dict)  # key id -> sealed document titles

    def not_current(self) -> int:
        """How many bids and documents a rotation would re-wrap."""
        return (sum(n for k, n in self.bids.items() if k != self.current)
                + sum(n for k, n in self.documents.items() if k != self.current))

    def retirable(self) -> list[str]:
        """Previous keys no stored bid is sealed under any more (the bids' files follow their
        sealed metadata: both are re-wrapped together)."""
        used = set(self.bids) | set(self.documents)
        if "" in used:  # version 1 blobs name no key: any previous key may still be needed
            return []
        return [k for k in self.readable[1:] if k not in used]


def sealing_key_status() -> SealingKeyStatus:
    bids = Counter(sealing.blob_key_id(b) for b in Bid.objects.values_list("sealed", flat=True).iterator())
    documents = Counter(sealing.blob_key_id(m) for m in
                        BidDocument.objects.values_list("sealed_meta", flat=True).iterator())
    return SealingKeyStatus(current=sealing.current_key_id(), readable=sealing.readable_key_ids(),
                            bids=dict(bids), documents=dict(documents))
