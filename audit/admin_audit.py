"""Django admin that writes an audit event for every change made through it."""

from __future__ import annotations

from django.contrib import admin
from django.db import transaction

from accounts.acting import Actor
from audit.actions import AuditAction
from audit.services import audit_record, snapshot
from core.admin_lookups import DeclaredLookupsOnly


def _fields(obj) -> list[str]:
    return [f.name for f in obj._meta.concrete_fields if f.name not in ("password",)]


def _admin_actor(request) -> Actor:
    actor = getattr(request, "actor", None)
    if actor is not None:
        return actor
    return Actor(user=request.user, organisation=None, role="admin")


class AuditedModelAdmin(DeclaredLookupsOnly, admin.ModelAdmin):
    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            before = None
            if change:
                old = type(obj).objects.filter(pk=obj.pk).first()
                before = snapshot(old, _fields(old)) if old else None
            super().save_model(request, obj, form, change)
            audit_record(actor=_admin_actor(request),
                         action=AuditAction.ADMIN_CHANGED if change else AuditAction.ADMIN_ADDED, obj=obj,
                         before=before, after=snapshot(obj, _fields(obj)))

    def delete_model(self, request, obj):
        with transaction.atomic():
            audit_record(actor=_admin_actor(request), action=AuditAction.ADMIN_DELETED, obj=obj,
                         before=snapshot(obj, _fields(obj)))
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)
