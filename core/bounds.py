"""The domain bounds on quantities and money, as plain constants.

They are here rather than in `core.limits` (which raises Django's ValidationError) so that the pure
rules (`core.tiers`, `core.money`) can use them without importing Django; `core.limits`
re-exports them beside its other bounds and checks.
"""

from __future__ import annotations

from decimal import Decimal

# Units on one line a district orders, reports or declares (the largest US district has under
# half a million students; a million devices or seats on one line is already absurd).
QUANTITY_MAX = 1_000_000
# Units the whole consortium may buy on one solicitation line, and tier breakpoints (a national
# consortium of 13,000 districts and 50 million students stays below this).
POOLED_QUANTITY_MAX = 100_000_000
# One unit's price, in dollars (a site licence or a service engagement may cost millions).
UNIT_PRICE_MAX = Decimal("10000000.00")
# Any money amount: a line, an order, a report, an annual value, an approval limit.
AMOUNT_MAX = Decimal("10000000000.00")
