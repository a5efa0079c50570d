from django.urls import path

from ops import views

# Outside any namespace: load balancers and Prometheus are configured with these paths.
urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("metrics", views.metrics, name="metrics"),
]
