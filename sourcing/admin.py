"""Only solicitations appear in the admin. Bids, receipts, scores and protests are not registered:
bids must never be readable before the deadline through any channel, the admin included."""

from django.contrib import admin

from edpool.admin_audit import AuditedModelAdmin
from sourcing.models import Solicitation


@admin.register(Solicitation)
class SolicitationAdmin(AuditedModelAdmin):
    list_display = ("number", "title", "state", "bid_deadline")
    list_filter = ("state", "kind")
    search_fields = ("number", "title")
    readonly_fields = ("number", "state", "published_at", "evaluation_started_at", "cancelled_at",
                       "cancellation_reason", "questions_deadline", "bid_deadline")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
