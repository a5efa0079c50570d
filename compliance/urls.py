from django.urls import path

from compliance.views import check, dpa_sides, evidence, matrix, rules

app_name = "compliance"
urlpatterns = [
    path("compliance/check/", check.check, name="check"),
    path("compliance/decisions/", check.decision_record, name="decision-record"),
    path("compliance/decisions/<id:decision_id>/", check.decision, name="decision"),
    path("compliance/matrix/", matrix.matrix, name="matrix"),
    path("compliance/matrix.csv", matrix.matrix_csv, name="matrix-csv"),
    path("compliance/matrix/export/", matrix.matrix_export, name="matrix-export"),
    path("compliance/rules/", rules.rules, name="rules"),
    path("compliance/rules/<slug:rule_id>/", rules.rule, name="rule"),
    path("compliance/offers/", evidence.offers, name="offers"),
    path("compliance/offers/<id:dpa_id>/adopt/", evidence.adopt, name="adopt"),
    path("compliance/dpas/<id:dpa_id>/countersign/", dpa_sides.countersign, name="dpa-countersign"),
    path("compliance/dpas/<id:dpa_id>/district-copy/", dpa_sides.district_copy, name="dpa-district-copy"),
    path("compliance/dpas/<id:dpa_id>/review/", dpa_sides.joinder_review, name="dpa-joinder-review"),
    path("compliance/documents/<slug:kind>/<id:evidence_id>/", evidence.document, name="document"),
    path("vendor/evidence/", evidence.vendor_evidence, name="vendor-evidence"),
    path("vendor/evidence/dpas/", evidence.dpa_add, name="dpa-add"),
    path("vendor/evidence/reports/", evidence.report_add, name="report-add"),
    path("vendor/evidence/attestations/", evidence.attestation_create, name="attestation-add"),
    path("vendor/evidence/dpas/<id:dpa_id>/", evidence.dpa_edit, name="dpa-edit"),
    path("vendor/evidence/dpas/<id:dpa_id>/withdraw/", evidence.dpa_withdraw_view, name="dpa-withdraw"),
    path("vendor/evidence/dpas/<id:dpa_id>/close-offer/", evidence.dpa_close_offer, name="dpa-close-offer"),
    path("vendor/evidence/reports/<id:report_id>/", evidence.report_edit, name="report-edit"),
    path("vendor/evidence/reports/<id:report_id>/withdraw/", evidence.report_withdraw, name="report-withdraw"),
    path("vendor/evidence/attestations/<id:attestation_id>/", evidence.attestation_edit,
         name="attestation-edit"),
    path("vendor/evidence/attestations/<id:attestation_id>/withdraw/", evidence.attestation_withdraw_view,
         name="attestation-withdraw"),
]
