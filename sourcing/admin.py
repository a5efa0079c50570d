"""Only solicitations appear in the admin. Bids, receipts, declarations, scores and protests are
not registered: bids must never be readable before the deadline through any channel, the admin
included. A published solicitation is read-only here: after publishing, its content changes only
by a numbered addendum (sourcing.services.solicitations.addendum_publish), which notifies bidders
and asks them to re-confirm."""

from django.contrib import admin

from audit.admin_audit import AuditedModelAdmin
from sourcing.models import Solicitation
from sourcing.states import SolicitationState


@admin.register(Solicitation)
class SolicitationAdmin(AuditedModelAdmin):
    list_display = ("number", "title", "state", "bid_deadline")
    list_filter = ("state", "kind")
    search_fields = ("number", "title")
    readonly_fields = ("number", "state", "published_at", "evaluation_started_at", "bids_opened_at",
                       "cancelled_at",
                       "cancellation_reason", "questions_deadline", "bid_deadline")

    @staticmethod
    def _published(obj) -> bool:
        if obj is None or obj.pk is None:
            return False
        stored = Solicitation.objects.filter(pk=obj.pk).values_list("state", flat=True).first()
        return stored is not None and stored != SolicitationState.DRAFT

    def has_change_permission(self, request, obj=None):
        """Drafts only: a published solicitation opens as a read-only page."""
        if self._published(obj):
            return False
        return super().has_change_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        if self._published(obj):
            return [f.name for f in Solicitation._meta.concrete_fields if f.name != "id"]
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change and self._published(obj):  # published meanwhile: never overwrite
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied("A published solicitation changes only by addendum.")
        super().save_model(request, obj, form, change)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
