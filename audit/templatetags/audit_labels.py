"""Human labels for the codes stored in audit events (through the one registry, core.labels)."""

from django import template

from core.labels import label

register = template.Library()

# Actor roles recorded by the trail that are not roles people hold.
OTHER_ROLES = {"system": "System", "admin": "Django admin"}


@register.filter
def object_label(object_type: str) -> str:
    return label(object_type)


@register.filter
def action_label(action: str) -> str:
    return label(action)


@register.filter
def role_label(role: str) -> str:
    if role in OTHER_ROLES:
        return OTHER_ROLES[role]
    return label(role)
