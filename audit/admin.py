from django.contrib import admin
from django.urls import path

from audit.actions import action_label
from audit.models import AuditEvent
from audit.redaction import exclude_sealed
from audit.selectors import object_type_label
from audit.templatetags.audit_labels import role_label
from core.admin_lookups import DeclaredLookupsOnly


class VisibleObjectTypeFilter(admin.SimpleListFilter):
    """Object types of the visible events only, with human labels."""

    title = "object type"
    parameter_name = "object_type"

    def lookups(self, request, model_admin):
        types = (model_admin.get_queryset(request).order_by()
                 .values_list("object_type", flat=True).distinct())
        return sorted(((t, object_type_label(t)) for t in types), key=lambda x: x[1].lower())

    def queryset(self, request, queryset):
        return queryset.filter(object_type=self.value()) if self.value() else queryset


class VisibleRoleFilter(admin.SimpleListFilter):
    title = "actor role"
    parameter_name = "actor_role"

    def lookups(self, request, model_admin):
        roles = (model_admin.get_queryset(request).order_by()
                 .values_list("actor_role", flat=True).distinct())
        return sorted(((r, role_label(r)) for r in roles), key=lambda x: x[1].lower())

    def queryset(self, request, queryset):
        return queryset.filter(actor_role=self.value()) if self.value() else queryset


@admin.register(AuditEvent)
class AuditEventAdmin(DeclaredLookupsOnly, admin.ModelAdmin):
    """Read-only and list-only: the trail is append-only. Events that are sealed for now (e.g.
    bids before their deadline, see `audit.redaction`) are left out of the list, its filters and
    its counts; and since leaving rows out of a numbered list would show where they were, the
    admin shows neither the chain position (`seq`) nor the database id of any event, and has no
    per-event pages (their addresses are database ids). Read events on /audit/."""

    list_display = ("occurred_at", "actor_email", "role", "what", "action", "object_label", "object_repr")
    list_display_links = None
    list_filter = (VisibleObjectTypeFilter, VisibleRoleFilter)
    show_facets = admin.ShowFacets.NEVER
    search_fields = ("action", "object_id", "actor_email", "object_repr")
    ordering = ("-seq",)
    sortable_by = ()

    @admin.display(description="role")
    def role(self, obj):
        return role_label(obj.actor_role)

    @admin.display(description="what")
    def what(self, obj):
        return action_label(obj.action)

    @admin.display(description="object")
    def object_label(self, obj):
        return f"{object_type_label(obj.object_type)} {obj.object_id}"

    def get_queryset(self, request):
        return exclude_sealed(super().get_queryset(request))

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [path("", self.admin_site.admin_view(self.changelist_view),
                     name="%s_%s_changelist" % info)]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
