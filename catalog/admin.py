from django.contrib import admin

from catalog.models import Category
from edpool.admin_audit import AuditedModelAdmin


@admin.register(Category)
class CategoryAdmin(AuditedModelAdmin):
    list_display = ("name", "code")
    search_fields = ("name", "code")
