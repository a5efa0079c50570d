from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from accounts.models import ApiToken, RoleAssignment, User
from core.admin_lookups import DeclaredLookupsOnly
from audit.admin_audit import AuditedModelAdmin


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ("organisation",)


@admin.register(User)
class UserAdmin(AuditedModelAdmin, BaseUserAdmin):
    ordering = ("email",)
    list_display = ("email", "full_name", "is_active", "is_staff", "last_login")
    search_fields = ("email", "full_name")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Person", {"fields": ("full_name",)}),
        ("Access", {"fields": ("is_active", "is_staff", "is_superuser")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    readonly_fields = ("last_login", "date_joined")
    inlines = [RoleInline]
    filter_horizontal = ()
    list_filter = ("is_active", "is_staff")


@admin.register(ApiToken)
class ApiTokenAdmin(DeclaredLookupsOnly, admin.ModelAdmin):
    list_display = ("prefix", "user", "assignment", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("user", "assignment", "name", "prefix", "digest", "created_at",
                       "last_used_at", "expires_at", "revoked_at")

    def has_add_permission(self, request):
        return False
