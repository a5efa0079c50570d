"""Keep the savings table right as orders change: after every save of an Order that is priced
(or cancelled), its lines and the earlier lines its volume events wrote true-ups or reversals
for are recomputed, inside the same transaction as the order's change (so the table never
shows a state the orders do not). The orders app cannot call analytics (import layers), so
this listens to its model's post-save signal; `manage.py savings check` proves it stayed right."""

from __future__ import annotations

from django.db.models.signals import post_save


def _order_saved(sender, instance, raw=False, **kwargs) -> None:
    if raw or instance.priced_at is None:  # fixtures; drafts and orders awaiting approval count nothing
        return
    from analytics.savings import refresh_for_order

    refresh_for_order(instance.pk)


def connect() -> None:
    from orders.models import Order

    post_save.connect(_order_saved, sender=Order, dispatch_uid="analytics.savings.order_saved")
