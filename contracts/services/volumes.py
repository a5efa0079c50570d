"""Changing the consortium's pooled volume on an agreement line (called by orders)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from contracts.models import LineVolume, MasterAgreement
from core.locks import lock


@transaction.atomic
def line_volume_lock(*, agreement: MasterAgreement, line_reference: str) -> LineVolume:
    """Lock the line's volume row for the rest of the transaction (created at 0 if new), so
    orders on the same line are priced one after another."""
    LineVolume.objects.get_or_create(agreement=agreement, line_reference=line_reference)
    return lock(LineVolume.objects.all()).get(agreement=agreement, line_reference=line_reference)


@transaction.atomic
def line_volume_change(*, volume: LineVolume, delta: int) -> LineVolume:
    """Add (or, for a cancellation, subtract) units. The caller holds the lock and records the
    audit event of the order that caused the change."""
    if volume.quantity + delta < 0:
        raise ValidationError("The line's volume cannot go below zero.")
    volume.quantity += delta
    volume.save(update_fields=["quantity"])
    return volume
