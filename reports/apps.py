from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Vendor sales reports, reconciliation and administrative fees"
