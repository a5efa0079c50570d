"""The replay's shortcut (look at earlier lines only when a tier minimum is crossed) gives exactly
what a plain re-check of every line after every event gives, on random histories."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings, strategies as st

from core.money import cents
from core.tiers import tier_at
from orders.pricing import LineReplay, apply_cancel, apply_order

TIERS = [[{"min_quantity": 1, "unit_price": "10.00"}, {"min_quantity": 50, "unit_price": "9.00"},
          {"min_quantity": 120, "unit_price": "8.25"}],
         [{"min_quantity": 1, "unit_price": "4.00"}, {"min_quantity": 80, "unit_price": "3.10"}]]


def naive(events):
    """Every line re-checked after every event; cancelled lines lose what they were credited."""
    volume, lines, owed = 0, {}, {}
    for kind, order_id, items in events:
        if kind == "order":
            volume += sum(q for _, _, q in items)
            for line_id, tiers, quantity in items:
                price = tier_at(tiers, volume).unit_price
                lines[line_id] = [order_id, tiers, quantity, price, price]
                owed[line_id] = Decimal(0)
        else:
            for line_id in [i for i, l in lines.items() if l[0] == order_id]:
                volume -= lines.pop(line_id)[2]
                owed[line_id] = Decimal(0)
        for line_id, line in lines.items():
            line[4] = min(line[4], tier_at(line[1], volume).unit_price)
            owed[line_id] = cents((line[3] - line[4]) * line[2])
    return owed


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.integers(1, 60), st.integers(0, 1), st.integers(0, 30)),
                min_size=1, max_size=40))
def test_shortcut_equals_full_recheck(steps):
    events, placed, state, owed = [], [], LineReplay(), {}
    next_line = 1
    for order_id, (cancel, quantity, tiers_index, pick) in enumerate(steps, start=1):
        if cancel and placed:
            victim = placed.pop(pick % len(placed))
            events.append(("cancel", victim, None))
            _, credits = apply_cancel(state, victim)
        else:
            items = [(next_line, TIERS[tiers_index], quantity)]
            next_line += 1
            events.append(("order", order_id, items))
            placed.append(order_id)
            _, credits = apply_order(state, order_id, items)
        for credit in credits:
            owed[credit.line_id] = owed.get(credit.line_id, Decimal(0)) + credit.amount
    expected = naive(events)
    for line_id in set(expected) | set(owed):
        assert owed.get(line_id, Decimal(0)) == expected.get(line_id, Decimal(0)), (line_id, events)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 60), st.integers(0, 1), st.integers(0, 3000)), min_size=1, max_size=30))
def test_a_prepaid_line_is_owed_only_what_it_paid_above_the_best_price(steps):
    """A line billed below its pooled price (a quote) is owed max(0, (price - best) x qty -
    prepaid): the district ends up paying the best price reached, never less."""
    state, owed, lines = LineReplay(), {}, {}
    for order_id, (quantity, tiers_index, prepaid_cents) in enumerate(steps, start=1):
        prepaid = Decimal(prepaid_cents) / 100
        priced, credits = apply_order(state, order_id, [(order_id, TIERS[tiers_index], quantity)],
                                      prepaid={order_id: prepaid})
        lines[order_id] = (TIERS[tiers_index], quantity, priced[0].unit_price, prepaid)
        for credit in credits:
            owed[credit.line_id] = owed.get(credit.line_id, Decimal(0)) + credit.amount
    for line_id, (tiers, quantity, price, prepaid) in lines.items():
        best = tier_at(tiers, state.volume).unit_price  # no cancellations: the volume only grew
        expected = max(Decimal(0), cents((price - best) * quantity) - prepaid)
        assert owed.get(line_id, Decimal(0)) == expected
