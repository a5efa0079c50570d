from django.urls import path

from catalog import views

app_name = "catalog"
urlpatterns = [
    path("vendor/products/", views.vendor_products, name="vendor-products"),
    path("vendor/products/<id:product_id>/", views.vendor_product_edit, name="vendor-product-edit"),
    path("products/<id:product_id>/", views.product_detail, name="product"),
    path("products/<id:product_id>/facts/check/", views.product_facts_check_view, name="facts-check"),
    path("products/facts-to-check/", views.facts_to_check, name="facts-to-check"),
]
