"""Pages of savings, spend and price intelligence. Each subject adds its own patterns list."""

from django.urls import path

from analytics import savings_views
from analytics.views import spend as spend_views

app_name = "analytics"

savings_patterns = [
    path("savings/", savings_views.savings_dashboard, name="savings"),
    path("savings/method/", savings_views.savings_method, name="savings-method"),
    path("savings/statement/<int:district_id>/<int:fiscal_year>/", savings_views.statement, name="statement"),
    path("savings/statement/<int:district_id>/<int:fiscal_year>.pdf", savings_views.statement_download,
         name="statement-pdf"),
]

# Spend by category, vendor, month and state (analytics.views.spend).
spend_patterns = [
    path("analytics/spend/", spend_views.spend, name="spend"),
    path("analytics/spend.csv", spend_views.spend_csv_view, name="spend-csv"),
    path("analytics/spend.xlsx", spend_views.spend_xlsx_view, name="spend-xlsx"),
]

urlpatterns: list = [*savings_patterns, *spend_patterns]
