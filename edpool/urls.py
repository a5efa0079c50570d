from django.contrib import admin
from django.urls import include, path

from edpool import views
from edpool.api import api

admin.site.site_header = "EdPool administration"
admin.site.site_title = "EdPool admin"

urlpatterns = [
    path("", views.home, name="home"),
    path("home/", views.workspace, name="workspace"),
    path("", include("ops.urls")),  # healthz, readyz, metrics (README "Operating EdPool")
    path("account/", include("accounts.urls")),
    path("", include("members.urls")),
    path("", include("vendors.urls")),
    path("", include("sourcing.urls")),
    path("", include("contracts.urls")),
    path("", include("orders.urls")),
    path("", include("reports.urls")),
    path("", include("catalog.urls")),
    path("", include("compliance.urls")),
    path("", include("matching.urls")),
    path("", include("surveys.urls")),
    path("", include("analytics.urls")),
    path("", include("prices.urls")),
    path("", include("usage.urls")),
    path("", include("bulkdata.urls")),
    path("public/", include("portal.urls")),
    path("audit/", include("audit.urls")),
    path("inbox/", include("inbox.urls")),
    path("jobs/", include("jobs.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

handler400 = "edpool.views.error_400"
handler403 = "edpool.views.error_403"
handler404 = "edpool.views.error_404"
handler500 = "edpool.views.error_500"

