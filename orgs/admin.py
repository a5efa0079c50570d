from django.contrib import admin

from audit.admin_audit import AuditedModelAdmin
from orgs.models import ConsortiumProfile, Organisation


@admin.register(Organisation)
class OrganisationAdmin(AuditedModelAdmin):
    list_display = ("name", "kind", "state", "slug")
    list_filter = ("kind", "state")
    search_fields = ("name", "slug")


@admin.register(ConsortiumProfile)
class ConsortiumProfileAdmin(AuditedModelAdmin):
    list_display = ("organisation", "short_name")
