from django.urls import path

from audit import views

app_name = "audit"
urlpatterns = [
    path("", views.events, name="events"),
    path("<str:object_type>/<str:object_id>/", views.object_events, name="object"),
]
