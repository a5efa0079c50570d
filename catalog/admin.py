from django.contrib import admin
from django.db import transaction

from catalog.models import Category, Product
from catalog.signals import products_changed
from audit.admin_audit import AuditedModelAdmin


def _catalog_index_refresh(product_ids) -> None:
    """Edits here bypass `catalog.services`: keep the member catalog's search table right too."""
    products_changed.send(sender=Product, product_ids=product_ids)


@admin.register(Category)
class CategoryAdmin(AuditedModelAdmin):
    list_display = ("name", "code")
    search_fields = ("name", "code")

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            _catalog_index_refresh(Product.objects.filter(category=obj).values("pk"))


@admin.register(Product)
class ProductAdmin(AuditedModelAdmin):
    list_display = ("name", "vendor", "category", "kind", "list_price", "unit", "active")
    list_filter = ("kind", "active", "category")
    search_fields = ("name", "vendor__organisation__name")
    raw_id_fields = ("vendor",)

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            _catalog_index_refresh([obj.pk])
