from django.urls import path

from contracts.views import catalog, district, manage, public, vendor

app_name = "contracts"
A = "agreements/<id:agreement_id>/"
urlpatterns = [
    path("catalog/", catalog.search, name="catalog"),
    path("catalog/products/<id:product_id>/", catalog.product, name="catalog-product"),
    path("agreements/", public.agreement_list_page, name="list"),
    path(A, public.agreement_detail, name="detail"),
    path(A + "documents/<id:document_id>/", public.agreement_document, name="document"),
    path("solicitations/<id:solicitation_id>/agreements/", manage.create_from_award, name="create-from-award"),
    path(A + "manage/", manage.manage, name="manage"),
    path(A + "schedule/", manage.map_product, name="map"),
    path(A + "schedule/<id:product_id>/remove/", manage.unmap_product, name="unmap"),
    path(A + "activate/", manage.activate, name="activate"),
    path(A + "renew/", manage.renew, name="renew"),
    path(A + "terminate/", manage.terminate, name="terminate"),
    path(A + "documents/", manage.document_add, name="document-add"),
    path(A + "amendments/", manage.amendment_propose, name="amendment-propose"),
    path(A + "amendments/<id:amendment_id>/decision/", manage.amendment_decide, name="amendment-decide"),
    path(A + "join/", district.join, name="join"),
    path("my/agreements/", district.dashboard, name="dashboard"),
    path("solicitations/<id:solicitation_id>/mini-competition/", district.competition_new, name="competition-new"),
    path("mini-competitions/<id:competition_id>/", district.competition, name="competition"),
    path("mini-competitions/<id:competition_id>/<slug:action>/", district.competition_action,
         name="competition-action"),
    path("participations/<id:participation_id>/approve/", district.participation_approve,
         name="participation-approve"),
    path("participations/<id:participation_id>/withdraw/", district.participation_withdraw,
         name="participation-withdraw"),
    path("vendor/contracts/", vendor.vendor_contracts, name="vendor"),
    path("vendor/quotes/<id:quote_id>/answer/", vendor.quote_answer, name="quote-answer"),
    path("vendor/participations/<id:participation_id>/countersign/", vendor.countersign, name="countersign"),
]
