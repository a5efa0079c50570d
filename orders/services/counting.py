"""Counting an order: its lines priced at the tier the pooled volume reaches with them, its bill
(a quote may cap it), the volume events and the true-ups earlier lines earn (orders.pricing), under
the agreement lines' row locks taken in order of reference (core.locks)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db.models import Min, Q, Sum

from core.formatting import money
from contracts.models import MasterAgreement
from core.money import allocate, cents
from core.tiers import tier_at
from contracts.selectors.agreements import current_schedule
from contracts.services.volumes import line_volume_change, line_volume_lock
from core.limits import AMOUNT_MAX
from orders.models import Order, OrderLine, RebateEntry, VolumeEvent
from orders.quotes import quote_comparison, quote_credit
from orders.pricing import CountedLine, LineReplay, apply_order, crosses_a_tier
from orders.services.drafts import check_may_order
from orders.states import COUNTING

if TYPE_CHECKING:  # pragma: no cover
    from contracts.models import LineVolume



def replay_state(agreement: MasterAgreement, line_reference: str, volume: int) -> LineReplay:
    """The live state of one agreement line, rebuilt from counted order lines and the ledger."""
    state = LineReplay(volume=volume)
    lines = (OrderLine.objects.filter(order__agreement=agreement, line_reference=line_reference,
                                      order__state__in=COUNTING)
             .select_related("entry")
             .annotate(credited=Sum("rebates__amount", filter=Q(rebates__kind=RebateEntry.Kind.TRUE_UP)),
                       best=Min("rebates__unit_price_to", filter=Q(rebates__kind=RebateEntry.Kind.TRUE_UP))))
    for line in lines:
        best = min(line.unit_price, line.best) if line.best is not None else line.unit_price
        state.count(CountedLine(line.pk, line.order_id, line.entry.tiers, line.quantity,
                                line.unit_price, best, line.credited or Decimal(0), line.quote_credit))
    return state


def _tiers_on_line(agreement: MasterAgreement, line_reference: str) -> list[list]:
    """Every tier list ever scheduled on this agreement line (all schedule versions): a superset
    of those of the counted order lines, and small."""
    from contracts.models import ScheduleEntry

    return list(ScheduleEntry.objects.filter(version__agreement=agreement, line_reference=line_reference)
                .values_list("tiers", flat=True))


def volume_event(agreement, line_reference: str, volume, kind: str, order: Order, delta: int, now) -> VolumeEvent:
    last = VolumeEvent.objects.filter(agreement=agreement, line_reference=line_reference).order_by("-seq").first()
    return VolumeEvent.objects.create(agreement=agreement, line_reference=line_reference,
                                      seq=(last.seq + 1) if last else 1, kind=kind, order=order, delta=delta,
                                      volume_after=volume.quantity, at=now)


def write_credits(credits, event: VolumeEvent, kind: str, now) -> list[RebateEntry]:
    entries = []
    lines = {line.pk: line for line in OrderLine.objects.filter(pk__in=[c.line_id for c in credits])
             .select_related("order")}
    for credit in credits:
        line = lines[credit.line_id]
        entries.append(RebateEntry(district_id=line.order.district_id, agreement_id=line.order.agreement_id,
                                   kind=kind, order_line=line, event=event, unit_price_from=credit.price_from,
                                   unit_price_to=credit.price_to, amount=credit.amount, created_at=now))
    return RebateEntry.objects.bulk_create(entries)


def _check_worth(lines: list[OrderLine]) -> None:
    """Before anything is counted: the order, priced at the dearest tier of each line, stays
    within the money bound (so no total can overflow, whatever tier the volume reaches)."""
    worst = sum((max(Decimal(str(t["unit_price"])) for t in line.entry.tiers) * line.quantity
                 for line in lines), Decimal(0))
    if worst > AMOUNT_MAX:
        raise ValidationError({"lines": f"This order could cost up to {money(worst)}, above the "
                                        f"{money(AMOUNT_MAX)} any one order may be worth: split it or "
                                        f"lower the quantities."})


def lock_volumes(order: Order, lines: list[OrderLine]) -> dict[str, LineVolume]:
    """Lock the order's agreement lines' volumes, in order of reference (core.locks)."""
    return {ref: line_volume_lock(agreement=order.agreement, line_reference=ref)
            for ref in sorted({line.line_reference for line in lines})}


def estimate(lines: list[OrderLine], volumes: dict[str, LineVolume]) -> Decimal:
    """What the order would cost if counted now (the volumes are locked: exact)."""
    added: dict[str, int] = {}
    for line in lines:
        added[line.line_reference] = added.get(line.line_reference, 0) + line.quantity
    return sum((cents(tier_at(line.entry.tiers, volumes[line.line_reference].quantity
                              + added[line.line_reference]).unit_price * line.quantity) for line in lines),
               Decimal(0))


def count_order(order: Order, lines: list[OrderLine], volumes: dict[str, LineVolume], now) -> int:
    """Price the order's lines at the tier the volume reaches with them, bill the order (a quote
    may cap it: each line's share of the cap is stored as its quote credit), add the lines to the
    volume with their events and the true-ups they earn earlier orders. Returns the number of
    true-ups."""
    by_ref: dict[str, list[OrderLine]] = {}
    for line in lines:
        by_ref.setdefault(line.line_reference, []).append(line)
    for ref, ref_lines in by_ref.items():
        reached = volumes[ref].quantity + sum(line.quantity for line in ref_lines)
        for line in ref_lines:
            line.unit_price = tier_at(line.entry.tiers, reached).unit_price
            line.amount = cents(line.unit_price * line.quantity)
            line.volume_after = reached
    bill(order, sum((line.amount for line in lines), Decimal(0)), lines)
    for line, share in zip(lines, allocate(order.quote_credit, [line.amount for line in lines])):
        line.quote_credit = share
    all_credits = 0
    for ref in sorted(by_ref):
        volume = volumes[ref]
        new_lines = [(l.pk, l.entry.tiers, l.quantity) for l in by_ref[ref]]
        added = sum(q for _, _, q in new_lines)
        if crosses_a_tier(_tiers_on_line(order.agreement, ref) + [t for _, t, _ in new_lines],
                          volume.quantity, volume.quantity + added):
            state = replay_state(order.agreement, ref, volume.quantity)
        else:  # no better tier reached: nobody earlier is owed anything; no need for the history
            state = LineReplay(volume=volume.quantity)
        priced, credits = apply_order(state, order.pk, new_lines,
                                      prepaid={l.pk: l.quote_credit for l in by_ref[ref]})
        line_volume_change(volume=volume, delta=added)
        event = volume_event(order.agreement, ref, volume, VolumeEvent.Kind.ORDER, order, added, now)
        prices = {p.line_id: p for p in priced}
        for line in by_ref[ref]:
            if line.unit_price != prices[line.pk].unit_price:  # one rule, two readings: never
                raise RuntimeError(f"Order line {line.pk}: priced {line.unit_price}, replay "
                                   f"{prices[line.pk].unit_price}.")
            line.save(update_fields=["unit_price", "amount", "volume_after", "quote_credit"])
        write_credits(credits, event, RebateEntry.Kind.TRUE_UP, now)
        all_credits += len(credits)
    order.priced_at = now
    return all_credits


def bill(order: Order, pooled_total: Decimal, lines: list[OrderLine]) -> None:
    """The order's total: its pooled price, at most the mini-competition quote it carries
    (orders.quotes)."""
    comparison = quote_comparison(order, lines)
    order.quote = comparison.quote if comparison is not None and comparison.applies else None
    order.quote_credit = quote_credit(pooled_total, comparison)
    order.total = pooled_total - order.quote_credit


def placeable_lines(order: Order) -> list[OrderLine]:
    """The order's lines, checked again at the moment it is counted: the member may still order
    under the agreement, the schedule has not changed, the worth stays within bounds."""
    check_may_order(order.district, order.agreement)
    current = {e.pk for e in current_schedule(order.agreement).entries.all()}
    lines = list(order.lines.select_related("entry", "product").order_by("pk"))
    stale = [line.product.name for line in lines if line.entry_id not in current]
    if stale:
        raise ValidationError({"lines": "The price schedule changed since this draft; re-create it. "
                                        "Products: " + ", ".join(stale)})
    _check_worth(lines)
    return lines
