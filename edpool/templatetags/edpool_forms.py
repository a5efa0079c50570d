"""Render form widgets with the ARIA attributes that tie them to their help text and errors."""

from django import template

register = template.Library()


@register.simple_tag
def accessible_widget(field):
    attrs = {}
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}_help")
    if field.errors:
        described.append(f"{field.auto_id}_error")
        attrs["aria-invalid"] = "true"
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return field.as_widget(attrs=attrs)
