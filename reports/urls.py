from django.urls import path

from reports import views

app_name = "reports"
Q = "vendor/sales-reports/<id:agreement_id>/<year:year>-q<quarter:quarter>/"
urlpatterns = [
    path("vendor/sales-reports/", views.vendor_reports, name="vendor"),
    path(Q, views.report_submit, name="submit"),
    path(Q + "upload/", views.report_upload, name="upload"),
    path("sales-reports/", views.report_list, name="list"),
    path("sales-reports/overdue/", views.overdue, name="overdue"),
    path("sales-reports/<id:report_id>/", views.report_detail, name="detail"),
    path("sales-reports/<id:report_id>/items/<id:item_id>/resolve/", views.item_resolve, name="resolve"),
    path("sales-reports/<id:report_id>/reconcile/", views.reconcile_again, name="reconcile-again"),
    path("sales-reports/<id:report_id>/invoice/", views.invoice_issue, name="invoice-issue"),
    path("invoices/", views.invoices, name="invoices"),
    path("invoices/<id:invoice_id>/paid/", views.invoice_paid, name="invoice-paid"),
]
