from django.urls import path

from members import views

app_name = "members"
urlpatterns = [
    path("members/", views.directory, name="directory"),
    path("membership/", views.mine, name="mine"),
    path("memberships/", views.queue, name="queue"),
    path("memberships/<id:membership_id>/", views.detail, name="detail"),
    path("memberships/<id:membership_id>/resolution.pdf", views.resolution_document,
         name="resolution"),
    path("memberships/<id:membership_id>/<slug:action>/", views.transition, name="transition"),
    path("districts/options/", views.district_options, name="district-options"),
    path("districts/", views.districts, name="districts"),
    path("districts/import/", views.district_import, name="district-import"),
    path("districts/<id:district_id>/apply/", views.apply_on_behalf, name="apply-on-behalf"),
]
