from django.contrib import admin

from audit.admin_audit import AuditedModelAdmin
from members.models import District, Membership


@admin.register(District)
class DistrictAdmin(AuditedModelAdmin):
    list_display = ("organisation", "state", "state_leaid", "nces_leaid", "lea_type", "enrollment",
                    "enrollment_is_estimate")
    list_filter = ("state", "lea_type", "enrollment_is_estimate")
    search_fields = ("organisation__name", "state_leaid", "nces_leaid", "city")
    raw_id_fields = ("organisation",)


@admin.register(Membership)
class MembershipAdmin(AuditedModelAdmin):
    """State changes go through the membership pages (the state machine), not here."""

    list_display = ("district", "state", "applied_at", "member_since")
    list_filter = ("state",)
    search_fields = ("district__organisation__name",)
    readonly_fields = ("district", "state", "applied_at", "board_approved_on", "resolution_document",
                       "agreement_signed_on", "member_since", "withdrawn_on")
