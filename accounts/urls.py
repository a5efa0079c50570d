from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("password/reset/", views.password_reset_view, name="password-reset"),
    path("password/reset/sent/", views.password_reset_done_view, name="password-reset-done"),
    path("password/reset/<uidb64>/<token>/", views.password_reset_confirm_view,
         name="password-reset-confirm"),
    path("password/reset/complete/", views.password_reset_complete_view,
         name="password-reset-complete"),
    path("password/change/", views.password_change_view, name="password-change"),
    path("act-as/", views.act_as, name="act-as"),
    path("", views.account, name="account"),
    path("tokens/", views.token_create, name="token-create"),
    path("tokens/<id:token_id>/revoke/", views.token_revoke, name="token-revoke"),
]
