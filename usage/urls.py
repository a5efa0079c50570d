from django.urls import path

from usage import views

app_name = "usage"
urlpatterns = [
    path("usage/", views.district_usage, name="district"),
    path("usage/import/", views.usage_upload, name="import"),
    path("usage/template.csv", views.usage_template, name="template"),
    path("usage/renewals/", views.renewals, name="renewals"),
]
