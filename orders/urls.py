from django.urls import path

from orders.views import approvals, pages

app_name = "orders"
urlpatterns = [
    path("agreements/<id:agreement_id>/order/", pages.order_new, name="new"),
    path("orders/<id:order_id>/", pages.order_detail, name="detail"),
    path("orders/<id:order_id>/<slug:action>/", pages.order_action, name="action"),
    path("my/orders/", pages.district_orders, name="district"),
    path("approvals/", approvals.approvals, name="approvals"),
    path("approvals/<slug:kind>/<id:item_id>/<slug:decision>/", approvals.approval_decide, name="approval-decide"),
    path("vendor/orders/", pages.vendor_orders, name="vendor"),
    path("agreements/<id:agreement_id>/settlements/<id:district_id>/", pages.settle, name="settle"),
]
