"""What consortium staff may do in the Django admin: look at every registered model, and change
the ones whose admin audits each change (`audit.admin_audit.AuditedModelAdmin`), never users
(no one grants themselves rights there) and never add or delete (public records are changed
through the services, which keep the rules). Superusers are not limited by this."""

from __future__ import annotations

ADMIN_GROUP = "Consortium staff (admin)"


def admin_group_sync():
    """Create or update the group; idempotent (run after every migrate)."""
    from django.contrib import admin
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.models import ContentType

    from accounts.models import User
    from audit.admin_audit import AuditedModelAdmin

    group, _ = Group.objects.get_or_create(name=ADMIN_GROUP)
    wanted = []
    for model, model_admin in admin.site._registry.items():
        actions = ["view"]
        if isinstance(model_admin, AuditedModelAdmin) and model is not User:
            actions.append("change")
        content_type = ContentType.objects.get_for_model(model)
        wanted += Permission.objects.filter(
            content_type=content_type, codename__in=[f"{a}_{model._meta.model_name}" for a in actions])
    group.permissions.set(wanted)
    return group


def sync_after_migrate(sender, app_config=None, **kwargs) -> None:
    """post_migrate runs once per app; the permissions all exist after the last one."""
    from django.apps import apps

    if app_config is not None and app_config.label == list(apps.get_app_configs())[-1].label:
        admin_group_sync()
