from django.urls import path

from compliance.views import check, evidence, matrix, rules

app_name = "compliance"
urlpatterns = [
    path("compliance/check/", check.check, name="check"),
    path("compliance/decisions/", check.decision_record, name="decision-record"),
    path("compliance/decisions/<int:decision_id>/", check.decision, name="decision"),
    path("compliance/matrix/", matrix.matrix, name="matrix"),
    path("compliance/matrix.csv", matrix.matrix_csv, name="matrix-csv"),
    path("compliance/rules/", rules.rules, name="rules"),
    path("compliance/rules/<slug:rule_id>/", rules.rule, name="rule"),
    path("compliance/offers/", evidence.offers, name="offers"),
    path("compliance/offers/<int:dpa_id>/adopt/", evidence.adopt, name="adopt"),
    path("compliance/documents/<slug:kind>/<int:evidence_id>/", evidence.document, name="document"),
    path("vendor/evidence/", evidence.vendor_evidence, name="vendor-evidence"),
    path("vendor/evidence/dpas/", evidence.dpa_add, name="dpa-add"),
    path("vendor/evidence/reports/", evidence.report_add, name="report-add"),
    path("vendor/evidence/attestations/", evidence.attestation_create, name="attestation-add"),
]
