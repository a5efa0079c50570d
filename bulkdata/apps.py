from django.apps import AppConfig


class BulkdataConfig(AppConfig):
    name = "bulkdata"
    verbose_name = "Bulk data downloads"
