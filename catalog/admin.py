from django.contrib import admin

from catalog.models import Category, Product
from edpool.admin_audit import AuditedModelAdmin


@admin.register(Category)
class CategoryAdmin(AuditedModelAdmin):
    list_display = ("name", "code")
    search_fields = ("name", "code")


@admin.register(Product)
class ProductAdmin(AuditedModelAdmin):
    list_display = ("name", "vendor", "category", "kind", "list_price", "unit", "active")
    list_filter = ("kind", "active", "category")
    search_fields = ("name", "vendor__organisation__name")
    raw_id_fields = ("vendor",)
