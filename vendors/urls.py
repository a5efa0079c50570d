from django.urls import path

from vendors import views

app_name = "vendors"
urlpatterns = [
    path("vendor/profile/", views.profile, name="profile"),
    path("vendor/profile/colleagues/", views.colleague_add, name="colleague-add"),
    path("vendors/register/", views.register, name="register"),
    path("vendors/register/check-your-email/", views.register_done, name="register-done"),
    path("vendors/verify/<str:token>/", views.verify, name="verify"),
]
