from django.apps import AppConfig


class BulkdataConfig(AppConfig):
    name = "bulkdata"
    verbose_name = "Bulk data downloads"

    def ready(self) -> None:
        # Large Excel downloads, written by `edpool worker` (bulkdata.background).
        from bulkdata.background import BULK_XLSX_JOB, job_file_name, xlsx_export_job
        from jobs.registry import register

        register(BULK_XLSX_JOB, label="Prepare an Excel download", run=xlsx_export_job,
                 figures=(("rows_done", "Rows written", "number"), ("rows", "Rows in the file", "number")),
                 file_private=True, file_name=job_file_name)
