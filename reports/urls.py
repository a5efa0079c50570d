from django.urls import path

from reports import views

app_name = "reports"
Q = "vendor/sales-reports/<int:agreement_id>/<int:year>-q<int:quarter>/"
urlpatterns = [
    path("vendor/sales-reports/", views.vendor_reports, name="vendor"),
    path(Q, views.report_submit, name="submit"),
    path(Q + "upload/", views.report_upload, name="upload"),
    path("sales-reports/", views.report_list, name="list"),
    path("sales-reports/overdue/", views.overdue, name="overdue"),
    path("sales-reports/<int:report_id>/", views.report_detail, name="detail"),
    path("sales-reports/<int:report_id>/items/<int:item_id>/resolve/", views.item_resolve, name="resolve"),
    path("sales-reports/<int:report_id>/invoice/", views.invoice_issue, name="invoice-issue"),
    path("invoices/", views.invoices, name="invoices"),
    path("invoices/<int:invoice_id>/paid/", views.invoice_paid, name="invoice-paid"),
]
