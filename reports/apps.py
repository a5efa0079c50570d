from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Vendor sales reports, reconciliation and administrative fees"

    def ready(self) -> None:
        # Large sales-report uploads, stored and reconciled by `edpool worker`.
        from jobs.registry import register
        from reports.uploads import SALES_REPORT_UPLOAD_JOB, sales_report_upload_job

        register(SALES_REPORT_UPLOAD_JOB, label="Upload a sales report", run=sales_report_upload_job,
                 figures=(("lines", "Lines", "number"),))
        # Re-running a report's reconciliation after orders changed (staff).
        from reports.reconcile_again import FIGURES, REPORT_RECONCILE_JOB, report_reconcile_job

        register(REPORT_RECONCILE_JOB, label="Reconcile a sales report again", run=report_reconcile_job,
                 figures=FIGURES)
