from django.urls import path

from matching import views

app_name = "matching"
urlpatterns = [
    path("needs/find/", views.find, name="find"),
    path("needs/", views.needs, name="needs"),
    path("needs/unmet/", views.unmet, name="unmet"),
    path("needs/<id:need_id>/", views.need_detail, name="need"),
]
