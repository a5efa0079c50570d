from django.contrib import admin

from audit.models import AuditEvent
from audit.redaction import exclude_sealed


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the trail is append-only."""

    list_display = ("seq", "occurred_at", "actor_email", "actor_role", "action", "object_type",
                    "object_id")
    list_filter = ("object_type", "actor_role")
    search_fields = ("action", "object_id", "actor_email", "object_repr")
    ordering = ("-seq",)

    def get_queryset(self, request):
        return exclude_sealed(super().get_queryset(request))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
