from django.urls import path

from inbox import views

app_name = "inbox"

urlpatterns = [
    path("", views.notice_list, name="list"),
    path("<id:notice_id>/open/", views.notice_open, name="open"),
    path("read-all/", views.read_all, name="read-all"),
]
