"""What a draft order would cost if submitted now: each line at the tier the consortium's
pooled volume reaches with the order's own units (orders.pricing's rule), the pooled total, what
the mini-competition quote takes off it (orders.quotes) and the total. A preview: nothing is
locked, priced or counted; the price is set when the order is submitted (or approved)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Optional

from contracts.selectors.volumes import line_volume
from core.money import cents
from core.tiers import tier_at
from orders.models import Order, OrderLine
from orders.quotes import QuoteComparison, quote_comparison, quote_credit


@dataclass(frozen=True)
class PreviewLine:
    line: OrderLine
    unit_price: Decimal
    amount: Decimal
    volume_after: int


@dataclass
class OrderPreview:
    lines: list[PreviewLine] = field(default_factory=list)
    pooled_total: Decimal = Decimal(0)
    quote: Optional[QuoteComparison] = None
    quote_credit: Decimal = Decimal(0)

    @property
    def total(self) -> Decimal:
        return self.pooled_total - self.quote_credit


def order_preview(order: Order) -> OrderPreview:
    lines = list(order.lines.select_related("entry", "product").order_by("pk"))
    added: dict[str, int] = {}
    for line in lines:
        added[line.line_reference] = added.get(line.line_reference, 0) + line.quantity
    after = {ref: line_volume(order.agreement, ref) + n for ref, n in added.items()}
    preview = OrderPreview()
    for line in lines:
        price = tier_at(line.entry.tiers, after[line.line_reference]).unit_price
        preview.lines.append(PreviewLine(line, price, cents(price * line.quantity), after[line.line_reference]))
    preview.pooled_total = sum((p.amount for p in preview.lines), Decimal(0))
    preview.quote = quote_comparison(order, lines)
    preview.quote_credit = quote_credit(preview.pooled_total, preview.quote)
    return preview
