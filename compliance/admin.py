"""Read-only admin views of compliance data: rules change only through `edpool load-rules`,
evidence and decisions only through the services (so every change is validated and audited)."""

from django.contrib import admin

from compliance.models import (AccessibilityReport, Attestation, ComplianceDecision,
                               DataPrivacyAgreement, Jurisdiction, RuleVersion)
from core.admin_lookups import DeclaredLookupsOnly


class ReadOnlyAdmin(DeclaredLookupsOnly, admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Jurisdiction)
class JurisdictionAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "kind")
    list_filter = ("kind",)


@admin.register(RuleVersion)
class RuleVersionAdmin(ReadOnlyAdmin):
    list_display = ("rule", "number", "citation", "effective_from", "effective_to", "sureness", "retired_at")
    list_filter = ("sureness", "kind", "rule__jurisdiction")
    search_fields = ("rule__rule_id", "citation", "title")


@admin.register(DataPrivacyAgreement)
class DpaAdmin(ReadOnlyAdmin):
    list_display = ("pk", "vendor", "state", "kind", "district", "signed_on", "expires_on", "general_offer")
    list_filter = ("state", "kind", "general_offer")


@admin.register(AccessibilityReport)
class ReportAdmin(ReadOnlyAdmin):
    list_display = ("product", "standard", "level", "report_date", "expires_on")


@admin.register(Attestation)
class AttestationAdmin(ReadOnlyAdmin):
    list_display = ("vendor", "kind", "product", "attested_on", "expires_on")


@admin.register(ComplianceDecision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ("pk", "district", "product", "verdict", "on_date", "decided_at")
    list_filter = ("verdict",)
