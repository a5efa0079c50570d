"""Template filters every EdPool template has without {% load %} (settings TEMPLATES builtins).
What each shows is described in `core.formatting`."""

from django import template

from core import formatting

register = template.Library()


@register.filter
def money(value):
    """{{ order.total|money }} -> $1,234.50; negatives -$1,000.00"""
    return formatting.money(value)


@register.filter
def when(value, empty=None):
    """{{ event.occurred_at|when }} -> 2026-03-08 01:59 PST (local time zone, to the minute);
    {{ token.last_used_at|when:"never" }} says "never" for nothing (default an em dash)."""
    if empty is not None and (value is None or value == ""):
        return empty
    return formatting.when(value)


@register.filter
def day(value, empty=None):
    """{{ invoice.due_on|day }} -> 2026-03-08 (a moment's local date); {{ x|day:"no end date" }}
    for nothing."""
    if empty is not None and (value is None or value == ""):
        return empty
    return formatting.day(value)


@register.filter
def long_day(value, empty=None):
    """{{ agreement.end_date|long_day }} -> July 1, 2026 (settings.EDPOOL_LONG_DATE_FORMAT);
    {{ x|long_day:"no end date" }} for nothing."""
    if empty is not None and (value is None or value == ""):
        return empty
    return formatting.long_day(value)


@register.filter
def percent(value):
    """{{ plan.share_percent|percent }} -> 2.5% (the value already is a percentage)"""
    return formatting.percent(value)


@register.filter
def rate_percent(value):
    """{{ agreement.fee_rate|rate_percent }} -> 2.5% (the value is a fraction, 0.025)"""
    return formatting.rate_percent(value)


@register.filter
def quantity(value):
    """{{ line.quantity|quantity }} -> 1,234"""
    return formatting.quantity(value)


@register.filter
def label(value):
    """{{ role.role|label }} -> District buyer; {{ "reports.salesreport 33"|label }} -> Sales report 33"""
    return formatting.label(value)
