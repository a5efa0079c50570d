"""Human labels for the codes stored in audit events."""

from django import template

from accounts.models import Role
from audit.actions import action_label as _action_label
from audit.selectors import object_type_label

register = template.Library()

OTHER_ROLES = {"system": "System", "admin": "Django admin"}


@register.filter
def object_label(object_type: str) -> str:
    return object_type_label(object_type)


@register.filter
def action_label(action: str) -> str:
    return _action_label(action)


@register.filter
def role_label(role: str) -> str:
    if role in Role.values:
        return Role(role).label
    return OTHER_ROLES.get(role, role.replace("_", " ").capitalize())
