from django.contrib import admin

from edpool.admin_audit import AuditedModelAdmin
from vendors.models import Vendor


@admin.register(Vendor)
class VendorAdmin(AuditedModelAdmin):
    list_display = ("legal_name", "contact_email", "registered_at")
    search_fields = ("legal_name", "organisation__name")
    filter_horizontal = ("categories",)
    raw_id_fields = ("organisation",)
