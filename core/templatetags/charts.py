"""{% chart c %}: a `core.charts.Chart` as a figure with its caption, image and table."""

from django import template

register = template.Library()


@register.inclusion_tag("core/chart.html")
def chart(c):
    return {"c": c}
