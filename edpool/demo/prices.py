"""Demo outside prices: two members paying more outside the pool than the pool's price today (a
Chromebook under a county contract, a reading licence from a vendor's quote), and one price on
another cooperative's contract below the pool's, for an agreement ending within months: the
staff's renegotiation list shows it. Consolidation opportunities come from the needs survey's
answers (what members pay now, edpool/demo/surveys.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from accounts.acting import Actor
from accounts.models import RoleAssignment
from catalog.models import Product
from core import clock
from prices.models import OutsidePrice
from prices.selectors import pool_price_of
from prices.services import outside_price_record

# (buyer email or None for staff, product name, description, price above (+) or below (-) the
# pool's price today, quantity, days ago, source kind, source name)
PRICES = [
    ("buyer2@demo.edpool.org", "Acorn 11 Chromebook", "Acorn 11 Chromebook, 4 GB, 3-year warranty",
     Decimal("27.00"), 240, 35, "cooperative", "County office of education device contract 2025-14"),
    ("buyer3@demo.edpool.org", "Orchard Reader", "Orchard Reader, one-year student licence",
     Decimal("1.85"), 3200, 20, "vendor_quote", "Orchard Learning quote Q-2026-0871"),
    ("staff@demo.edpool.org", "Juniper Flip 11 Chromebook", "Juniper Flip 11 Chromebook (education SKU)",
     Decimal("-8.50"), 1500, 50, "cooperative", "Western States Technology Cooperative contract WSTC-22-07"),
]


def _actor(email: str, role: str) -> Actor:
    return Actor.from_assignment(RoleAssignment.objects.select_related("user", "organisation")
                                 .get(user__email=email, role=role))


def build_prices_demo(report) -> None:
    if OutsidePrice.objects.exists():
        return
    recorded = 0
    for email, product_name, description, above, quantity, days_ago, kind, source in PRICES:
        product = Product.objects.filter(name=product_name, active=True).first()
        pool = pool_price_of(product.pk) if product else None
        if pool is None:
            continue
        staff = email.startswith("staff@")
        actor = _actor(email, "consortium_staff" if staff else "district_buyer")
        outside_price_record(description=description, unit_price=pool + above, quantity=quantity,
                             seen_on=clock.today() - dt.timedelta(days=days_ago), source_kind=kind,
                             source_name=source, product_id=product.pk, actor=actor,
                             note="" if staff else "What we pay today, outside the pool.")
        recorded += 1
    report.add(f"Outside prices: {recorded} recorded; two members pay more outside than the pool's price, "
               f"one cooperative's price beats the pool's (the renegotiation list).")
