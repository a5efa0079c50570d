"""Keep the savings table right as orders change: after every save of an Order that is priced
(or cancelled), its lines and the earlier lines its volume events wrote true-ups or reversals
for are recomputed, inside the same transaction as the order's change (so the table never
shows a state the orders do not). The orders app cannot call analytics (import layers), so
this listens to its model's post-save signal; `manage.py savings check` proves it stayed right.
The price paid before changes when a district states one on joining (ParticipationAgreement
saved) or submits a survey with "price paid now" (Response saved): once the service's transaction
commits (the prices and answers are written after the saved row), that district's lines of those
products or categories are recomputed."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_save


def _order_saved(sender, instance, raw=False, **kwargs) -> None:
    if raw or instance.priced_at is None:  # fixtures; drafts and orders awaiting approval count nothing
        return
    from analytics.savings import refresh_for_order

    refresh_for_order(instance.pk)


def _participation_saved(sender, instance, raw=False, **kwargs) -> None:
    """A district that stated what it paid before when joining: its lines of those products."""
    if raw:
        return
    from analytics.savings import refresh_line_savings
    from contracts.selectors.participation import prior_prices_stated
    from orders.selectors import counted_line_ids_of_district

    def refresh() -> None:
        products = {p for (_, p) in prior_prices_stated(district_ids=[instance.district_id])}
        if products:
            refresh_line_savings(counted_line_ids_of_district(instance.district_id, product_ids=products))

    transaction.on_commit(refresh)  # after the service has written the prior prices


def _response_saved(sender, instance, raw=False, **kwargs) -> None:
    """A survey response submitted with "price paid now": the district's lines in its categories."""
    if raw or instance.state != "submitted":
        return
    from analytics.savings import refresh_line_savings
    from orders.selectors import counted_line_ids_of_district
    from surveys.selectors import current_prices_declared

    def refresh() -> None:
        categories = {c for (_, c, _k) in current_prices_declared(district_ids=[instance.district_id])}
        if categories:
            refresh_line_savings(counted_line_ids_of_district(instance.district_id, category_ids=categories))

    transaction.on_commit(refresh)  # after the service has written the answers


def connect() -> None:
    from contracts.models import ParticipationAgreement
    from orders.models import Order
    from surveys.models import Response

    post_save.connect(_order_saved, sender=Order, dispatch_uid="analytics.savings.order_saved")
    post_save.connect(_participation_saved, sender=ParticipationAgreement,
                      dispatch_uid="analytics.savings.participation_saved")
    post_save.connect(_response_saved, sender=Response, dispatch_uid="analytics.savings.response_saved")
