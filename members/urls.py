from django.urls import path

from members import views

app_name = "members"
urlpatterns = [
    path("members/", views.directory, name="directory"),
    path("membership/", views.mine, name="mine"),
    path("memberships/", views.queue, name="queue"),
    path("memberships/<int:membership_id>/", views.detail, name="detail"),
    path("memberships/<int:membership_id>/resolution.pdf", views.resolution_document,
         name="resolution"),
    path("memberships/<int:membership_id>/<slug:action>/", views.transition, name="transition"),
    path("districts/", views.districts, name="districts"),
    path("districts/<int:district_id>/apply/", views.apply_on_behalf, name="apply-on-behalf"),
]
