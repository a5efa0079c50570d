"""Orders' services (writes): drafting, counting (pooled-volume prices and true-ups), the order's
life after submission, and settlements of rebates. Import them from here."""

from orders.services.drafts import MAX_ORDER_LINES, order_create, parse_order_csv
from orders.services.lifecycle import (order_acknowledge, order_approve, order_cancel, order_fulfil,
                                       order_place, order_reject, order_submit)
from orders.services.settlements import settlement_record

__all__ = ["MAX_ORDER_LINES", "order_acknowledge", "order_approve", "order_cancel", "order_create",
           "order_fulfil", "order_place", "order_reject", "order_submit", "parse_order_csv",
           "settlement_record"]
