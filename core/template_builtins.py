"""Template filters every EdPool template has without {% load %} (settings TEMPLATES builtins)."""

from django import template

from core.formatting import money as _money

register = template.Library()


@register.filter
def money(value):
    """{{ order.total|money }} -> $1,234.50"""
    return _money(value)
