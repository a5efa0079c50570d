from django.urls import path

from prices import views

app_name = "prices"
urlpatterns = [
    path("prices/outside/", views.outside_list, name="outside-list"),
    path("prices/outside/new/", views.outside_new, name="outside-new"),
    path("prices/outside/<id:outside_price_id>/withdraw/", views.outside_withdraw, name="outside-withdraw"),
    path("prices/products/<id:product_id>/", views.product_panel, name="product-panel"),
    path("prices/renegotiate/", views.renegotiate, name="renegotiate"),
    path("prices/consolidation/", views.consolidation_page, name="consolidation"),
]
