from django.contrib import admin
from django.db import models, transaction

from catalog.facts import facts_of, facts_version_record
from catalog.models import Category, Product, ProductFactsVersion
from catalog.signals import products_changed
from audit.admin_audit import AuditedModelAdmin, _admin_actor
from core.admin_lookups import DeclaredLookupsOnly
from core.locks import lock


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
    list_display = ("name", "vendor", "category", "kind", "price_unit", "list_price", "unit", "facts_version",
                    "facts_checked_version", "active")
    list_filter = ("kind", "price_unit", "accessibility", "essa_tier", "active", "category")
    search_fields = ("name", "vendor__organisation__name")
    raw_id_fields = ("vendor",)
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def save_model(self, request, obj, form, change):
        """An edit here is a change of facts too: it makes a new version (not checked)."""
        actor = _admin_actor(request)
        with transaction.atomic():
            if change and obj.pk:
                stored = lock(Product.objects.all()).select_related("category").get(pk=obj.pk)
                obj.facts_version = stored.facts_version
                facts_version_record(product=obj, previous=facts_of(stored) if stored.facts_version else None,
                                     actor=actor)
                super().save_model(request, obj, form, change)
            else:
                super().save_model(request, obj, form, change)
                facts_version_record(product=obj, previous=None, actor=actor)
                obj.save(update_fields=["facts_version"])
            _catalog_index_refresh([obj.pk])


@admin.register(ProductFactsVersion)
class ProductFactsVersionAdmin(DeclaredLookupsOnly, admin.ModelAdmin):
    """Versions are a record: read here, never changed."""
    list_display = ("product", "number", "created_at", "created_by_label", "checked_at")
    raw_id_fields = ("product",)
    readonly_fields = [f.name for f in ProductFactsVersion._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
