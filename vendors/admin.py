from django.contrib import admin
from django.db import transaction

from audit.admin_audit import AuditedModelAdmin
from vendors.models import Vendor
from vendors.signals import vendor_listing_changed


@admin.register(Vendor)
class VendorAdmin(AuditedModelAdmin):
    list_display = ("legal_name", "contact_email", "registered_at")
    search_fields = ("legal_name", "organisation__name")
    filter_horizontal = ("categories",)
    raw_id_fields = ("organisation",)

    def save_model(self, request, obj, form, change):
        # Edits here bypass `vendors.services`: keep the member catalog's search table (which
        # holds vendors' legal names) right too.
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            vendor_listing_changed.send(sender=Vendor, vendor=obj)
