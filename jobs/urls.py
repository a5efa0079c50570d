from django.urls import path

from jobs import views

app_name = "jobs"

urlpatterns = [
    path("<int:job_id>/", views.job_status, name="status"),
    path("<int:job_id>/cancel/", views.job_cancel, name="cancel"),
    path("<int:job_id>/stop/", views.job_stop, name="stop"),
    path("<int:job_id>/file/", views.job_file, name="file"),
]
