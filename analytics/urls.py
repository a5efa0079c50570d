"""Pages of savings, spend and price intelligence. Each subject adds its own patterns list."""

app_name = "analytics"
urlpatterns: list = []

# Spend by category, vendor, month and state (analytics.views.spend).
from django.urls import path  # noqa: E402

from analytics.views import spend as spend_views  # noqa: E402

urlpatterns += [
    path("analytics/spend/", spend_views.spend, name="spend"),
    path("analytics/spend.csv", spend_views.spend_csv_view, name="spend-csv"),
    path("analytics/spend.xlsx", spend_views.spend_xlsx_view, name="spend-xlsx"),
]
