"""Keep the savings table right as orders change: after every save of an Order that is priced
(or cancelled), its lines and the earlier lines its volume events wrote true-ups or reversals
for are recomputed, inside the same transaction as the order's change (so the table never
shows a state the orders do not). The orders app cannot call analytics (import layers), so
this listens to its model's post-save signal; `manage.py savings check` proves it stayed right.
Each recomputation also recomputes the monthly rollup's buckets the lines fall in, in the same
transaction (analytics.rollup). The price paid before changes when a district states one on
joining (ParticipationAgreement saved) or submits a survey with "price paid now" (Response saved):
once the service's transaction commits, a background job (analytics.savings_jobs) recomputes that
district's lines of those products or categories."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_save


def _order_saved(sender, instance, raw=False, **kwargs) -> None:
    if raw or instance.priced_at is None:  # fixtures; drafts and orders awaiting approval count nothing
        return
    from analytics.savings import refresh_for_order

    refresh_for_order(instance.pk)


def _participation_saved(sender, instance, raw=False, **kwargs) -> None:
    """A district that stated what it paid before when joining: its lines of those products are
    recomputed by a background job queued once the service's transaction commits (after it has
    written the prior prices), not in the request (analytics.savings_jobs)."""
    if raw:
        return
    from analytics.savings_jobs import savings_recompute_queue

    transaction.on_commit(lambda: savings_recompute_queue(district_id=instance.district_id, subject=instance))


def _response_saved(sender, instance, raw=False, **kwargs) -> None:
    """A survey response submitted with "price paid now": the district's lines in its categories,
    in the background too."""
    if raw or instance.state != "submitted":
        return
    from analytics.savings_jobs import savings_recompute_queue

    transaction.on_commit(lambda: savings_recompute_queue(district_id=instance.district_id, subject=instance))


def connect() -> None:
    from contracts.models import ParticipationAgreement
    from orders.models import Order
    from surveys.models import Response

    post_save.connect(_order_saved, sender=Order, dispatch_uid="analytics.savings.order_saved")
    post_save.connect(_participation_saved, sender=ParticipationAgreement,
                      dispatch_uid="analytics.savings.participation_saved")
    post_save.connect(_response_saved, sender=Response, dispatch_uid="analytics.savings.response_saved")
