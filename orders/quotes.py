"""A quote accepted in a mini-competition carries into the order placed from it.

Rule (decided for issue 13): the vendor committed to its quote for the district's quantities, so
the first order the district places under the chosen agreement with exactly the quoted
quantities (line by line) is billed at most the quoted total. When the pooled price is higher
the order's total is the quote and the difference is the order's `quote_credit` (its lines keep
their pooled tier prices: those set the consortium's volume events and true-ups); when the
pooled price is lower the district pays the pooled price. An order whose quantities differ from
the quote is priced at pooled prices, and `quote_comparison` says line by line why the quote
does not apply. A cancelled or rejected order gives the quote back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Iterable, Optional

from contracts.models import MiniCompetition, ParticipationAgreement, QuoteRequest
from contracts.states import ParticipationState
from orders.models import Order
from orders.states import OrderState


@dataclass(frozen=True)
class LineDifference:
    line_reference: str
    quoted: int  # quantity in the quote (0: not quoted)
    ordered: int  # quantity in this order (0: not ordered)


@dataclass
class QuoteComparison:
    quote: QuoteRequest
    applies: bool
    reason: str
    differences: list[LineDifference] = field(default_factory=list)

    @property
    def quote_total(self) -> Decimal:
        return self.quote.quote_total


def accepted_quote(order: Order) -> Optional[QuoteRequest]:
    """The answered quote of the decided mini-competition through which the district joined the
    order's agreement (the latest answer from the chosen vendor), if any."""
    participation = (ParticipationAgreement.objects
                     .filter(district_id=order.district_id, agreement_id=order.agreement_id,
                             mini_competition__state=MiniCompetition.State.DECIDED,
                             mini_competition__chosen_agreement_id=order.agreement_id,
                             state=ParticipationState.ACTIVE)
                     .select_related("mini_competition").order_by("-prepared_at").first())
    if participation is None:
        return None
    return (QuoteRequest.objects.filter(competition=participation.mini_competition,
                                        agreement_id=order.agreement_id, answered_at__isnull=False)
            .select_related("competition", "agreement__vendor").order_by("-answered_at", "-pk").first())


def _quantities(lines: Iterable) -> dict[str, int]:
    out: dict[str, int] = {}
    for line in lines:
        out[line.line_reference] = out.get(line.line_reference, 0) + line.quantity
    return out


def quote_comparison(order: Order, lines: Optional[list] = None) -> Optional[QuoteComparison]:
    """Whether the accepted quote prices this order, and if not, why (line by line). None when
    the district joined without a quote."""
    quote = accepted_quote(order)
    if quote is None:
        return None
    if order.quote_id == quote.pk:
        return QuoteComparison(quote, True, "This order is priced under the quote.")
    used = (Order.objects.filter(quote=quote).exclude(pk=order.pk)
            .exclude(state__in=(OrderState.CANCELLED, OrderState.REJECTED)).order_by("pk").first())
    if used is not None:
        return QuoteComparison(quote, False, f"The quote was already used by order {used.number}; "
                                             f"this order is priced at the consortium's pooled prices.")
    quoted = {ref: int(q) for ref, q in (quote.competition.quantities or {}).items() if int(q)}
    ordered = _quantities(lines if lines is not None else order.lines.all())
    differences = [LineDifference(ref, quoted.get(ref, 0), ordered.get(ref, 0))
                   for ref in sorted(set(quoted) | set(ordered)) if quoted.get(ref, 0) != ordered.get(ref, 0)]
    if differences:
        return QuoteComparison(quote, False, "The quote covers the quantities of the mini-competition; "
                                             "this order's quantities differ, so it is priced at the "
                                             "consortium's pooled prices.", differences)
    return QuoteComparison(quote, True, "This order has the quoted quantities: the district pays at "
                                        "most the quoted total.")


def quote_credit(pooled_total: Decimal, comparison: Optional[QuoteComparison]) -> Decimal:
    """What the quote takes off the pooled total: the excess over the quote, never negative."""
    if comparison is None or not comparison.applies:
        return Decimal(0)
    return max(pooled_total - comparison.quote_total, Decimal(0))
