"""The order lines and rebate ledger of one district (or of every district, for staff) as plain
rows, for the members' bulk downloads (bulkdata). Rows come as tuples straight from the database
(`values_list`), in a stable order (by id), for the caller to stream with `iterator(chunk_size)`:
a file of the national benchmark's ten million order lines never sits in memory.

Who may read which district is the caller's decision (bulkdata.access); these selectors only
filter by the district they are given."""

from __future__ import annotations

from typing import Optional

from django.db.models import QuerySet

from orders.models import OrderLine, RebateEntry, Settlement
from orders.states import OrderState

ORDER_STATE_LABELS = dict(OrderState.choices)
REBATE_KIND_LABELS = dict(RebateEntry.Kind.choices)
SETTLEMENT_METHOD_LABELS = dict(Settlement.Method.choices)

# One row per order line, with its order's figures repeated (an order with no line yet, a draft
# just started, has no row).
ORDER_LINE_FIELDS = (
    "order__district_id", "order__district__organisation__name", "order__district__state",
    "order_id", "order__number", "order__reference", "order__state",
    "order__agreement__number", "order__agreement__vendor__legal_name",
    "order__created_at", "order__submitted_at", "order__priced_at", "order__approved_at",
    "order__acknowledged_at", "order__fulfilled_at", "order__cancelled_at",
    "order__total", "order__quote_credit",
    "pk", "line_reference", "product_id", "product__name", "quantity", "list_price", "unit_price", "amount",
    "quote_credit",
)

REBATE_FIELDS = (
    "district_id", "district__organisation__name", "district__state",
    "pk", "kind", "created_at", "agreement__number", "agreement__vendor__legal_name",
    "order_line__order__number", "order_line__line_reference", "order_line__product__name",
    "unit_price_from", "unit_price_to", "amount",
    "settlement__method", "settlement__reference", "settlement__recorded_at",
)


def order_lines_for_export(*, district_id: Optional[int]) -> QuerySet:
    """Tuples of ORDER_LINE_FIELDS: every line of the district's orders in every state (drafts,
    cancelled and rejected included, their state says which), or of every district when None."""
    qs = OrderLine.objects.all()
    if district_id is not None:
        qs = qs.filter(order__district_id=district_id)
    return qs.order_by("pk").values_list(*ORDER_LINE_FIELDS)


def rebate_entries_for_export(*, district_id: Optional[int]) -> QuerySet:
    """Tuples of REBATE_FIELDS: the district's rebate ledger (true-ups earned, reversals,
    settlements as negative amounts), oldest first."""
    qs = RebateEntry.objects.all()
    if district_id is not None:
        qs = qs.filter(district_id=district_id)
    return qs.order_by("pk").values_list(*REBATE_FIELDS)
