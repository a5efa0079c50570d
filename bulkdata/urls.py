"""Members' bulk downloads of their own data (issue 17)."""

from django.urls import path

from bulkdata import views

app_name = "bulkdata"

urlpatterns = [
    path("downloads/", views.downloads, name="downloads"),
    path("downloads/<slug:dataset>.<slug:fmt>", views.download, name="download"),
]
