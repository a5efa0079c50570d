"""The key that makes an outside price a duplicate of another (no Django: used by the service and
the migration that filled it for prices recorded before)."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from typing import Optional


def duplicate_key(*, district_id: Optional[int], product_id: Optional[int], description: str, source_kind: str,
                  source_name: str, seen_on: dt.date, unit_price: Decimal) -> str:
    """The same member (or the consortium), the same catalog product (or, without one, the same
    description), the same source (kind and name, ignoring case and spaces), date and price."""
    what = f"p{product_id}" if product_id else "d" + " ".join(description.lower().split())
    parts = [str(district_id or 0), what, source_kind, " ".join(source_name.lower().split()), seen_on.isoformat(),
             f"{Decimal(unit_price):.2f}"]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
