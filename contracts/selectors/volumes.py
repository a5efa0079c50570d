"""The consortium's pooled volume on agreement lines, and where it stands on the tiers."""

from __future__ import annotations

from contracts.models import LineVolume, MasterAgreement, ScheduleEntry
from core.tiers import TierPosition, tier_at


def line_volume(agreement: MasterAgreement, line_reference: str) -> int:
    row = LineVolume.objects.filter(agreement=agreement, line_reference=line_reference).first()
    return row.quantity if row else 0


def volumes_of(agreement_ids, line_references=None) -> dict[tuple[int, str], int]:
    """{(agreement id, line reference): cumulative quantity} in one query (only these lines, when
    given: a page of the catalog needs a few lines of many agreements)."""
    rows = LineVolume.objects.filter(agreement_id__in=list(agreement_ids))
    if line_references is not None:
        rows = rows.filter(line_reference__in=list(line_references))
    return {(agreement_id, ref): quantity
            for agreement_id, ref, quantity in rows.values_list("agreement_id", "line_reference", "quantity")}


def entry_position(entry: ScheduleEntry, volume: int, extra: int = 0) -> TierPosition:
    """The tier the consortium's volume (plus `extra` units) reaches on this entry."""
    return tier_at(entry.tiers, volume + extra)
